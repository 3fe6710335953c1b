"""Spreadsheets in and out. Cells for the spreadsheets Målbild writes (Excel exports, CSV files):
one place for the rule that text a spreadsheet would run as a formula never leaves as a formula.
Workbooks someone uploads: one place that opens them, within limits checked before anything in
them is parsed or built (:func:`read_first_sheet`)."""

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from xml.parsers import expat

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Text starting with one of these is read as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CELL_LIMIT = 32_767  # the most characters Excel keeps in one cell


def defuse(text: str) -> str:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value: Any) -> Any:
    """A value for an Excel cell: text defused and cut to what a cell keeps, aware times made
    local and naive (Excel has no time zones); anything else as it is."""
    if isinstance(value, str):
        return defuse(value)[:CELL_LIMIT]
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


# Reading a workbook someone uploaded -------------------------------------------------------------
# openpyxl trusts the file it reads. In read-only mode it pads every row to the width the sheet's
# <dimension> declares (a 21 KB file declaring A1:XFD1048576 cost 190 MB for 1,000 rows), builds
# each row, and whatever lies outside the rows, as an XML tree before handing it over, loads the
# shared strings and the styles whole, and lets expat expand the entities a file declares. So an
# uploaded workbook is checked as a zip archive and then part by part with expat, streaming,
# before openpyxl opens it; then its first sheet is read row by row, never padded to what it
# declares, with the same limits checked again on every row as it comes.
MAX_ROWS = 500_000  # rows of a sheet (Excel's own limit: 1,048,576)
MAX_COLUMNS = 100  # columns of a sheet, up to CV (a measurement file has six)
MAX_PARTS = 1000  # files in the archive (a workbook has a dozen or two)
MAX_UNPACKED_MB = 200  # all parts together, unpacked (200,000 measurements take about 62 MB)
MAX_PART_MB = 8  # each part but the sheets: openpyxl loads these whole (shared strings, styles)
MAX_RATIO = 100  # unpacked size over packed size of a part above 1 MB (real sheets: about 15)
MAX_ROW_ELEMENTS = 20_000  # XML elements in one row: openpyxl builds a row as a tree at once
MAX_OTHER_ELEMENTS = 100_000  # XML elements of a sheet outside its rows, which openpyxl keeps
MB = 1024 * 1024
_CHUNK = 64 * 1024
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


class WorkbookProblem(ValueError):
    """An uploaded workbook that is not read; the message says why, naming the limit."""


def _cannot_open() -> WorkbookProblem:
    return WorkbookProblem(
        _("The Excel file cannot be opened. Save it again as .xlsx and try once more.")
    )


def _mb(size: int) -> str:
    return number_format(size / MB, 1)


def _count(number: int) -> str:
    return number_format(number, force_grouping=True)


def _too_many_rows(rows: int) -> WorkbookProblem:
    return WorkbookProblem(
        _(
            "The sheet has %(rows)s rows; at most %(max)s rows can be read from an Excel file. "
            "Split the measurements into several files."
        )
        % {"rows": _count(rows), "max": _count(MAX_ROWS)}
    )


def _too_many_columns(column: int) -> WorkbookProblem:
    from openpyxl.utils import get_column_letter

    return WorkbookProblem(
        _(
            "The sheet reaches column %(column)s; at most %(max)s columns (up to %(last)s) can "
            "be read from an Excel file. Delete the columns to the right of the measurements, "
            "or copy the measurements into a new workbook."
        )
        % {
            "column": get_column_letter(min(column, 18278)),
            "max": MAX_COLUMNS,
            "last": get_column_letter(MAX_COLUMNS),
        }
    )


def _too_complex() -> WorkbookProblem:
    return WorkbookProblem(
        _(
            "The sheet holds more formatting and other content than a sheet of measurements "
            "needs (at most %(row)s XML elements in a row and %(other)s outside the rows). "
            "Copy the measurements into a new workbook and save it again."
        )
        % {"row": _count(MAX_ROW_ELEMENTS), "other": _count(MAX_OTHER_ELEMENTS)}
    )


def check_archive(data: bytes) -> zipfile.ZipFile:
    """The workbook's zip archive, once its parts are few, their unpacked sizes and packing
    ratios within the limits, no part declares a DTD, and every sheet is within the rows,
    columns and elements allowed. Reads each part as a stream: nothing is unpacked whole."""
    # Every entry of the central directory that zipfile parses begins with this signature, so
    # counting it bounds the entries before zipfile builds an object for each.
    if data.count(b"PK\x01\x02") > MAX_PARTS:
        raise _too_many_parts()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        raise _cannot_open() from None
    try:
        infos = archive.infolist()
        if len(infos) > MAX_PARTS:
            raise _too_many_parts()
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_UNPACKED_MB * MB:
            raise WorkbookProblem(
                _(
                    "The Excel file takes %(size)s MB unpacked; at most %(max)s MB can be read. "
                    "Split the measurements into several files."
                )
                % {"size": _mb(unpacked), "max": MAX_UNPACKED_MB}
            )
        for info in infos:
            if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise WorkbookProblem(
                    _(
                        "A part of the Excel file is packed %(ratio)s times smaller than its "
                        "contents, more than the %(max)s times a real workbook reaches. It was "
                        "not read."
                    )
                    % {"ratio": info.file_size // max(info.compress_size, 1), "max": MAX_RATIO}
                )
        for info in infos:
            _check_part(archive, info)
    except BaseException:
        archive.close()
        raise
    return archive


def unpacked_size(data: bytes) -> int:
    """The unpacked size of all a workbook's parts, as its zip directory declares them (which
    is what unpacking can give: zipfile stops a part at its declared size); 0 for a file that
    is no zip archive or holds too many parts, which :func:`check_archive` refuses."""
    if data.count(b"PK\x01\x02") > MAX_PARTS:
        return 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return 0


def _too_many_parts() -> WorkbookProblem:
    return WorkbookProblem(
        _(
            "The Excel file holds more than %(max)s parts; a workbook of measurements holds a "
            "few dozen. It was not read."
        )
        % {"max": _count(MAX_PARTS)}
    )


class _Done(Exception):
    """Stops expat once a part is known to be no sheet: nothing after its root matters here."""


_ROW, _CELL, _DIMENSION = f"{_MAIN}}}row", f"{_MAIN}}}c", f"{_MAIN}}}dimension"


class _SheetCounter:
    """Counts a sheet's rows, columns and elements the way openpyxl's reader numbers them
    (a row's `r`, else the one before plus one; a cell's `r`, else the one before plus one),
    and refuses the sheet at the first element beyond a limit. It runs for every element of
    the sheet, so it does the least it can: no end handler (what follows the last row counts
    as that row's), and each cell's column letters looked up once."""

    def __init__(self) -> None:
        self.in_rows = False
        self.row = 0
        self.column = 0
        self.elements = 0  # since the row began; before the first row, since the sheet began
        self.letters: dict[str, int] = {}

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        if name == _CELL and self.in_rows:
            given = attributes.get("r")
            if given:
                letters = given.rstrip("0123456789")
                column = self.letters.get(letters)
                if column is None:
                    column = self.letters[letters] = _column(letters)
                self.column = column or self.column
            else:
                self.column += 1
            if self.column > MAX_COLUMNS:
                raise _too_many_columns(self.column)
        elif name == _ROW:
            self.row = _row(attributes.get("r"), self.row)
            if self.row > MAX_ROWS:
                raise _too_many_rows(self.row)
            self.in_rows, self.column, self.elements = True, 0, 0
        elif name == _DIMENSION:
            _check_declared(attributes.get("ref", ""))
        if self.elements > (MAX_ROW_ELEMENTS if self.in_rows else MAX_OTHER_ELEMENTS):
            raise _too_complex()


def _row(given: str | None, before: int) -> int:
    if given is None:
        return before + 1
    try:
        return int(float(given))
    except (ValueError, OverflowError):
        return before  # openpyxl refuses it; the sheet cannot be opened


def _column(letters: str) -> int:
    """The column of a cell reference's letters; 0 for what openpyxl will refuse itself."""
    from openpyxl.utils.cell import column_index_from_string

    try:
        return column_index_from_string(letters)
    except (ValueError, TypeError):
        return 0


def _check_declared(ref: str) -> None:
    """The size a sheet declares (<dimension ref="A1:F300">), refused before it is read."""
    from openpyxl.utils.cell import range_boundaries

    try:
        _min_col, _min_row, max_col, max_row = range_boundaries(ref.upper())
    except (ValueError, TypeError):
        return
    if max_col is not None and max_col > MAX_COLUMNS:
        raise _too_many_columns(max_col)
    if max_row is not None and max_row > MAX_ROWS:
        raise _too_many_rows(max_row)


def _check_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """One part read through expat, as openpyxl's parser will read it (the same expat, the same
    encoding detection): refused at its DOCTYPE; a sheet counted to its end; anything else
    only up to its root element, and then held to MAX_PART_MB."""
    parser = expat.ParserCreate(namespace_separator="}")
    sheet: _SheetCounter | None = None

    def doctype(*_args: object) -> None:
        raise WorkbookProblem(
            _(
                "The Excel file declares a DOCTYPE or entities, which Excel never writes. It was "
                "not read."
            )
        )

    def root(name: str, attributes: dict[str, str]) -> None:
        nonlocal sheet
        if name != f"{_MAIN}}}worksheet":
            raise _Done
        sheet = _SheetCounter()
        sheet.start(name, attributes)
        parser.StartElementHandler = sheet.start

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Done:
        pass
    except expat.ExpatError:
        if sheet is not None:  # a damaged sheet: openpyxl would stop at the same place
            raise _cannot_open() from None
        # Not XML at all (a picture, a printer's settings): openpyxl does not parse it.
    except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, NotImplementedError):
        raise _cannot_open() from None  # damaged, encrypted, or packed in an unknown way
    if sheet is None and info.file_size > MAX_PART_MB * MB:
        raise WorkbookProblem(
            _(
                "A part of the Excel file besides its sheets (%(part)s) takes %(size)s MB "
                "unpacked; at most %(max)s MB is read. Copy the measurements into a new "
                "workbook and save it again."
            )
            % {"part": info.filename[:100], "size": _mb(info.file_size), "max": MAX_PART_MB}
        )


@dataclass
class Sheet:
    """The first sheet of a checked workbook: the rows it declares (0 if it declares none) and
    its rows as they come, numbered as a spreadsheet shows them, each as wide as its last cell
    (never padded to what the sheet declares). The workbook closes when the rows run out."""

    declared_rows: int
    rows: Iterator[tuple[int, tuple[Any, ...]]]


def read_first_sheet(data: bytes) -> Sheet:
    """The one way Målbild opens a workbook someone uploaded: :func:`check_archive` first,
    then openpyxl in read-only mode, formulas kept as formulas. WorkbookProblem for a file
    that is refused or cannot be read, also while its rows are read."""
    from openpyxl import load_workbook

    check_archive(data).close()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
    except Exception:  # openpyxl raises anything from KeyError to its own errors
        raise _cannot_open() from None
    declared = sheet.max_row or 0
    sheet.reset_dimensions()  # never pad a row to the declared width
    return Sheet(declared, _rows(book, sheet))


def _rows(book: Any, sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    try:
        number = 0
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception:
                raise _cannot_open() from None
            number += 1
            # Checked already, part by part; checked again in case openpyxl counts otherwise.
            if number > MAX_ROWS:
                raise _too_many_rows(number)
            if len(values) > MAX_COLUMNS:
                raise _too_many_columns(len(values))
            yield number, values
    finally:
        book.close()
