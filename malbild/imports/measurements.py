"""The importer and exporter of measurement files (DESIGN.md §3).

:func:`check` reads every row of a file against the organisation's units and indicators and
collects every error with its row number; :func:`write` puts the checked rows in the database
in one transaction with one statement per batch (an upsert on the measurement key), setting
`organisation_id` itself from the organisation it was given. Nothing is written unless the whole
file is free of errors. :func:`export_rows` writes the same layout, so a file goes out and back
in unchanged.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from malbild.goals.progress import goals_measured_by, recalculate
from malbild.imports.files import COLUMNS, FileProblem, Table, escape_text
from malbild.indicators.models import Indicator, Measurement
from malbild.lib import periods
from malbild.tenants.models import Organisation, OrgUnit

MAX_STORED_ERRORS = 1000  # errors kept on the run; the count says how many there were
PREVIEW_ROWS = 10
PROGRESS_EVERY = 5000
BATCH = 10000
FOUR_PLACES = Decimal("0.0001")
MAX_INTEGER_DIGITS = 10  # Measurement.value: 14 digits, 4 of them decimals
GENDERS = {"": "T", "T": "T", "K": "K", "M": "M"}
STATUSES = {"": "", "SAKNAS": "saknas"}

Progress = Callable[[int, int], None]


@dataclass
class Checked:
    """A file read and checked: the rows ready to write, or the errors that stop it."""

    columns: list[str]
    preview: list[list[str]] = field(default_factory=list)
    rows: list[tuple[int, int, str, float, str, Decimal | None, str]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0
    total: int = 0
    indicator_ids: set[int] = field(default_factory=set)
    unit_ids: set[int] = field(default_factory=set)

    def add_error(self, row: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append((row, message))


def _unquote(text: str) -> str:
    """A text cell without the apostrophe that exports put before formula-like text."""
    text = text.strip()
    return text[1:] if text.startswith("'") else text


def parse_value(text: str) -> tuple[Decimal | None, str]:
    """A cell as a value with at most four decimals, or the reason it is not one."""
    given = text.strip()
    if given.startswith("="):
        return None, _("“%(given)s” is a formula; write the number itself.") % {"given": given}
    plain = given.replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
    if plain.count(",") + plain.count(".") > 1:
        return None, _(
            "“%(given)s” is not a number: write it without thousands separators, with a "
            "decimal comma, like 1234,5."
        ) % {"given": given}
    try:
        value = Decimal(plain.replace(",", "."))
    except InvalidOperation:
        return None, _("“%(given)s” is not a number.") % {"given": given}
    if not value.is_finite():
        return None, _("“%(given)s” is not a number.") % {"given": given}
    if value.adjusted() >= MAX_INTEGER_DIGITS:
        return None, _("“%(given)s” is too large a number.") % {"given": given}
    return value.quantize(FOUR_PLACES), ""


def check(
    table: Table,
    organisation: Organisation,
    *,
    subtrees: list[OrgUnit] | None = None,
    progress: Progress | None = None,
) -> Checked:
    """Every row of `table` checked against `organisation`'s units and indicators (two
    queries). `subtrees`: the units a person may import for (None: the whole organisation)."""
    checked = Checked(columns=list(table.columns), total=table.total)
    units = {
        code.casefold(): (pk, path, archived is not None)
        for code, pk, path, archived in OrgUnit.objects.filter(
            organisation=organisation
        ).values_list("code", "pk", "path", "archived_at")
    }
    indicators = {
        code.casefold(): (pk, periodicity, code)
        for code, pk, periodicity in Indicator.objects.filter(
            organisation=organisation
        ).values_list("code", "pk", "periodicity")
    }
    allowed = None if subtrees is None else tuple(unit.path for unit in subtrees)
    position = {name: i for i, name in enumerate(table.columns)}
    i_unit, i_indicator, i_period = (
        position["enhet_kod"],
        position["indikator_kod"],
        position["period"],
    )
    i_value = position["värde"]
    i_gender, i_status = position.get("kön"), position.get("status")
    width = len(table.columns)
    period_cache: dict[tuple[str, str], periods.Period | None] = {}
    seen: dict[tuple[int, int, str, str], int] = {}
    name = organisation.name
    handled = 0
    for number, cells in table.rows:
        handled += 1
        if progress is not None and handled % PROGRESS_EVERY == 0:
            progress(handled, table.total)
        if len(checked.preview) < PREVIEW_ROWS:
            checked.preview.append([c[:60] for c in cells[:width]])
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != width:
            checked.add_error(
                number,
                _("The row has %(found)s cells but the first row names %(expected)s columns.")
                % {"found": len(cells), "expected": width},
            )
            continue
        problems: list[str] = []
        code = _unquote(cells[i_unit])
        unit = units.get(code.casefold())
        if not code:
            problems.append(_("The unit code is empty."))
        elif unit is None:
            problems.append(
                _("There is no unit with the code “%(code)s” in %(organisation)s.")
                % {"code": code, "organisation": name}
            )
        elif unit[2]:
            problems.append(_("The unit %(code)s is archived.") % {"code": code})
        elif allowed is not None and not unit[1].startswith(allowed):
            problems.append(
                _("You may import only for the units in your part of the organisation; "
                  "%(code)s is outside it.") % {"code": code}
            )  # fmt: skip
        code = _unquote(cells[i_indicator])
        indicator = indicators.get(code.casefold())
        if not code:
            problems.append(_("The indicator code is empty."))
        elif indicator is None:
            problems.append(
                _("There is no indicator with the code “%(code)s” in %(organisation)s.")
                % {"code": code, "organisation": name}
            )
        when = None
        text = _unquote(cells[i_period])
        if indicator is not None:
            key = (text, indicator[1])
            if key not in period_cache:
                try:
                    period_cache[key] = periods.parse(text, indicator[1])
                except periods.PeriodError:
                    period_cache[key] = None
            when = period_cache[key]
            if when is None:
                problems.append(
                    _(
                        "The period “%(given)s” does not fit: write it like %(example)s, as "
                        "%(code)s is measured %(periodicity)s."
                    )
                    % {
                        "given": text,
                        "example": periods.EXAMPLES[indicator[1]],
                        "code": indicator[2],
                        "periodicity": Indicator.Periodicity(indicator[1]).label,
                    }
                )
        given = _unquote(cells[i_gender]) if i_gender is not None else ""
        gender = GENDERS.get(given.upper())
        if gender is None:
            problems.append(
                _("The gender “%(given)s” is not T (all), K (girls and women) or M (boys and men).")
                % {"given": given}
            )
        given = _unquote(cells[i_status]) if i_status is not None else ""
        status = STATUSES.get(given.upper())
        if status is None:
            problems.append(
                _("The status “%(given)s” is neither empty nor “saknas” (missing).")
                % {"given": given}
            )
        raw = cells[i_value].strip()
        value = None
        if status == "saknas":
            if raw:
                problems.append(_("The value must be empty when the status is “saknas”."))
        elif not raw:
            if status is not None:
                problems.append(
                    _("The value is empty: write it, or write “saknas” in the status column.")
                )
        else:
            value, problem = parse_value(raw)
            if problem:
                problems.append(problem)
        if problems:
            checked.add_error(number, " ".join(problems))
            continue
        if unit is None or indicator is None or when is None or gender is None or status is None:
            continue  # every such case added a problem above; this tells the type checker
        key4 = (indicator[0], unit[0], when.text, gender)
        first = seen.get(key4)
        if first is not None:
            checked.add_error(
                number,
                _("The same unit, indicator, period and gender as row %(first)s.")
                % {"first": first},
            )
            continue
        seen[key4] = number
        checked.rows.append(
            (indicator[0], unit[0], when.text, when.position, gender, value, status)
        )
        checked.indicator_ids.add(indicator[0])
        checked.unit_ids.add(unit[0])
    if progress is not None:
        progress(handled, table.total)
    if not checked.rows and not checked.error_count:
        checked.add_error(
            1, _("The file has a first row with the column names but no measurements.")
        )
    return checked


class Stale(ValueError):
    """A unit or indicator of a checked file went away before the file was written."""


def write(checked: Checked, organisation: Organisation, run_id: int) -> tuple[int, int]:
    """Write the checked rows for `organisation`; the caller holds the transaction. Returns
    (new values, replaced values). `organisation_id` is set here, never read from the file."""
    if checked.error_count:
        raise ValueError("A file with errors is never written.")
    live_units = set(
        OrgUnit.objects.filter(organisation=organisation, archived_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    live_indicators = set(
        Indicator.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    if not checked.unit_ids <= live_units or not checked.indicator_ids <= live_indicators:
        raise Stale(_("A unit or an indicator in the file was archived or removed meanwhile."))
    existing = set(
        Measurement.objects.filter(
            organisation=organisation, indicator_id__in=checked.indicator_ids
        ).values_list("indicator_id", "org_unit_id", "period", "gender")
    )
    replaced = sum(1 for row in checked.rows if (row[0], row[1], row[2], row[4]) in existing)
    upsert(organisation.pk, checked.rows, str(run_id))
    goal_ids: set[int] = set()
    for indicator_id in checked.indicator_ids:
        goal_ids.update(goals_measured_by(indicator_id))
    recalculate(goal_ids)
    return len(checked.rows) - replaced, replaced


def upsert(
    organisation_id: int,
    rows: list[tuple[int, int, str, float, str, Decimal | None, str]],
    import_run: str,
) -> None:
    """Insert or replace measurements in batches with one statement each (`executemany`); the
    same SQL on SQLite and PostgreSQL. Every row gets `organisation_id`."""
    table = Measurement._meta.db_table
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = (
        f"INSERT INTO {table} (organisation_id, indicator_id, org_unit_id, period, position, "  # noqa: S608
        "gender, value, status, import_run, updated_at) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
        "ON CONFLICT (organisation_id, indicator_id, org_unit_id, period, gender) DO UPDATE SET "
        "value = excluded.value, status = excluded.status, position = excluded.position, "
        "import_run = excluded.import_run, updated_at = excluded.updated_at"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql,
                [
                    (organisation_id, i, u, p, pos, g, v, s, import_run, now)
                    for i, u, p, pos, g, v, s in rows[start : start + BATCH]
                ],
            )


# Export -------------------------------------------------------------------------------------------


def _number(value: Decimal) -> str:
    """A value as written in the file: a decimal comma, no trailing zeros."""
    text = (
        format(value.normalize(), "f")
        if value != value.to_integral_value()
        else str(value.quantize(Decimal(1)))
    )
    return text.replace(".", ",")


def export_rows(
    organisation: Organisation, *, indicator_ids: list[int] | None = None, numbers: bool = False
) -> Iterator[list[Any]]:
    """The header and one row per measurement of `organisation`, ordered by indicator, unit,
    period and gender (one query, streamed). `numbers=True` gives values as numbers (Excel),
    else as text with a decimal comma (CSV)."""
    yield list(COLUMNS)
    measurements = Measurement.objects.filter(organisation=organisation)
    if indicator_ids is not None:
        measurements = measurements.filter(indicator_id__in=indicator_ids)
    rows = measurements.order_by(
        "indicator__code", "org_unit__code", "position", "gender"
    ).values_list("org_unit__code", "indicator__code", "period", "gender", "value", "status")
    for unit, indicator, period, gender, value, status in rows.iterator(chunk_size=5000):
        if value is None:
            cell: Any = ""
        elif numbers:
            cell = int(value) if value == value.to_integral_value() else float(value)
        else:
            cell = _number(value)
        yield [escape_text(unit), escape_text(indicator), period, gender, cell, status]


__all__ = ["Checked", "FileProblem", "Stale", "check", "export_rows", "write"]
