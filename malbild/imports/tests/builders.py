"""Small builders for the import tests: files in the measurement layout and the indicators and
runs they refer to."""

import io
from typing import Any

from malbild.imports.models import ImportRun
from malbild.indicators.models import Indicator, Measurement
from malbild.indicators.tests.builders import make_indicator
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope, unscoped

HEADER = "enhet_kod;indikator_kod;period;kön;värde;status"


def csv_bytes(
    *rows: str, header: str = HEADER, encoding: str = "utf-8", bom: bool = False
) -> bytes:
    text = "\r\n".join([header, *rows]) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def indicators_for(org: Organisation) -> tuple[Indicator, Indicator]:
    """A yearly indicator BEH-LAR and a per-term indicator DIG-TERM."""
    return (
        make_indicator(org, "BEH-LAR"),
        make_indicator(org, "DIG-TERM", periodicity="term", baseline_period="2023-HT"),
    )


def measurements_of(org: Organisation) -> list[Measurement]:
    with scope(org):
        return list(
            Measurement.objects.order_by("indicator__code", "org_unit__code", "period", "gender")
        )


def all_measurements() -> list[Measurement]:
    with unscoped():
        return list(Measurement.objects.all())


def runs(org: Organisation) -> list[ImportRun]:
    with scope(org):
        return list(ImportRun.objects.order_by("id"))


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"


def text_cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet_rows(*rows: list[str], first: int = 1) -> str:
    """`<row>` elements for rows of text cells, the first numbered `first`."""
    from openpyxl.utils import get_column_letter

    return "".join(
        f'<row r="{n}">'
        + "".join(text_cell(f"{get_column_letter(i)}{n}", v) for i, v in enumerate(row, 1) if v)
        + "</row>"
        for n, row in enumerate(rows, first)
    )


def sheet_xml(rows: str, dimension: str = "A1:D2", before: str = "", after: str = "") -> bytes:
    """A worksheet part as Excel writes one: its declared size, then the rows."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/>{before}<sheetData>{rows}</sheetData>{after}</worksheet>'
    ).encode()


def workbook(parts: dict[str, bytes]) -> bytes:
    """A workbook from openpyxl with `parts` (name: content) put in place of its own or added,
    packed as Excel packs them (deflate)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["enhet_kod"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, parts.pop(info.filename, source.read(info.filename)))
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()
