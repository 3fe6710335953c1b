"""Mittköping's self-assessments: every school and preschool answered together as a group a
year ago and again a month ago, and most have come a step further (the demo's progress).

Everything is fictional and written for Målbild; the answers are drawn from a seeded random
source per unit, so every load gives the same picture. Dates are relative to today. Loading is
idempotent: nothing is written when the organisation has rounds already. Rounds are closed
through `assessments.services.close_round`, which keeps their results, and then dated back.
"""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from malbild import audit
from malbild.assessments import services
from malbild.assessments.models import Answer, AssessmentRound, Participant, Statement
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

Kind = OrgUnit.Kind
COMMENTS = {
    "I1": "Nätet räcker inte i idrottshallen och i slöjdsalen.",
    "L6": "Vi gjorde en provkörning i höstas som visade var det brister.",
    "K3": "Flera av oss har inte provat provplattformen än.",
    "A2": "Mellanstadiet skriver mest för hand; det behöver vi ändra på.",
}


def _levels(rng: random.Random, statements: list[Statement], base: float) -> dict[int, int | None]:
    """One group's answers: around `base`, foundations a little ahead, now and then not
    relevant (the preschool's test statements)."""
    found: dict[int, int | None] = {}
    for statement in statements:
        lift = 0.4 if statement.area.foundation else 0.0
        value = round(base + lift + rng.uniform(-1.2, 1.2))
        found[statement.pk] = max(0, min(4, value))
    return found


def _round(
    organisation: Organisation, unit: OrgUnit, person: Any, statements: list[Statement],
    levels: dict[int, int | None], *, title: str, days_ago: int, comments: bool,
) -> AssessmentRound:  # fmt: skip
    started = timezone.now() - timedelta(days=days_ago + 14)
    round_ = AssessmentRound.objects.create(
        organisation=organisation, unit=unit, model=statements[0].model, title=title,
        mode=AssessmentRound.Mode.GROUP, started_by=person, started_at=started,
    )  # fmt: skip
    participant = Participant.objects.create(
        organisation=organisation, round=round_, user=person, answered=len(statements)
    )
    Answer.objects.bulk_create(
        Answer(
            organisation=organisation,
            round=round_,
            participant=participant,
            statement=s,
            level=levels[s.pk],
            comment=COMMENTS.get(s.key, "") if comments else "",
        )
        for s in statements
    )
    services.close_round(round_, None)
    AssessmentRound.objects.filter(pk=round_.pk).update(
        closed_at=timezone.now() - timedelta(days=days_ago), closed_by=person, is_public=True
    )
    return round_


def load(organisation: Organisation, people: dict[str, Any]) -> None:
    """Two closed group rounds a year apart for each of the organisation's schools and
    preschools (the rektor's own school: answered by the rektor, the rest by the förvaltning)."""
    with scope(organisation):
        if AssessmentRound.objects.exists():
            return
        model = services.current_model()
        statements = list(Statement.objects.filter(model=model).select_related("area"))
        units = OrgUnit.objects.filter(
            kind__in=[Kind.SCHOOL, Kind.PRESCHOOL], archived_at__isnull=True
        ).order_by("code")
        year = timezone.localdate().year
        count = 0
        for unit in units:
            rng = random.Random(f"sjalvskattning-{unit.code}")  # noqa: S311  (demo data)
            person = people["rektor"] if unit.code == "ASEN" else people["forvaltning"]
            base = rng.uniform(0.8, 2.2)
            first = _levels(rng, statements, base)
            progress = rng.choice([0.4, 0.7, 1.0, 1.2])
            second = {
                key: None if value is None else min(4, value + (rng.random() < progress))
                for key, value in first.items()
            }
            _round(
                organisation,
                unit,
                person,
                statements,
                first,
                title=f"Självskattning {year - 1}",
                days_ago=395,
                comments=False,
            )
            _round(organisation, unit, person, statements, second,
                   title=f"Självskattning {year}", days_ago=30, comments=True)  # fmt: skip
            count += 2
        # An open round at the rektor's school that the staff are answering right now.
        asen = OrgUnit.objects.get(code="ASEN")
        current = AssessmentRound.objects.create(
            organisation=organisation, unit=asen, model=model, title=f"Självskattning VT {year}",
            started_by=people["rektor"], started_at=timezone.now() - timedelta(days=3),
            closes_on=timezone.localdate() + timedelta(days=18),
        )  # fmt: skip
        for key in ("rektor", "larare", "larare2"):
            if key in people:
                Participant.objects.create(
                    organisation=organisation, round=current, user=people[key]
                )
        audit.record(
            "assessments.demo_loaded",
            summary=f"{count} självskattningar",
            organisation=organisation,
        )
