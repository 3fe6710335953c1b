"""The importer and exporter of measurement files (DESIGN.md §3).

:func:`check` reads every row of a file against the organisation's units and indicators and
collects every error with its row number; :func:`write` puts the checked rows in the database
in one transaction with one statement per batch (an upsert on the measurement key), setting
`organisation_id` itself from the organisation it was given. Nothing is written unless the whole
file is free of errors. :func:`export_rows` writes the same layout, so a file goes out and back
in unchanged.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from malbild.goals.progress import goals_measured_by, recalculate
from malbild.imports.files import COLUMNS, FileProblem, Table
from malbild.indicators.models import Indicator, Measurement
from malbild.lib import faultpoints, periods
from malbild.lib.spreadsheets import defuse
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
# A checked row: indicator id, unit id, period, its position, gender, value, status.
Row = tuple[int, int, str, float, str, Decimal | None, str]


@dataclass
class Checked:
    """A file read and checked: the rows ready to write, or the errors that stop it."""

    columns: list[str]
    preview: list[list[str]] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
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
    try:  # the usual case, a plain number with a decimal comma or point, in one step
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return _value_problem(text)
    if value.is_finite() and value.adjusted() < MAX_INTEGER_DIGITS:
        return value.quantize(FOUR_PLACES), ""
    return _value_problem(text)


def _value_problem(text: str) -> tuple[Decimal | None, str]:
    """What parse_value says about anything but a plain number: why it is not one, or the
    value when it is one after all (spaces inside, a Unicode minus)."""
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


def _period_problem(given: str, indicator: tuple[int, str, str]) -> str:
    return _(
        "The period “%(given)s” does not fit: write it like %(example)s, as %(code)s is "
        "measured %(periodicity)s."
    ) % {
        "given": given,
        "example": periods.EXAMPLES[indicator[1]],
        "code": indicator[2],
        "periodicity": Indicator.Periodicity(indicator[1]).label,
    }


def check(
    table: Table,
    organisation: Organisation,
    *,
    subtrees: list[OrgUnit] | None = None,
    progress: Progress | None = None,
) -> Checked:
    """Every row of `table` checked against `organisation`'s units and indicators (two
    queries). `subtrees`: the units a person may import for (None: the whole organisation).

    A file that turns out unreadable while its rows are read (an Excel sheet beyond the
    limits) raises FileProblem from the iteration.

    A file repeats the same few codes, periods and genders on every row, so each distinct cell
    text is resolved once (with its message, if it is wrong) and then looked up in a dict; a
    row that is right costs a handful of dict lookups, one Decimal and one tuple."""
    checked = Checked(columns=list(table.columns), total=table.total)
    name = organisation.name
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

    def unit_of(cell: str) -> tuple[int, str]:
        code = _unquote(cell)
        unit = units.get(code.casefold())
        if not code:
            return 0, _("The unit code is empty.")
        if unit is None:
            return 0, _("There is no unit with the code “%(code)s” in %(organisation)s.") % {
                "code": code,
                "organisation": name,
            }
        if unit[2]:
            return 0, _("The unit %(code)s is archived.") % {"code": code}
        if allowed is not None and not unit[1].startswith(allowed):
            return 0, _(
                "You may import only for the units in your part of the organisation; "
                "%(code)s is outside it."
            ) % {"code": code}
        return unit[0], ""

    def indicator_of(cell: str) -> tuple[tuple[int, str, str] | None, str]:
        code = _unquote(cell)
        indicator = indicators.get(code.casefold())
        if not code:
            return None, _("The indicator code is empty.")
        if indicator is None:
            return None, _(
                "There is no indicator with the code “%(code)s” in %(organisation)s."
            ) % {"code": code, "organisation": name}
        return indicator, ""

    def period_of(cell: str, kind: str) -> periods.Period | None:
        try:
            return periods.parse(_unquote(cell), kind)
        except periods.PeriodError:
            return None

    def gender_of(cell: str) -> tuple[str, str]:
        given = _unquote(cell)
        gender = GENDERS.get(given.upper())
        if gender is None:
            return "", _(
                "The gender “%(given)s” is not T (all), K (girls and women) or M (boys and men)."
            ) % {"given": given}
        return gender, ""

    def status_of(cell: str) -> tuple[str | None, str]:
        given = _unquote(cell)
        status = STATUSES.get(given.upper())
        if status is None:
            return None, _("The status “%(given)s” is neither empty nor “saknas” (missing).") % {
                "given": given
            }
        return status, ""

    unit_memo: dict[str, tuple[int, str]] = {}
    indicator_memo: dict[str, tuple[tuple[int, str, str] | None, str]] = {}
    period_memo: dict[str, dict[str, periods.Period | None]] = {
        kind: {} for kind in Indicator.Periodicity.values
    }
    gender_memo: dict[str, tuple[str, str]] = {"": ("T", "")}
    status_memo: dict[str, tuple[str | None, str]] = {"": ("", "")}
    position = {column: i for i, column in enumerate(table.columns)}
    i_unit, i_indicator = position["enhet_kod"], position["indikator_kod"]
    i_period, i_value = position["period"], position["värde"]
    i_gender, i_status = position.get("kön"), position.get("status")
    width = len(table.columns)
    seen: dict[tuple[int, int, str, str], int] = {}
    rows = checked.rows
    handled = 0
    for number, cells in table.rows:
        handled += 1
        if handled <= PREVIEW_ROWS:
            checked.preview.append([c[:60] for c in cells[:width]])
        if progress is not None and handled % PROGRESS_EVERY == 0:
            progress(handled, max(table.total, handled))
        if len(cells) != width:
            if "".join(cells).strip():
                checked.add_error(
                    number,
                    _("The row has %(found)s cells but the first row names %(expected)s "
                      "columns.") % {"found": len(cells), "expected": width},
                )  # fmt: skip
            continue
        cell = cells[i_unit]
        unit = unit_memo.get(cell)
        if unit is None:
            unit = unit_memo[cell] = unit_of(cell)
        cell = cells[i_indicator]
        indicator = indicator_memo.get(cell)
        if indicator is None:
            indicator = indicator_memo[cell] = indicator_of(cell)
        if i_gender is None:
            gender = ("T", "")
        else:
            cell = cells[i_gender]
            gender = gender_memo.get(cell) or gender_memo.setdefault(cell, gender_of(cell))
        status: tuple[str | None, str]
        if i_status is None:
            status = ("", "")
        else:
            cell = cells[i_status]
            status = status_memo.get(cell) or status_memo.setdefault(cell, status_of(cell))
        found = indicator[0]
        when = None
        if found is not None:
            cell = cells[i_period]
            memo = period_memo[found[1]]
            when = memo.get(cell)
            if when is None:
                when = memo.setdefault(cell, period_of(cell, found[1]))
        raw = cells[i_value].strip()
        value = None
        value_problem = ""
        if status[0] == "saknas":
            if raw:
                value_problem = _("The value must be empty when the status is “saknas”.")
        elif not raw:
            if status[0] is not None:
                value_problem = _(
                    "The value is empty: write it, or write “saknas” in the status column."
                )
        else:
            try:  # parse_value's usual case, inline: this runs for every row
                value = Decimal(raw.replace(",", "."))
            except InvalidOperation:
                value = None
            if value is not None and value.is_finite() and value.adjusted() < MAX_INTEGER_DIGITS:
                value = value.quantize(FOUR_PLACES)
            else:
                value, value_problem = parse_value(raw)
        if unit[1] or indicator[1] or when is None or gender[1] or status[1] or value_problem:
            if "".join(cells).strip():  # a blank row is no error
                problems = [unit[1], indicator[1]]
                if found is not None and when is None:
                    problems.append(_period_problem(_unquote(cells[i_period]), found))
                problems += [gender[1], status[1], value_problem]
                checked.add_error(number, " ".join(p for p in problems if p))
            continue
        if found is None or status[0] is None:
            continue  # each such row had a problem above; this tells the type checker
        key = (found[0], unit[0], when.text, gender[0])
        first = seen.setdefault(key, number)
        if first != number:
            checked.add_error(
                number,
                _("The same unit, indicator, period and gender as row %(first)s.")
                % {"first": first},
            )
            continue
        rows.append((found[0], unit[0], when.text, when.position, gender[0], value, status[0]))
    checked.total = handled  # what the file holds (an Excel sheet's own total is an estimate)
    if progress is not None:
        progress(handled, handled)
    if not rows and not checked.error_count:
        checked.add_error(
            1, _("The file has a first row with the column names but no measurements.")
        )
    checked.indicator_ids = {row[0] for row in rows}
    checked.unit_ids = {row[1] for row in rows}
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
    new = upsert(organisation.pk, checked.rows, str(run_id))
    faultpoints.pause("imports.written")
    goal_ids: set[int] = set()
    for indicator_id in checked.indicator_ids:
        goal_ids.update(goals_measured_by(indicator_id))
    recalculate(goal_ids)
    return new, len(checked.rows) - new


COLUMNS_WRITTEN = (
    "organisation_id, indicator_id, org_unit_id, period, position, gender, value, status, "
    "import_run, updated_at"
)
CONFLICT = (
    "ON CONFLICT (organisation_id, indicator_id, org_unit_id, period, gender) DO UPDATE SET "
    "value = excluded.value, status = excluded.status, position = excluded.position, "
    "import_run = excluded.import_run, updated_at = excluded.updated_at"
)
# SQLite's page cache while a bulk write runs (negative: KiB): 64 MiB instead of the default
# 2 MiB, so that the measurement table's five indexes stay in memory instead of spilling to the
# write-ahead log in the middle of the transaction (a fifth faster at 200,000 rows).
SQLITE_BULK_CACHE_KIB = 65536
UNIQUE_VIOLATION = "23505"  # PostgreSQL's SQLSTATE


@contextmanager
def bulk_writing() -> Iterator[CursorWrapper]:
    """A cursor for a bulk write; on SQLite with a larger page cache while it lasts. The bench's
    raw insert writes through this too, so that its comparison is fair."""
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            yield cursor
            return
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
        try:
            yield cursor
        finally:
            cursor.execute(f"PRAGMA cache_size = {before}")


def _count(cursor: CursorWrapper, organisation_id: int, indicator_ids: set[int]) -> int:
    table = Measurement._meta.db_table
    marks = ", ".join(["%s"] * len(indicator_ids))
    cursor.execute(
        f"SELECT COUNT(*) FROM {table} WHERE organisation_id = %s "  # noqa: S608
        f"AND indicator_id IN ({marks})",
        [organisation_id, *sorted(indicator_ids)],
    )
    return int(cursor.fetchone()[0])


def upsert(
    organisation_id: int,
    rows: list[Row],
    import_run: str,
) -> int:
    """Insert or replace measurements; the caller holds the transaction. Every row gets
    `organisation_id`, which the rows themselves do not carry. Returns how many were new.

    The rows must be unique on (indicator, unit, period, gender). SQLite: one `executemany` of
    plain tuples. PostgreSQL: see :func:`_upsert_postgres`."""
    if not rows:
        return 0
    table = Measurement._meta.db_table
    now = timezone.now()
    indicator_ids = {row[0] for row in rows}
    with bulk_writing() as cursor:
        before = _count(cursor, organisation_id, indicator_ids)
        # In the unique index's order, each index grows at a few places instead of all over.
        # The keys are unique, so the sort never compares the values (None against Decimal).
        ordered = sorted(rows)
        if connection.vendor == "postgresql":
            _upsert_postgres(cursor, organisation_id, ordered, import_run, now, fresh=not before)
        else:
            stamp = connection.ops.adapt_datetimefield_value(now)
            cursor.executemany(
                f"INSERT INTO {table} ({COLUMNS_WRITTEN}) "  # noqa: S608
                f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) {CONFLICT}",
                [
                    (organisation_id, i, u, p, pos, g, v, s, import_run, stamp)
                    for i, u, p, pos, g, v, s in ordered
                ],
            )
        return _count(cursor, organisation_id, indicator_ids) - before


def _upsert_postgres(
    cursor: CursorWrapper,
    organisation_id: int,
    rows: list[Row],
    import_run: str,
    now: datetime,
    *,
    fresh: bool,
) -> None:
    """COPY the rows straight into the table when none of their indicators has a value yet
    (`fresh`: the first import of a file, as fast as a raw COPY); otherwise, or when a value
    was written meanwhile after all, COPY into a temporary table (in the sorted order, which a
    plain scan of it gives back) and INSERT … ON CONFLICT from it."""
    table = Measurement._meta.db_table
    if fresh:
        try:
            # A savepoint: a key written meanwhile undoes only this. Django's errors, as COPY
            # goes to psycopg's own cursor.
            with (
                transaction.atomic(),
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({COLUMNS_WRITTEN}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row((organisation_id, *row, import_run, now))
            return
        except IntegrityError as error:
            if getattr(error.__cause__, "sqlstate", None) != UNIQUE_VIOLATION:
                raise
    cursor.execute(
        "CREATE TEMPORARY TABLE malbild_import_rows (indicator_id integer, org_unit_id integer, "
        "period varchar(10), position double precision, gender varchar(1), "
        "value numeric(14, 4), status varchar(10)) ON COMMIT DROP"
    )
    with (
        connection.wrap_database_errors,
        cursor.cursor.copy(
            "COPY malbild_import_rows (indicator_id, org_unit_id, period, position, gender, value, "
            "status) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row(row)
    cursor.execute(
        f"INSERT INTO {table} ({COLUMNS_WRITTEN}) "  # noqa: S608
        "SELECT %s, indicator_id, org_unit_id, period, position, gender, value, status, %s, %s "
        f"FROM malbild_import_rows {CONFLICT}",
        [organisation_id, import_run, now],
    )
    cursor.execute("DROP TABLE malbild_import_rows")


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
    organisation: Organisation,
    *,
    indicator_ids: list[int] | None = None,
    numbers: bool = False,
    unit_path: str | None = None,
) -> Iterator[list[Any]]:
    """The header and one row per measurement of `organisation`, ordered by indicator, unit,
    period and gender (one query, streamed). `numbers=True` gives values as numbers (Excel),
    else as text with a decimal comma (CSV); `unit_path` keeps the units of one subtree."""
    yield list(COLUMNS)
    measurements = Measurement.objects.filter(organisation=organisation)
    if indicator_ids is not None:
        measurements = measurements.filter(indicator_id__in=indicator_ids)
    if unit_path is not None:
        measurements = measurements.filter(org_unit__path__startswith=unit_path)
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
        yield [defuse(unit), defuse(indicator), period, gender, cell, status]


__all__ = ["Checked", "FileProblem", "Row", "Stale", "check", "export_rows", "write"]
