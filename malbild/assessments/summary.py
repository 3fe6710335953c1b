"""A closed round read back: results per area and statement, the spread between participants,
the change since the unit's previous round, the comments and the suggested actions.

Everything is read from `RoundResult` (written when the round closes) and compared by statement
key, so rounds on different versions of the model line up. Below MIN_PARTICIPANTS in a round
where each answers alone nothing per statement is shown: with two people, either could work out
the other's answers.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from malbild.assessments.models import (
    Adoption,
    Answer,
    Area,
    AssessmentRound,
    Level,
    RoundResult,
    Statement,
    level_label,
)
from malbild.assessments.services import MIN_PARTICIPANTS
from malbild.lib import charts

WEAK_BELOW = Decimal(3)  # below "almost there": worth a suggestion
SUGGESTIONS_SHOWN = 10
DISAGREE_FROM = 2  # steps between the highest and lowest answer that are worth a conversation
THIS_COLOUR, BEFORE_COLOUR = "#1d4f91", "#6b7480"


@dataclass
class Comment:
    text: str
    author: str  # "" unless the author chose to show their name


@dataclass
class StatementRow:
    statement: Statement
    result: RoundResult | None
    previous: Decimal | None = None
    counts: list[tuple[str, int]] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    adopted: Adoption | None = None

    @property
    def score(self) -> Decimal | None:
        return self.result.score if self.result else None

    @property
    def change(self) -> Decimal | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous

    @property
    def disagree(self) -> bool:
        spread = self.result.spread if self.result else None
        return spread is not None and spread >= DISAGREE_FROM


@dataclass
class AreaRow:
    area: Area
    statements: list[StatementRow]

    @staticmethod
    def _mean(values: list[Decimal]) -> Decimal | None:
        if not values:
            return None
        return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"))

    @property
    def score(self) -> Decimal | None:
        return self._mean([r.score for r in self.statements if r.score is not None])

    @property
    def previous(self) -> Decimal | None:
        return self._mean([r.previous for r in self.statements if r.previous is not None])

    @property
    def change(self) -> Decimal | None:
        if self.score is None or self.previous is None:
            return None
        return self.score - self.previous


@dataclass
class Summary:
    round: AssessmentRound
    shows_results: bool
    areas: list[AreaRow]
    previous_round: AssessmentRound | None
    tag: str = ""

    def suggestions(self) -> list[StatementRow]:
        """The weakest statements, foundations (leadership, infrastructure) first, then the
        lowest results: what to do next, with the statement's next step."""
        weak = [
            (area.area, row)
            for area in self.areas
            for row in area.statements
            if row.score is not None and row.score < WEAK_BELOW
        ]
        weak.sort(
            key=lambda pair: (
                not pair[0].foundation,
                pair[1].score,
                pair[0].position,
                pair[1].statement.position,
            )
        )
        return [row for _area, row in weak[:SUGGESTIONS_SHOWN]]


def previous_round(round_: AssessmentRound) -> AssessmentRound | None:
    """The unit's closed round before this one (one query)."""
    if round_.closed_at is None:
        return None
    return (
        AssessmentRound.objects.filter(
            unit_id=round_.unit_id,
            status=AssessmentRound.Status.CLOSED,
            closed_at__lt=round_.closed_at,
        )
        .order_by("-closed_at", "-id")
        .first()
    )


def build(round_: AssessmentRound, tag: str = "") -> Summary:
    """The summary of a closed round, filtered to statements with `tag` when given (about six
    queries whatever the number of participants)."""
    shows = round_.is_group or round_.participant_count >= MIN_PARTICIPANTS
    statements = list(
        Statement.objects.filter(model_id=round_.model_id)
        .select_related("area")
        .order_by("area__position", "position")
    )
    if tag:
        statements = [s for s in statements if tag in s.tags]
    results = {r.statement_key: r for r in RoundResult.objects.filter(round=round_)}
    before = previous_round(round_)
    previous: dict[str, Decimal | None] = {}
    if before is not None:
        previous = dict(
            RoundResult.objects.filter(round=before).values_list("statement_key", "score")
        )
    comments: dict[int, list[Comment]] = {}
    if shows:
        answers = (
            Answer.objects.filter(round=round_)
            .exclude(comment="")
            .select_related("participant__user")
            .order_by("statement_id", "answered_at", "id")
        )
        for answer in answers:
            user = answer.participant.user
            author = (user.name or user.email) if answer.comment_named else ""
            comments.setdefault(answer.statement_id, []).append(Comment(answer.comment, author))
    adopted = {a.statement_id: a for a in Adoption.objects.filter(round=round_)}
    areas: list[AreaRow] = []
    for statement in statements:
        result = results.get(statement.key) if shows else None
        row = StatementRow(
            statement=statement,
            result=result,
            previous=previous.get(statement.key) if shows else None,
            counts=_counts(result) if result is not None else [],
            comments=comments.get(statement.pk, []),
            adopted=adopted.get(statement.pk),
        )
        if areas and areas[-1].area.pk == statement.area_id:
            areas[-1].statements.append(row)
        else:
            areas.append(AreaRow(statement.area, [row]))
    return Summary(round_, shows, areas, before, tag)


def _counts(result: RoundResult) -> list[tuple[str, int]]:
    """Answers per level, from "achieved" down, "not relevant" last."""
    rows = [(str(label), result.counts.get(str(value), 0)) for value, label in Level.choices]
    rows.append((level_label(None), result.counts.get("na", 0)))
    return rows


def score_words(score: Decimal | None) -> str:
    """The nearest level in words, for a mean score."""
    if score is None:
        return _("no result")
    return level_label(int((score + Decimal("0.5")).to_integral_value(rounding="ROUND_FLOOR")))


def area_chart(summary: Summary) -> SafeString | None:
    """Bars per area on the 0–4 scale, this round (filled blue, solid outline) beside the
    previous one (grey, dashed outline); the same figures follow in a table."""
    areas = [a for a in summary.areas if a.score is not None or a.previous is not None]
    if not areas:
        return None
    series = [
        charts.Bars(
            _("This round"),
            [None if a.score is None else float(a.score) for a in areas],
            charts.Style(THIS_COLOUR),
        )
    ]
    if summary.previous_round:
        series.append(
            charts.Bars(
                _("Previous round"),
                [None if a.previous is None else float(a.previous) for a in areas],
                charts.Style(BEFORE_COLOUR, charts.SHORT_DASHED),
            )
        )
    parts = [
        _("%(area)s: %(score)s.") % {"area": a.area.label, "score": _number(a.score)}
        for a in summary.areas
        if a.score is not None
    ]
    title = _("Result per area: %(unit)s, %(round)s") % {
        "unit": summary.round.unit.name,
        "round": summary.round.title,
    }
    return charts.bars(
        [str(a.area.label) for a in areas],
        series,
        title=title,
        description=" ".join(parts),
        axis_title=_("Result (0 = not planned, 4 = achieved)"),
        domain=(0.0, 4.0),
    )


def _number(value: Decimal | None) -> str:
    return "–" if value is None else number_format(value, 1)
