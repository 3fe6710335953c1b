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
