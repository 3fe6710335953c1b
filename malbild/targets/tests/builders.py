"""Small builders for the målbild tests: versions in each state, investments, decisions.

They write with the models directly (inside `scope`), so a test starts from the state it needs
without going through the views it may be testing.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from malbild.platforms.models import Decision
from malbild.targets import services
from malbild.targets.models import Comment, Investment, TargetVision
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope, unscoped

Status = TargetVision.Status


def make_version(
    org: Organisation, number: int = 1, status: str = Status.DRAFT, **fields: Any
) -> TargetVision:
    """A version with its focus areas (the four defaults); adopted ones get a decision."""
    values = {
        "title": f"Digitalt lärande för alla {number}",
        "statement": "Alla elever använder digitala verktyg **med omdöme**.",
        "start_year": 2025,
        "end_year": 2028,
        "change_motive": "Omvärlden förändras snabbt.",
        "if_nothing_changes": "Eleverna halkar efter.",
        **fields,
    }
    now = timezone.now()
    if status in (Status.PROPOSED, Status.ADOPTED, Status.SUPERSEDED):
        values.setdefault("proposed_at", now - timedelta(days=30))
    with scope(org):
        if status in (Status.ADOPTED, Status.SUPERSEDED) and "decision" not in values:
            values["decision"] = Decision.objects.create(
                organisation=org,
                body="Barn- och utbildningsnämnden",
                decided_on=timezone.localdate() - timedelta(days=10),
                reference=f"§ {number}",
            )
            values.setdefault("adopted_at", now - timedelta(days=10))
            values.setdefault("review_date", timezone.localdate() + timedelta(days=365))
        if status == Status.SUPERSEDED:
            values.setdefault("superseded_at", now)
        version = TargetVision.objects.create(
            organisation=org, number=number, status=status, **values
        )
        version.focus_areas.set(services.ensure_focus_areas(org))
    return version


def make_investment(version: TargetVision, title: str = "En dator per elev", **fields: Any):
    values = {
        "amount_per_year": 1_500_000,
        "start_year": version.start_year,
        "end_year": version.end_year,
        "expected_gains": "Likvärdig tillgång till digitala verktyg.",
        **fields,
    }
    with scope(version.organisation):
        return Investment.objects.create(
            organisation=version.organisation, target_vision=version, title=title, **values
        )


def make_comment(version: TargetVision, author: Any, body: str = "Bra förslag.") -> Comment:
    with scope(version.organisation):
        return Comment.objects.create(
            organisation=version.organisation, target_vision=version, author=author, body=body
        )


def adopted_and_draft(org: Organisation) -> tuple[TargetVision, TargetVision]:
    """An adopted version 1 and a draft version 2 based on it."""
    first = make_version(org, 1, Status.ADOPTED)
    make_investment(first)
    second = make_version(
        org, 2, Status.DRAFT, based_on=first, statement="Alla elever och lärare lyckas."
    )
    make_investment(second, amount_per_year=2_000_000)
    return first, second


def fresh(obj: Any) -> Any:
    with unscoped():
        return type(obj).objects.get(pk=obj.pk)


def versions(org: Organisation) -> list[TargetVision]:
    with scope(org):
        return list(TargetVision.objects.order_by("number"))
