"""The common platform's versions and the decisions that put them in force."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.accounts.models import signed_in
from malbild.platforms.models import Decision, PlatformVersion, Value
from malbild.tenants.models import Organisation


class EditConflict(Exception):
    """Someone saved the same draft after it was opened; `current` is what they saved."""

    def __init__(self, current: Any) -> None:
        super().__init__("edit conflict")
        self.current = current


def in_force(organisation: Organisation) -> PlatformVersion | None:
    return PlatformVersion.objects.filter(status=PlatformVersion.Status.ADOPTED).first()


def draft_of(organisation: Organisation) -> PlatformVersion | None:
    return PlatformVersion.objects.filter(status=PlatformVersion.Status.DRAFT).first()


def _state(version: PlatformVersion) -> dict[str, Any]:
    return {
        "vision": version.vision,
        "mission": version.mission,
        "values": version.core_values,
        "status": version.status,
    }


def normalise_values(values: list[dict[str, str]]) -> list[dict[str, str]]:
    """Give every value a stable key (from its name) and drop empty rows."""
    result: list[dict[str, str]] = []
    for item in values:
        name = " ".join(item.get("name", "").split())
        if not name:
            continue
        key = item.get("key") or slugify(name) or f"varde-{len(result) + 1}"
        result.append(
            {"key": key, "name": name, "description": item.get("description", "").strip()}
        )
    return result


@transaction.atomic
def start_draft(organisation: Organisation, request: HttpRequest) -> PlatformVersion:
    """The open draft, or a new one copied from the version in force."""
    existing = draft_of(organisation)
    if existing is not None:
        return existing
    current = in_force(organisation)
    number = (PlatformVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = PlatformVersion.objects.create(
        organisation=organisation,
        number=number,
        vision=current.vision if current else "",
        mission=current.mission if current else "",
        core_values=current.core_values if current else [],
        created_by=signed_in(request),
    )
    audit.record("platform.draft_started", request=request, target=draft, after=_state(draft))
    return draft


@transaction.atomic
def save_draft(
    draft: PlatformVersion,
    lock_version: int,
    request: HttpRequest,
    *,
    vision: str,
    mission: str,
    core_values: list[dict[str, str]],
) -> PlatformVersion:
    """Save the draft, unless someone saved it after `lock_version` was read (EditConflict)."""
    locked = PlatformVersion.objects.select_for_update().get(pk=draft.pk)
    if locked.status != PlatformVersion.Status.DRAFT:
        raise ValidationError(_("This version is no longer a draft."))
    if locked.lock_version != lock_version:
        raise EditConflict(locked)
    before = _state(locked)
    locked.vision, locked.mission = vision, mission
    locked.core_values = normalise_values(core_values)
    locked.lock_version += 1
    locked.save()
    audit.record(
        "platform.draft_saved", request=request, target=locked, before=before, after=_state(locked)
    )
    return locked


def check_decision_date(decided_on: Any) -> None:
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("A decision cannot be dated in the future.")})


@transaction.atomic
def adopt(
    draft: PlatformVersion, request: HttpRequest, *, decision_fields: dict[str, Any]
) -> PlatformVersion:
    """Put a draft in force with the decision an admin records; the previous version is
    superseded and the organisation's values follow the new värdegrund."""
    locked = PlatformVersion.objects.select_for_update().get(pk=draft.pk)
    if locked.status != PlatformVersion.Status.DRAFT:
        raise ValidationError(_("Only a draft can be put in force."))
    if not locked.vision.strip() or not locked.mission.strip() or not locked.core_values:
        raise ValidationError(
            _("Write the vision, the verksamhetsidé and at least one value first.")
        )
    check_decision_date(decision_fields["decided_on"])
    decision = Decision.objects.create(
        organisation=locked.organisation,
        made_by=signed_in(request),
        recorded_on_behalf=True,
        proposed_by=locked.created_by,
        **decision_fields,
    )
    now = timezone.now()
    PlatformVersion.objects.filter(status=PlatformVersion.Status.ADOPTED).update(
        status=PlatformVersion.Status.SUPERSEDED
    )
    locked.status = PlatformVersion.Status.ADOPTED
    locked.decision = decision
    locked.adopted_at = now
    locked.save()
    sync_values(locked)
    audit.record(
        "platform.adopted",
        request=request,
        target=locked,
        summary=str(decision),
        after={**_state(locked), "decision": str(decision)},
    )
    return locked


def sync_values(version: PlatformVersion) -> None:
    """Bring the organisation's stable Value rows in line with the version's värdegrund: create
    or update each value by its key, and retire those no longer in it."""
    existing = {value.key: value for value in Value.objects.all()}
    keep = set()
    for position, item in enumerate(version.core_values):
        value = existing.get(item["key"]) or Value(
            organisation=version.organisation, key=item["key"]
        )
        value.name, value.description = item["name"], item["description"]
        value.position, value.retired_at = position, None
        value.save()
        keep.add(item["key"])
    Value.objects.exclude(key__in=keep).filter(retired_at__isnull=True).update(
        retired_at=timezone.now()
    )


@transaction.atomic
def adopt_as_shown(
    draft: PlatformVersion,
    lock_version: int,
    request: HttpRequest,
    *,
    decision_fields: dict[str, Any],
) -> PlatformVersion:
    """:func:`adopt`, unless the draft was saved again after `lock_version` was read: the decision
    must put in force the text the admin was shown (EditConflict with the text now saved)."""
    locked = PlatformVersion.objects.select_for_update().get(pk=draft.pk)
    if locked.lock_version != lock_version:
        raise EditConflict(locked)
    return adopt(locked, request, decision_fields=decision_fields)
