"""Reading and writing measurement files (DESIGN.md §3): CSV in UTF-8 (with or without BOM) or
Windows-1252, separated by `;` or `,`, and Excel .xlsx.

Reading gives the header and then the rows as lists of text cells, whatever the format, so the
importer validates one shape. Anything that is not such a file raises :class:`FileProblem`
with a message for people, before a single row is looked at.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from malbild.lib import spreadsheets

CSV, XLSX = "csv", "xlsx"
# The columns of a measurement file, in order, and the names people may also use.
COLUMNS = ("enhet_kod", "indikator_kod", "period", "kön", "värde", "status")
ALIASES = {
    "enhet_kod": "enhet_kod", "enhetkod": "enhet_kod", "enhet": "enhet_kod",
    "unit_code": "enhet_kod", "unit": "enhet_kod",
    "indikator_kod": "indikator_kod", "indikatorkod": "indikator_kod", "indikator": "indikator_kod",
    "indicator_code": "indikator_kod", "indicator": "indikator_kod",
    "period": "period",
    "kön": "kön", "kon": "kön", "gender": "kön", "sex": "kön",
    "värde": "värde", "varde": "värde", "value": "värde",
    "status": "status",
}  # fmt: skip
REQUIRED = ("enhet_kod", "indikator_kod", "period", "värde")
# Signatures of files that are certainly not text: zip (xlsx, docx), PDF, PNG, JPEG, GIF, old
# Office documents.
BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\xd0\xcf\x11\xe0")


class FileProblem(ValueError):
    """The file as a whole cannot be read as a measurement file; the message says why."""


@dataclass
class Table:
    """A file read: the canonical column names in the file's order, and its rows."""

    columns: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)
    # Number of data rows (blank rows included); for Excel the number the sheet declares, an
    # estimate for progress, as its rows are streamed.
    total: int


def format_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return XLSX
    if suffix in (".csv", ".txt"):
        return CSV
    raise FileProblem(
        _("Choose a CSV file (.csv) or an Excel file (.xlsx); “%(name)s” is neither.")
        % {"name": Path(name).name}
    )


def check_size(size: int, max_mb: int) -> None:
    if size == 0:
        raise FileProblem(_("The file is empty."))
    if size > max_mb * 1024 * 1024:
        raise FileProblem(
            _(
                "The file is %(size)s MB; at most %(max)s MB can be imported at once. "
                "Split it into several files."
            )
            % {"size": f"{size / 1024 / 1024:.1f}".replace(".", ","), "max": max_mb}
        )


def work_size(data: bytes, kind: str) -> int:
    """How many bytes there are to parse: an Excel file's unpacked size, else the file's own."""
    if kind == XLSX:
        return max(len(data), spreadsheets.unpacked_size(data))
    return len(data)


Header = Callable[[list[str]], list[str]]


def read(data: bytes, kind: str, header: Header | None = None) -> Table:
    """The table in `data`, a whole file of the given kind (CSV or XLSX). `header` names the
    columns from the first row (FileProblem when they are not the expected ones); by default
    those of a measurement file (:func:`header_of`), so other files are read the same way."""
    if not data:
        raise FileProblem(_("The file is empty."))
    if kind == XLSX:
        return _read_xlsx(data, header or header_of)
    return _read_csv(data, header or header_of)


# CSV ----------------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (a BOM is dropped) or else Windows-1252."""
    if data.startswith(BINARY_MAGIC) or b"\x00" in data[:65536]:
        raise FileProblem(
            _(
                "The file is not a CSV file, even if its name says so. Save it from the "
                "spreadsheet as “CSV (semicolon separated)” or as .xlsx."
            )
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileProblem(
            _("The file's characters cannot be read: save it as UTF-8 or Windows-1252.")
        ) from None


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (";", ",", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ";"


@dataclass(frozen=True)
class Columns:
    """The columns of one kind of file: their canonical names in order, those it must have, and
    the other names people may use for them."""

    names: tuple[str, ...]
    required: tuple[str, ...]
    aliases: dict[str, str]

    def header(self, cells: list[str]) -> list[str]:
        """Canonical column names for the header `cells`; FileProblem for unknown, doubled or
        missing columns."""
        columns: list[str] = []
        unknown = []
        for cell in cells:
            name = cell.strip().lstrip("\ufeff").strip().lower().replace(" ", "_")
            canonical = self.aliases.get(name)
            if canonical is None:
                unknown.append(cell.strip() or _("(empty)"))
                continue
            if canonical in columns:
                raise FileProblem(
                    _("The column %(column)s appears twice in the first row.")
                    % {"column": canonical}
                )
            columns.append(canonical)
        expected = "; ".join(self.names)
        if unknown:
            raise FileProblem(
                _(
                    "The first row must name the columns %(expected)s; "
                    "these are unknown: %(unknown)s."
                )
                % {"expected": expected, "unknown": "; ".join(unknown)}
            )
        missing = [name for name in self.required if name not in columns]
        if missing:
            raise FileProblem(
                _("The column(s) %(missing)s are missing. The first row must name %(expected)s.")
                % {"missing": "; ".join(missing), "expected": expected}
            )
        return columns


MEASUREMENTS = Columns(COLUMNS, REQUIRED, ALIASES)
header_of: Header = MEASUREMENTS.header


def records(table: Table) -> Iterator[dict[str, Any]]:
    """The table's rows as {column: text}, each with its row number under "row"; blank rows
    left out."""
    for number, cells in table.rows:
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, Any] = {"row": number}
        for name, cell in zip(table.columns, cells, strict=False):
            row[name] = cell.strip()
        yield row


def _read_csv(data: bytes, header_of: Header) -> Table:
    text = decode(data)
    if not text.strip():
        raise FileProblem(_("The file is empty."))
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as e:
        raise FileProblem(
            _("The file cannot be read as CSV (%(problem)s). Check the quotation marks.")
            % {"problem": str(e)}
        ) from None
    while rows and not any(cell.strip() for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise FileProblem(_("The file is empty."))
    columns = header_of(rows[0])
    body = rows[1:]
    return Table(
        columns, ((number, cells) for number, cells in enumerate(body, start=2)), len(body)
    )


# Excel --------------------------------------------------------------------------------------------


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        # A spreadsheet turns "2025-03" into the first of March: a month period.
        return f"{value.year}-{value.month:02d}"
    return str(value)


def _read_xlsx(data: bytes, header_of: Header) -> Table:
    """The first sheet, streamed: the header is read here, the rows as the importer asks for
    them. The limits (lib.spreadsheets) are checked before any row is built; a file refused
    while its rows are read raises FileProblem from the iteration."""
    if not data.startswith(b"PK\x03\x04"):
        raise FileProblem(_("The file is not an Excel file (.xlsx), even if its name says so."))
    try:
        sheet = spreadsheets.read_first_sheet(data)
    except spreadsheets.WorkbookProblem as e:
        raise FileProblem(str(e)) from None
    rows = _text_rows(sheet.rows)
    first = next(((n, cells) for n, cells in rows if any(c.strip() for c in cells)), None)
    if first is None:
        raise FileProblem(_("The file is empty."))
    header_at, header = first
    while header and not header[-1].strip():
        header.pop()
    columns = header_of(header)
    width = len(header)

    def body() -> Iterator[tuple[int, list[str]]]:
        for number, cells in rows:
            # A row is as wide as its last cell: empty cells at its end are not written.
            if len(cells) < width:
                cells += [""] * (width - len(cells))
            elif len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]
            yield number, cells

    return Table(columns, body(), max(sheet.declared_rows - header_at, 0))


def _text_rows(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> Iterator[tuple[int, list[str]]]:
    try:
        for number, values in rows:
            yield number, [_cell_text(v) for v in values]
    except spreadsheets.WorkbookProblem as e:
        raise FileProblem(str(e)) from None


# Writing ------------------------------------------------------------------------------------------


def write_csv(rows: Iterator[list[Any]], out: IO[str]) -> None:
    """Rows (header first) as CSV in UTF-8 with `;`, the way Swedish spreadsheets read it."""
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)


def write_xlsx(rows: Iterator[list[Any]], out: IO[bytes]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Measurements"))
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text begins with
            cells.append(cell)
        sheet.append(cells)
    book.save(out)
