"""An Excel file cannot make the importer exhaust memory or time: the declared and the real rows
and columns, the archive's unpacked sizes, its parts and their packing, and any DTD are checked
before a row is built, and each refusal names its limit."""

import os
import tracemalloc

import pytest
from django.utils import translation

from malbild.imports import files, services
from malbild.imports.models import ImportRun
from malbild.imports.tests.builders import (
    HEADER,
    SHEET,
    all_measurements,
    indicators_for,
    sheet_rows,
    sheet_xml,
    text_cell,
    workbook,
    xlsx_bytes,
)
from malbild.lib import spreadsheets
from malbild.tenants.scope import scope

REJECTED = ImportRun.State.REJECTED
COLUMNS = HEADER.split(";")
ROW = ["ASEN", "BEH-LAR", "2024", "T", "61,5", ""]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def refused(cast, data: bytes) -> str:
    """The message of a run that imported nothing."""
    with scope(cast.org):
        run = services.import_file_now(cast.org, name="matvarden.xlsx", data=data)
    assert run.state == REJECTED, run.errors
    assert all_measurements() == []
    return run.message


def rows_of(count: int) -> str:
    return sheet_rows(COLUMNS, *([ROW] * count))


@pytest.mark.django_db
def test_a_small_file_declaring_the_largest_sheet_is_refused_before_a_row_is_built(cast):
    indicators_for(cast.org)
    data = workbook({SHEET: sheet_xml(rows_of(1000), dimension="A1:XFD1048576")})
    assert len(data) < 30_000
    tracemalloc.start()
    try:
        message = refused(cast, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "reaches column XFD; at most 100 columns (up to CV)" in message
    assert peak < 10 * 1024 * 1024  # padded to what it declares, it took 190 MB


@pytest.mark.django_db
def test_a_sheet_declaring_too_many_rows_is_refused(cast):
    data = workbook({SHEET: sheet_xml(rows_of(2), dimension="A1:F600000")})
    assert "The sheet has 600,000 rows; at most 500,000 rows" in refused(cast, data)


@pytest.mark.django_db
def test_a_cell_beyond_the_last_column_is_refused_whatever_the_sheet_declares(cast):
    rows = sheet_rows(COLUMNS) + f'<row r="2">{text_cell("XFD2", "x")}</row>'
    data = workbook({SHEET: sheet_xml(rows, dimension="A1:F2")})
    assert "reaches column XFD; at most 100 columns" in refused(cast, data)


@pytest.mark.django_db
def test_a_row_beyond_the_last_row_is_refused_whatever_the_sheet_declares(cast):
    rows = sheet_rows(COLUMNS) + f'<row r="1048576">{text_cell("A1048576", "x")}</row>'
    data = workbook({SHEET: sheet_xml(rows, dimension="A1:F2")})
    assert "The sheet has 1,048,576 rows; at most 500,000 rows" in refused(cast, data)


@pytest.mark.django_db
def test_a_row_or_a_sheet_of_too_many_elements_is_refused(cast, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_ROW_ELEMENTS", 50)
    monkeypatch.setattr(spreadsheets, "MAX_OTHER_ELEMENTS", 50)
    runs = "".join("<r><t>a</t></r>" for _ in range(30))  # rich text: one cell, 60 elements
    rows = sheet_rows(COLUMNS) + f'<row r="2"><c r="A2" t="inlineStr"><is>{runs}</is></c></row>'
    assert "at most 50 XML elements in a row" in refused(cast, workbook({SHEET: sheet_xml(rows)}))
    merged = "<mergeCells>" + '<mergeCell ref="A1:B1"/>' * 60 + "</mergeCells>"
    data = workbook({SHEET: sheet_xml(rows_of(1), after=merged)})
    assert "and 50 outside the rows" in refused(cast, data)


@pytest.mark.django_db
def test_an_archive_unpacking_beyond_the_limit_is_refused_before_it_is_parsed(cast, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_MB", 1)
    data = workbook({SHEET: sheet_xml(rows_of(6000))})
    assert "unpacked; at most 1 MB can be read" in refused(cast, data)


@pytest.mark.django_db
def test_a_part_packed_like_a_zip_bomb_is_refused(cast):
    data = workbook({SHEET: sheet_xml(rows_of(1), before=" " * (5 * 1024 * 1024))})
    assert len(data) < 30_000
    assert "more than the 100 times a real workbook reaches" in refused(cast, data)


@pytest.mark.django_db
def test_an_archive_of_too_many_parts_is_refused(cast):
    data = workbook({f"xl/media/{n}.bin": b"" for n in range(1001)})
    assert "holds more than 1,000 parts" in refused(cast, data)


@pytest.mark.django_db
def test_a_large_part_besides_the_sheets_is_refused(cast, monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_PART_MB", 1)
    styles = xlsx_part("xl/styles.xml")
    noise = os.urandom(768 * 1024).hex().encode()  # 1.5 MB that does not pack
    data = workbook({"xl/styles.xml": b"<!--" + noise + b"-->" + styles})
    assert "(xl/styles.xml) takes 1.5 MB unpacked; at most 1 MB" in refused(cast, data)


def xlsx_part(name: str) -> bytes:
    import io
    import zipfile

    return zipfile.ZipFile(io.BytesIO(xlsx_bytes([["x"]]))).read(name)


LAUGHS = (
    '<!DOCTYPE {root} [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


@pytest.mark.django_db
@pytest.mark.parametrize("codec", ["utf-8", "utf-16"])
def test_a_dtd_in_any_part_is_refused_whatever_the_encoding(cast, codec):
    declaration = f'<?xml version="1.0" encoding="{codec}"?>'
    rows = sheet_rows(COLUMNS, ["&c;", "BEH-LAR", "2024", "T", "1", ""])
    sheet = sheet_xml(rows).decode().replace('<?xml version="1.0" encoding="UTF-8"?>', "")
    data = workbook({SHEET: (declaration + LAUGHS.format(root="worksheet") + sheet).encode(codec)})
    assert "declares a DOCTYPE or entities" in refused(cast, data)
    styles = xlsx_part("xl/styles.xml").decode()
    data = workbook({"xl/styles.xml": (LAUGHS.format(root="styleSheet") + styles).encode()})
    assert "declares a DOCTYPE or entities" in refused(cast, data)


@pytest.mark.django_db
def test_rows_keep_the_numbers_the_spreadsheet_shows(cast):
    indicators_for(cast.org)
    rows = sheet_rows(COLUMNS, ROW, ["NOPE", "BEH-LAR", "2025", "T", "1", ""], first=3)
    with scope(cast.org):
        run = services.import_file_now(
            cast.org, name="m.xlsx", data=workbook({SHEET: sheet_xml(rows, "A3:F5")})
        )
    assert run.errors == [[5, "There is no unit with the code “NOPE” in Mittköping."]]


@pytest.mark.django_db
def test_a_good_workbook_still_imports_with_its_declared_size(cast):
    indicators_for(cast.org)
    rows = sheet_rows(COLUMNS, ROW, ["BERGA", "BEH-LAR", "2024", "T", "58", ""])
    with scope(cast.org):
        run = services.import_file_now(
            cast.org, name="m.xlsx", data=workbook({SHEET: sheet_xml(rows, "A1:CV3")})
        )
    assert run.state == ImportRun.State.DONE, (run.message, run.errors)
    assert len(all_measurements()) == 2


def test_a_small_excel_file_that_unpacks_large_is_checked_by_the_worker():
    sheet = sheet_xml(rows_of(8000))
    data = workbook({SHEET: sheet})
    assert len(data) < services.BACKGROUND_BYTES < len(sheet)
    run = ImportRun(details={"format": files.XLSX})
    assert services.in_background(run, data)
    assert not services.in_background(ImportRun(details={"format": files.CSV}), b"x" * 1000)
