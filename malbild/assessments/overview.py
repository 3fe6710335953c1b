"""The municipality's picture: every unit's latest closed round side by side, the distribution
of the units' results per statement and the spread between units, and the Excel workbook with
every comment. Read from `RoundResult` in a fixed number of queries, whatever the number of
units."""

import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Min, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from malbild.assessments.models import (
    Answer,
    Area,
    AssessmentRound,
    MaturityModel,
    RoundResult,
    Statement,
    level_label,
)
from malbild.assessments.services import current_model
from malbild.lib import charts, spreadsheets
from malbild.tenants.models import Organisation

# A unit's result for a statement, counted in the band of the level it rounds to.
BANDS = ((4, Decimal("3.5")), (3, Decimal("2.5")), (2, Decimal("1.5")), (1, Decimal("0.5")))


@dataclass
class UnitRow:
    round: AssessmentRound
    areas: dict[str, Decimal | None]

    @property
    def score(self) -> Decimal | None:
        return self.round.score


@dataclass
class StatementRow:
    statement: Statement | None
    key: str
    units: int
    mean: Decimal | None
    lowest: Decimal | None
    highest: Decimal | None
    bands: list[tuple[str, int]] = field(default_factory=list)

    @property
    def spread(self) -> Decimal | None:
        if self.lowest is None or self.highest is None:
            return None
        return self.highest - self.lowest


@dataclass
class Picture:
    units: list[UnitRow]
    statements: list[StatementRow]


def _latest(kind: str) -> Q:
    condition = Q(round__is_latest=True)
    if kind:
        condition &= Q(round__unit__kind=kind)
    return condition


def build(
    *, kind: str = "", area_key: str = "", areas: list[Area] | None = None,
    model: MaturityModel | None = None,
) -> Picture:  # fmt: skip
    """The picture for the organisation in scope (four queries, five without `model`)."""
    rounds = AssessmentRound.objects.filter(is_latest=True).select_related("unit")
    if kind:
        rounds = rounds.filter(unit__kind=kind)
    rounds = rounds.order_by("unit__name", "unit_id")
    means: dict[int, dict[str, Decimal | None]] = {}
    for round_id, key, mean in (
        RoundResult.objects.filter(_latest(kind))
        .values("round_id", "area_key")
        .annotate(mean=Avg("score"))
        .values_list("round_id", "area_key", "mean")
        .order_by()
    ):
        means.setdefault(round_id, {})[key] = _dec(mean)
    units = [UnitRow(r, means.get(r.pk, {})) for r in rounds]
    results = RoundResult.objects.filter(_latest(kind))
    if area_key:
        results = results.filter(area_key=area_key)
    bands = {
        f"b{level}": Count("id", filter=Q(score__gte=floor) & Q(score__lt=floor + 1))
        for level, floor in BANDS
    }
    bands["b0"] = Count("id", filter=Q(score__lt=Decimal("0.5")))
    rows = (
        results.exclude(score=None)
        .values("statement_key")
        .annotate(units=Count("id"), mean=Avg("score"), lowest=Min("score"),
                  highest=Max("score"), **bands)
        .order_by("statement_key")
    )  # fmt: skip
    model = model or current_model()
    statements = {s.key: s for s in Statement.objects.filter(model=model).select_related("area")}
    found = []
    for row in rows:
        found.append(
            StatementRow(
                statement=statements.get(row["statement_key"]),
                key=row["statement_key"],
                units=row["units"],
                mean=_dec(row["mean"]),
                lowest=_dec(row["lowest"]),
                highest=_dec(row["highest"]),
                bands=[(level_label(level), row[f"b{level}"]) for level in (4, 3, 2, 1, 0)],
            )
        )
    order = {key: (s.area.position, s.position) for key, s in statements.items()}
    found.sort(key=lambda r: order.get(r.key, (99, 99)))
    return Picture(units, found)


@dataclass
class AreaChart:
    area: Area
    chart: SafeString


def area_charts(units: list[UnitRow], areas: list[Area]) -> list[AreaChart]:
    """For each area, the units side by side: one bar per unit on the 0–4 scale, labelled with
    its result (no query). The page's table of units and areas has the same figures."""
    found = []
    for area in areas:
        values = [row.areas.get(area.key) for row in units]
        if all(v is None for v in values):
            continue
        parts = [
            _("%(unit)s: %(score)s.")
            % {"unit": row.round.unit.name,
               "score": "–" if value is None else number_format(value, 1)}
            for row, value in zip(units, values, strict=True)
        ]  # fmt: skip
        chart = charts.bar_list(
            [row.round.unit.name for row in units],
            [None if v is None else float(v) for v in values],
            title=_("%(area)s: each unit's latest result (0 = not planned, 4 = achieved)")
            % {"area": area.label},
            description=" ".join(parts),
            domain=(0.0, 4.0),
        )
        found.append(AreaChart(area, chart))
    return found


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.01"))


def safe(value: Any) -> Any:
    """A cell value: text that a spreadsheet would run as a formula is defused, and cut to what
    a cell keeps."""
    if isinstance(value, Decimal):
        return float(value)
    return spreadsheets.cell(value)


def _sheet(book: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([safe(v) for v in row])
    for column in sheet.columns:
        letter = column[0].column_letter
        width = min(60, max(len(str(c.value or "")) for c in column) + 2)
        sheet.column_dimensions[letter].width = width
        for cell in column[1:]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"


def workbook(organisation: Organisation) -> bytes:
    """Every unit's latest round: one sheet of units, one of results per statement, one of every
    comment (the author's name only where they chose to show it)."""
    model = current_model()
    areas = list(Area.objects.filter(model=model).order_by("position"))
    picture = build(areas=areas, model=model)
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    _sheet(
        book,
        _("Units"),
        [_("Unit"), _("Kind"), _("Round"), _("Closed"), _("Took part"), _("Result"),
         *[a.label for a in areas]],
        [
            [u.round.unit.name, u.round.unit.get_kind_display(), u.round.title,
             timezone.localtime(u.round.closed_at).date() if u.round.closed_at else None,
             u.round.participant_count, u.score, *[u.areas.get(a.key) for a in areas]]
            for u in picture.units
        ],
    )  # fmt: skip
    results = (
        RoundResult.objects.filter(round__is_latest=True)
        .select_related("round__unit", "statement")
        .order_by("round__unit__name", "statement_key")
    )
    _sheet(
        book,
        _("Statements"),
        [_("Unit"), _("Key"), _("Statement"), _("Result"), _("Spread"), _("Answers")],
        [
            [r.round.unit.name, r.statement_key, r.statement.label, r.score, r.spread, r.answers]
            for r in results
        ],
    )
    comments = (
        Answer.objects.filter(round__is_latest=True)
        .exclude(comment="")
        .select_related("round__unit", "statement", "participant__user")
        .order_by("round__unit__name", "statement__key", "id")
    )
    _sheet(
        book,
        _("Comments"),
        [_("Unit"), _("Round"), _("Key"), _("Statement"), _("Comment"), _("Name")],
        [
            [c.round.unit.name, c.round.title, c.statement.key, c.statement.label, c.comment,
             (c.participant.user.name or c.participant.user.email) if c.comment_named else ""]
            for c in comments
        ],
    )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
