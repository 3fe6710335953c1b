"""Small builders for the self-assessment tests: the maturity model, rounds, answers and closed
rounds. They write through the models or services inside `scope`, so a test starts from the
state it needs."""

from typing import Any

from django.utils import timezone

from malbild.assessments import content, services
from malbild.assessments.models import (
    Answer,
    AssessmentRound,
    MaturityModel,
    Participant,
    Statement,
)
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope


def model(version: int = content.CURRENT_VERSION) -> MaturityModel:
    """The stored model (transactional tests flush the data migration's rows; this writes
    them back)."""
    return content.ensure(version)


def other_version() -> MaturityModel:
    """A version 2 with the same keys, as a later revision of the texts would be."""
    first = model()
    second, created = MaturityModel.objects.get_or_create(
        version=2, defaults={"title_sv": "v2", "title_en": "v2"}
    )
    if created:
        for area in first.areas.all():
            statements = list(area.statements.all())
            area.pk = None
            area.model = second
            area.save()
            for s in statements:
                Statement.objects.create(
                    model=second, area=area, key=s.key, text_sv=s.text_sv, text_en=s.text_en,
                    next_step_sv=s.next_step_sv, next_step_en=s.next_step_en, tags=s.tags,
                    position=s.position,
                )  # fmt: skip
    return second


def statements(round_: AssessmentRound) -> list[Statement]:
    return list(Statement.objects.filter(model_id=round_.model_id).order_by("key"))


def make_round(
    org: Organisation,
    unit: OrgUnit,
    people: list[Any],
    *,
    title: str = "Självskattning HT",
    mode: str = AssessmentRound.Mode.INDIVIDUAL,
    started_by: Any = None,
) -> AssessmentRound:
    model()
    with scope(org):
        round_ = AssessmentRound.objects.create(
            organisation=org, unit=unit, model=services.current_model(), title=title, mode=mode,
            started_by=started_by or people[0], started_at=timezone.now(),
        )  # fmt: skip
        for person in people:
            Participant.objects.create(organisation=org, round=round_, user=person)
    return round_


def participant(round_: AssessmentRound, user: Any) -> Participant:
    with scope(round_.organisation):
        return Participant.objects.get(round=round_, user=user)


def answer_all(
    round_: AssessmentRound, user: Any, level: int | None = 2, *, skip: int = 0,
    levels: dict[str, int | None] | None = None, comment: str = "",
) -> None:  # fmt: skip
    """Answer every statement (but the last `skip`) with `level`, or per key from `levels`."""
    with scope(round_.organisation):
        who = Participant.objects.get(round=round_, user=user)
        chosen = statements(round_)
        for statement in chosen[: len(chosen) - skip]:
            value = (levels or {}).get(statement.key, level)
            Answer.objects.update_or_create(
                organisation=round_.organisation, participant=who, statement=statement,
                defaults={"round": round_, "level": value, "comment": comment},
            )  # fmt: skip
        who.answered = Answer.objects.filter(participant=who).count()
        who.save()


def closed_round(
    org: Organisation, unit: OrgUnit, people: list[Any], level: int | None = 2, **fields: Any
) -> AssessmentRound:
    round_ = make_round(org, unit, people, **fields)
    for person in people:
        answer_all(round_, person, level)
    with scope(org):
        return services.close_round(round_, None)


def fresh(round_: AssessmentRound) -> AssessmentRound:
    with scope(round_.organisation):
        return AssessmentRound.objects.get(pk=round_.pk)
