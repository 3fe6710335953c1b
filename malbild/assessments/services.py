"""Self-assessment rounds: starting one, answering, closing, sharing, and adopting a suggestion
into the action plan.

Every function checks its rules before it writes, writes inside one transaction and records an
audit event ("assessments.<verb>") in the same transaction, so a refused change changes nothing.
Audit events never carry an answer: individual answers are read only by their author.
"""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from malbild import audit
from malbild.assessments import content
from malbild.assessments.access import eligible_people
from malbild.assessments.models import (
    Adoption,
    Answer,
    AssessmentRound,
    MaturityModel,
    Participant,
    RoundResult,
    Statement,
)
from malbild.goals.models import Evidence, Goal
from malbild.plans import services as plan_services
from malbild.plans.models import Activity
from malbild.tenants.models import Membership, Organisation, OrgUnit

Role = Membership.Role
MAX_DAYS_TO_ANSWER = 366  # a round's last day to answer is within a year
MIN_PARTICIPANTS = 3  # fewer: no distributions, spreads or comments (nobody can be picked out)

ROUND_CLOSED = _(
    "This round is closed, so its answers can no longer be changed. Ask the unit lead to start a "
    "new round."
)
OTHER_VERSION = _(
    "That statement belongs to another version of the maturity model than this round. Reload the "
    "page and answer the statements shown."
)


def _user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _quantize(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def current_model() -> MaturityModel:
    """The newest version of the maturity model, written first if the database has none."""
    found = MaturityModel.objects.order_by("-version").first()
    return found if found is not None else content.ensure()


# Starting -------------------------------------------------------------------------------------


@transaction.atomic
def start_round(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    unit: OrgUnit,
    title: str,
    mode: str,
    participants: Iterable[Any] = (),
    model: MaturityModel | None = None,
    closes_on: date | None = None,
) -> AssessmentRound:
    """Start a round for `unit` on the current model. In a group round the person who starts it
    answers for the group; otherwise each participant answers on their own. `closes_on`, the
    last day to answer, is optional; when given it is today at the earliest and at most
    `MAX_DAYS_TO_ANSWER` days ahead."""
    if unit.organisation_id != organisation.pk:
        raise ValueError("The unit belongs to another organisation.")
    if unit.is_archived:
        raise ValidationError(_("A self-assessment cannot be started for an archived unit."))
    if closes_on is not None:
        today = timezone.localdate()
        if closes_on < today:
            raise ValidationError({"closes_on": _("The last day to answer cannot be in the past.")})
        if closes_on > today + timedelta(days=MAX_DAYS_TO_ANSWER):
            raise ValidationError(
                {"closes_on": _("The last day to answer can be at most a year from today.")}
            )
    starter = _user(request)
    people = list(participants)
    if mode == AssessmentRound.Mode.GROUP:
        people = [starter] if starter is not None else people[:1]
    if not people:
        raise ValidationError(
            {"participants": _("Choose at least one person to answer the self-assessment.")}
        )
    allowed = set(eligible_people(unit).values_list("pk", flat=True))
    outside = [p for p in people if p.pk not in allowed]
    if outside:
        raise ValidationError(
            {"participants": _("Only members of the unit can take part in its self-assessment.")}
        )
    round_ = AssessmentRound.objects.create(
        organisation=organisation,
        unit=unit,
        model=model or current_model(),
        title=title,
        mode=mode,
        started_by=starter,
        started_at=timezone.now(),
        closes_on=closes_on,
    )
    Participant.objects.bulk_create(
        Participant(organisation=organisation, round=round_, user=person)
        for person in {p.pk: p for p in people}.values()
    )
    audit.record(
        "assessments.round_started",
        request=request,
        target=round_,
        summary=f"{unit.name}: {title}",
        after={"unit": unit.pk, "mode": mode, "model": round_.model.version,
               "participants": len(people),
               "closes_on": closes_on.isoformat() if closes_on else None},
        organisation=organisation,
    )  # fmt: skip
    return round_


@transaction.atomic
def remove_participant(round_: AssessmentRound, participant: Participant, request: Any) -> None:
    """Take a person out of an open round; their answers go with them."""
    if not round_.is_open:
        raise ValidationError(ROUND_CLOSED)
    if round_.is_group:
        raise ValidationError(_("In a group round the group answers together: nobody to remove."))
    participant.delete()
    audit.record(
        "assessments.participant_removed",
        request=request,
        target=round_,
        summary=round_.title,
        organisation=round_.organisation,
    )


# Answering ------------------------------------------------------------------------------------


def save_answer(
    round_: AssessmentRound,
    participant: Participant,
    statement: Statement,
    *,
    level: int | None,
    comment: str = "",
    comment_named: bool = False,
    request: HttpRequest | None = None,
) -> Answer:
    """Save one answer (a new one or a change), and the participant's count of answers.

    Refused, with nothing written, when the round is closed or the statement is of another
    version of the model. One short write transaction, so many people can answer at once."""
    if participant.round_id != round_.pk:
        raise ValueError("The participant belongs to another round.")
    if statement.model_id != round_.model_id:
        raise ValidationError(OTHER_VERSION)
    with transaction.atomic():
        # Read the status inside the write transaction: a round closed a moment ago refuses.
        status = AssessmentRound.objects.filter(pk=round_.pk).values_list("status", flat=True)
        if status.first() != AssessmentRound.Status.OPEN:
            raise ValidationError(ROUND_CLOSED)
        # One upsert rather than update_or_create's read, savepoint and write: answers are
        # saved one at a time as people click, so each statement saved counts.
        comment = comment.strip()
        (answer,) = Answer.objects.bulk_create(
            [
                Answer(
                    organisation_id=round_.organisation_id,
                    round=round_,
                    participant=participant,
                    statement=statement,
                    level=level,
                    comment=comment,
                    comment_named=comment_named and bool(comment),
                )
            ],
            update_conflicts=True,
            unique_fields=["organisation", "participant", "statement"],
            update_fields=["round", "level", "comment", "comment_named", "answered_at"],
        )
        count = Answer.objects.filter(participant=participant).count()
        Participant.objects.filter(pk=participant.pk).update(answered=count)
        participant.answered = count
        audit.record(
            "assessments.answered",
            request=request,
            target=round_,
            summary=statement.key,
            after={"statement": statement.key},  # never the answer itself
            organisation=round_.organisation,
        )
    return answer


# Closing --------------------------------------------------------------------------------------


def missing(round_: AssessmentRound) -> list[Participant]:
    """The participants who have not answered every statement (two queries)."""
    total = Statement.objects.filter(model_id=round_.model_id).count()
    return [
        p for p in round_.participants.select_related("user").order_by("id") if p.answered < total
    ]


def figures(given: list[int | None]) -> dict[str, Any]:
    """A statement's result from the levels given to it (None: not relevant): the mean score,
    the spread and the count per level, as `RoundResult` keeps them. Pure, so that the national
    dataset's generator computes results exactly as closing a round does."""
    scored = [v for v in given if v is not None]
    counts: dict[str, int] = {}
    for value in given:
        name = "na" if value is None else str(value)
        counts[name] = counts.get(name, 0) + 1
    return {
        "score": _quantize(sum(scored) / len(scored)) if scored else None,
        "spread": (max(scored) - min(scored)) if scored else None,
        "counts": counts,
        "answers": len(given),
    }


def round_score(scores: Iterable[Decimal | None]) -> Decimal | None:
    """A round's result: the mean of its statements' results (None: nothing was scored)."""
    found = [score for score in scores if score is not None]
    return _quantize(sum(found) / len(found)) if found else None


def _results(round_: AssessmentRound) -> list[RoundResult]:
    statements = list(Statement.objects.filter(model_id=round_.model_id).select_related("area"))
    levels: dict[int, list[int | None]] = {s.pk: [] for s in statements}
    for statement_id, level in Answer.objects.filter(round=round_).values_list(
        "statement_id", "level"
    ):
        if statement_id in levels:
            levels[statement_id].append(level)
    return [
        RoundResult(
            organisation_id=round_.organisation_id,
            round=round_,
            statement=statement,
            statement_key=statement.key,
            area_key=statement.area.key,
            **figures(levels[statement.pk]),
        )
        for statement in statements
    ]


@transaction.atomic
def close_round(round_: AssessmentRound, request: HttpRequest | None) -> AssessmentRound:
    """Close an open round whose participants have answered every statement: keep its results
    and make it the unit's latest round."""
    round_ = AssessmentRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_open:
        raise ValidationError(_("This round is already closed."))
    if not round_.participants.exists():
        raise ValidationError(_("Nobody takes part in this round yet, so it cannot be closed."))
    left = missing(round_)
    if left:
        names = ", ".join(p.user.name or p.user.email for p in left)
        raise ValidationError(
            ngettext(
                "The round cannot be closed yet: %(count)d participant has not answered every "
                "statement (%(names)s). Wait until they have, or take them out of the round.",
                "The round cannot be closed yet: %(count)d participants have not answered every "
                "statement (%(names)s). Wait until they have, or take them out of the round.",
                len(left),
            )
            % {"count": len(left), "names": names}
        )
    results = _results(round_)
    RoundResult.objects.bulk_create(results)
    AssessmentRound.objects.filter(unit_id=round_.unit_id, is_latest=True).update(is_latest=False)
    round_.status = AssessmentRound.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.closed_by = _user(request)
    round_.is_latest = True
    round_.participant_count = round_.participants.count()
    round_.score = round_score(r.score for r in results)
    round_.save()
    audit.record(
        "assessments.round_closed",
        request=request,
        target=round_,
        summary=round_.title,
        after={"participants": round_.participant_count, "score": str(round_.score)},
        organisation=round_.organisation,
    )
    return round_


@transaction.atomic
def set_public(round_: AssessmentRound, public: bool, request: HttpRequest | None) -> None:
    """The unit decides whether the round's anonymised summary counts in the national
    comparison."""
    if round_.is_open:
        raise ValidationError(_("Only a closed round's summary can be shared."))
    before = round_.is_public
    round_.is_public = public
    round_.save(update_fields=["is_public"])
    audit.record(
        "assessments.sharing_changed",
        request=request,
        target=round_,
        summary=round_.title,
        before={"public": before},
        after={"public": public},
        organisation=round_.organisation,
    )


# Adopting a suggestion ------------------------------------------------------------------------


@transaction.atomic
def adopt(
    round_: AssessmentRound,
    statement: Statement,
    request: HttpRequest | None,
    *,
    goal: Goal,
    title: str,
    starts_on: date,
    ends_on: date,
    description: str = "",
) -> Activity:
    """Turn a suggestion into an activity of the unit's action plan that serves `goal`, and make
    the round evidence for that goal (once per goal)."""
    if round_.is_open:
        raise ValidationError(_("Suggestions come from a closed round. Close the round first."))
    if statement.model_id != round_.model_id:
        raise ValidationError(OTHER_VERSION)
    if Adoption.objects.filter(round=round_, statement=statement).exists():
        raise ValidationError(_("This suggestion is already in the action plan."))
    organisation = round_.organisation
    activity = plan_services.create_activity(
        organisation,
        request,
        unit=round_.unit,
        title=title,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        goals=[goal],
    )
    if not Evidence.objects.filter(goal=goal, assessment_round=round_).exists():
        Evidence.objects.create(
            organisation=organisation,
            goal=goal,
            kind=Evidence.Kind.ASSESSMENT,
            title=f"{round_.unit.name}: {round_.title}"[:300],
            reference=f"#{round_.pk}",
            assessment_round=round_,
            added_by=_user(request),
        )
    Adoption.objects.create(
        organisation=organisation,
        round=round_,
        statement=statement,
        activity=activity,
        adopted_by=_user(request),
    )
    audit.record(
        "assessments.suggestion_adopted",
        request=request,
        target=round_,
        summary=f"{statement.key}: {title}",
        after={"statement": statement.key, "activity": activity.pk, "goal": goal.pk},
        organisation=organisation,
    )
    return activity


def participant_counts(rounds: Iterable[AssessmentRound]) -> dict[int, tuple[int, int]]:
    """Per round: (participants, participants who answered everything), in one query."""
    ids = [r.pk for r in rounds]
    if not ids:
        return {}
    totals = dict(
        Statement.objects.filter(model__rounds__in=ids)
        .values_list("model__rounds")
        .annotate(n=Count("id"))
    )
    found: dict[int, tuple[int, int]] = {}
    for round_id, answered in Participant.objects.filter(round_id__in=ids).values_list(
        "round_id", "answered"
    ):
        everyone, done = found.get(round_id, (0, 0))
        found[round_id] = (everyone + 1, done + (answered >= totals.get(round_id, 0)))
    return found
