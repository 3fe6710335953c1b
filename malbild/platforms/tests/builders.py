"""Small builders for platform tests and the permission matrix. They go through the services,
as a person would, with no request behind them."""

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from malbild.platforms import services
from malbild.platforms.models import Decision, PlatformVersion
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

VALUES = [
    {"key": "medborgarfokus", "name": "Medborgarfokus", "description": "Vi utgår från eleverna."},
    {"key": "oppenhet", "name": "Öppenhet", "description": "Vi delar det vi vet."},
    {"key": "tillit", "name": "Tillit", "description": "Vi litar på varandra."},
]


def draft(
    org: Organisation,
    *,
    vision: str = "Alla elever lyckas.",
    mission: str = "Vi ger varje barn en god utbildning.",
    core_values: list[dict[str, str]] | None = None,
) -> PlatformVersion:
    with scope(org):
        version = services.start_draft(org, None)  # type: ignore[arg-type]
        return services.save_draft(
            version,
            version.lock_version,
            None,  # type: ignore[arg-type]
            vision=vision,
            mission=mission,
            core_values=VALUES if core_values is None else core_values,
        )


def in_force(
    org: Organisation, *, minutes: str = "", decided_on: datetime.date | None = None, **texts: Any
) -> PlatformVersion:
    """A version put in force by a recorded decision (with `minutes` as a stored file name)."""
    version = draft(org, **texts)
    fields: dict[str, Any] = {
        "body": "Kommunfullmäktige",
        "decided_on": decided_on or timezone.localdate() - datetime.timedelta(days=30),
        "reference": "§ 12",
    }
    if minutes:
        fields["minutes"] = minutes
    with scope(org):
        return services.adopt(version, None, decision_fields=fields)  # type: ignore[arg-type]


def stored_minutes(name: str = "minutes/tests/protokoll.pdf") -> str:
    """A minutes PDF in the default storage (once: the name is reused)."""
    if not default_storage.exists(name):
        return default_storage.save(name, ContentFile(PDF))
    return name


def decision_with_minutes(org: Organisation) -> Decision:
    with scope(org):
        return Decision.objects.create(
            organisation=org,
            body="Kommunfullmäktige",
            decided_on=timezone.localdate(),
            reference="§ 3",
            minutes=stored_minutes(),
        )


def draft_form_data(
    version: PlatformVersion,
    *,
    vision: str | None = None,
    mission: str | None = None,
    values: list[dict[str, str]] | None = None,
    lock_version: int | None = None,
) -> dict[str, Any]:
    """What the draft form posts: the texts, the values as rows (with their keys), the lock."""
    rows = version.core_values if values is None else values
    data: dict[str, Any] = {
        "vision": version.vision if vision is None else vision,
        "mission": version.mission if mission is None else mission,
        "number": version.number,
        "lock_version": version.lock_version if lock_version is None else lock_version,
        "values-TOTAL_FORMS": str(len(rows)),
        "values-INITIAL_FORMS": str(min(len(rows), len(version.core_values))),
    }
    for i, row in enumerate(rows):
        data[f"values-{i}-key"] = row.get("key", "")
        data[f"values-{i}-name"] = row.get("name", "")
        data[f"values-{i}-description"] = row.get("description", "")
    return data


def fresh(version: PlatformVersion) -> PlatformVersion:
    with scope(version.organisation):
        return PlatformVersion.objects.select_related("decision").get(pk=version.pk)
