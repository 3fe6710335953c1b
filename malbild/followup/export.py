"""The follow-up as an Excel workbook (openpyxl) that a nämnd secretary can work with.

Sheets: the goal tree (level and indentation, unit, status, traffic light, progress, indicators),
the reports of every period, every comment, the measurements in the file layout of DESIGN.md §3
(`enhet_kod; indikator_kod; period; kön; värde; status`, which the importer reads back) and the
investments with their follow-up. Headers are in the person's language (Swedish first), each
sheet has a frozen header row, a filter and sensible column widths. Reports that are not ready
are included only when the person may read them (`followup.access`).

Text cells that begin with `=`, `+`, `-`, `@`, a tab or a carriage return get a leading
apostrophe, so that Excel never runs what someone typed as a formula (the importer strips it).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from malbild.followup import access as report_access
from malbild.followup.models import InvestmentFollowUp, Report, ReportComment
from malbild.goals.models import Goal, GoalIndicator
from malbild.indicators.models import Measurement
from malbild.lib import spreadsheets
from malbild.targets.models import Comment, Investment
from malbild.tenants.models import Organisation
from malbild.tenants.permissions import Access

MEASUREMENT_COLUMNS = ("enhet_kod", "indikator_kod", "period", "kön", "värde", "status")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def _sheet(
    book: Workbook,
    title: str,
    columns: Sequence[tuple[str, int]],
    rows: Iterable[Sequence[Any]],
    *,
    wrap: Iterable[int] = (),
    indent_column: int | None = None,
) -> Worksheet:
    """A sheet with a bold, frozen, filterable header row. `columns` are (header, width);
    `wrap` the indexes of long-text columns; `indent_column` takes its indentation from a
    (value, level) pair."""
    sheet = book.create_sheet(title[:31])
    sheet.append([spreadsheets.cell(header) for header, _width in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrapped = set(wrap)
    for row in rows:
        values = list(row)
        level = 0
        if indent_column is not None:
            values[indent_column], level = values[indent_column]
        sheet.append([spreadsheets.cell(v) for v in values])
        for index, cell in enumerate(sheet[sheet.max_row]):
            if index == indent_column and level:
                cell.alignment = Alignment(indent=min(level, 15), vertical="top", wrap_text=True)
            else:
                cell.alignment = WRAP if index in wrapped else TOP
    for index, (_header, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.max_row, 1)}"
    return sheet


def _yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.name or user.email


# The goal tree ------------------------------------------------------------------------------------


def _tree(goals: list[Goal]) -> list[tuple[Goal, int]]:
    """The goals in breakdown order, each with its level (1 for a goal that breaks down none)."""
    by_id = {g.pk: g for g in goals}
    children: dict[int | None, list[Goal]] = defaultdict(list)
    for goal in goals:
        parent = goal.parent_id if goal.parent_id in by_id else None
        children[parent].append(goal)
    ordered: list[tuple[Goal, int]] = []
    stack = [(g, 1) for g in reversed(children[None])]
    seen: set[int] = set()
    while stack:
        goal, level = stack.pop()
        if goal.pk in seen:
            continue
        seen.add(goal.pk)
        ordered.append((goal, level))
        stack.extend((child, level + 1) for child in reversed(children[goal.pk]))
    return ordered


def _goal_rows() -> list[list[Any]]:
    goals = list(
        Goal.objects.select_related("unit", "focus_area", "parent").order_by(
            "focus_area__position", "focus_area__name", "unit__path", "title", "id"
        )
    )
    codes: dict[int, list[str]] = defaultdict(list)
    for goal_id, code in GoalIndicator.objects.order_by("indicator__code").values_list(
        "goal_id", "indicator__code"
    ):
        codes[goal_id].append(code)
    rows = []
    for goal, level in _tree(goals):
        rows.append(
            [
                level,
                (goal.title, level - 1),
                goal.unit.name,
                goal.unit.code,
                goal.focus_area.name,
                goal.get_status_display(),
                goal.get_light_display(),
                goal.progress,
                goal.expected,
                ", ".join(codes[goal.pk]),
                goal.parent.title if goal.parent else "",
            ]
        )
    return rows


# Reports and comments -----------------------------------------------------------------------------


def _reports(access: Access) -> list[Report]:
    return list(
        Report.objects.filter(report_access.readable(access))
        .select_related("period", "goal", "unit", "ready_by", "approved_by")
        .prefetch_related("activities")
        .order_by("period__starts_on", "period__name", "unit__path", "goal__title", "id")
    )


def _report_rows(reports: list[Report]) -> list[list[Any]]:
    return [
        [
            report.period.name,
            report.goal.title,
            report.unit.name,
            report.get_light_display(),
            report.analysis,
            report.get_decision_display(),
            report.reasoning,
            report.revised_plan,
            ", ".join(a.title for a in report.activities.all()),
            report.get_state_display(),
            _yes_no(report.late),
            spreadsheets.cell(report.ready_at),
            _person(report.ready_by),
            spreadsheets.cell(report.approved_at),
            _person(report.approved_by),
        ]
        for report in reports
    ]


def _comment_rows(reports: list[Report]) -> list[list[Any]]:
    """Every comment on the reports the person reads, then the discussion of the målbild."""
    by_id = {r.pk: r for r in reports}
    rows: list[list[Any]] = []
    comments = ReportComment.objects.filter(report_id__in=list(by_id)).select_related("author")
    for comment in comments.order_by("report_id", "created_at", "id"):
        report = by_id[comment.report_id]
        rows.append(
            [
                report.goal.title,
                report.period.name,
                report.unit.name,
                comment.get_kind_display(),
                _person(comment.author),
                comment.created_at,
                comment.body,
            ]
        )
    for note in Comment.objects.select_related("author", "target_vision").order_by(
        "target_vision__number", "created_at", "id"
    ):
        rows.append(
            [
                _("Målbild: %(title)s (version %(number)s)")
                % {"title": note.target_vision.title, "number": note.target_vision.number},
                "",
                "",
                _("comment on the målbild"),
                _person(note.author),
                note.created_at,
                note.body,
            ]
        )
    return rows


# Measurements and investments ---------------------------------------------------------------------


def _measurement_rows() -> Iterable[list[Any]]:
    rows = (
        Measurement.objects.order_by("indicator__code", "org_unit__code", "position", "gender")
        .values_list("org_unit__code", "indicator__code", "period", "gender", "value", "status")
        .iterator(chunk_size=2000)
    )
    for unit_code, code, period, gender, value, status in rows:
        yield [unit_code, code, period, gender, value, status]


def _investment_rows() -> list[list[Any]]:
    followups: dict[int, list[InvestmentFollowUp]] = defaultdict(list)
    for followup in InvestmentFollowUp.objects.select_related("period").order_by(
        "period__starts_on", "id"
    ):
        followups[followup.investment_id].append(followup)
    rows = []
    investments = Investment.objects.select_related("target_vision").order_by(
        "-target_vision__number", "position", "id"
    )
    for investment in investments:
        head = [
            investment.title,
            investment.target_vision.number,
            investment.amount_per_year,
            f"{investment.start_year}–{investment.end_year}",
            investment.expected_gains,
        ]
        if not followups[investment.pk]:
            rows.append([*head, "", None, "", "", ""])
        for followup in followups[investment.pk]:
            rows.append(
                [
                    *head,
                    followup.period.name,
                    followup.spent,
                    followup.achieved,
                    followup.get_gains_display(),
                    followup.gains_note,
                ]
            )
    return rows


# The workbook -------------------------------------------------------------------------------------


def build(organisation: Organisation, access: Access) -> Workbook:
    """The workbook for one person (inside the organisation's scope; about ten queries)."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    book.properties.title = _("Follow-up of %(organisation)s") % {"organisation": organisation.name}
    book.properties.creator = "Målbild"
    _sheet(
        book,
        _("Goals"),
        [
            (_("Level"), 7),
            (_("Goal"), 60),
            (_("Unit"), 30),
            (_("Unit code"), 12),
            (_("Focus area"), 16),
            (_("Status"), 10),
            (_("Traffic-light status"), 14),
            (_("Progress (%)"), 12),
            (_("Planned by now (%)"), 14),
            (_("Indicators"), 16),
            (_("Breaks down"), 50),
        ],
        _goal_rows(),
        wrap=[10],
        indent_column=1,
    )
    reports = _reports(access)
    _sheet(
        book,
        _("Follow-up"),
        [
            (_("Period"), 18),
            (_("Goal"), 50),
            (_("Unit"), 28),
            (_("Traffic-light status"), 14),
            (_("Analysis"), 60),
            (_("Decision"), 16),
            (_("Reasoning"), 50),
            (_("Revised action plan"), 50),
            (_("Activities"), 30),
            (_("State"), 12),
            (_("Late"), 9),
            (_("Marked ready"), 17),
            (_("Marked ready by"), 20),
            (_("Approved"), 17),
            (_("Approved by"), 20),
        ],
        _report_rows(reports),
        wrap=[1, 4, 6, 7, 8],
    )
    _sheet(
        book,
        _("Comments"),
        [
            (_("About"), 50),
            (_("Period"), 18),
            (_("Unit"), 28),
            (_("Kind"), 14),
            (_("By"), 22),
            (_("Written"), 17),
            (_("Comment"), 80),
        ],
        _comment_rows(reports),
        wrap=[0, 6],
    )
    _sheet(
        book,
        _("Measurements"),
        [(name, 14) for name in MEASUREMENT_COLUMNS],
        _measurement_rows(),
    )
    _sheet(
        book,
        _("Investments"),
        [
            (_("Investment"), 40),
            (_("Målbild version"), 10),
            (_("Amount per year (SEK)"), 16),
            (_("Years"), 11),
            (_("Expected long-term gains"), 50),
            (_("Period"), 18),
            (_("Spent (SEK)"), 14),
            (_("What it achieved"), 50),
            (_("Do the gains show?"), 14),
            (_("What shows of the gains"), 50),
        ],
        _investment_rows(),
        wrap=[0, 4, 7, 9],
    )
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
    return book


def workbook_bytes(organisation: Organisation, access: Access) -> bytes:
    buffer = BytesIO()
    build(organisation, access).save(buffer)
    return buffer.getvalue()
