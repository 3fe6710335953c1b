"""Exports in the import layout: a file goes out and back in unchanged."""

import io

import pytest
from django.urls import reverse

from malbild.imports import files, measurements, services
from malbild.imports.models import ImportRun
from malbild.imports.tests.builders import csv_bytes, indicators_for, measurements_of
from malbild.lib import spreadsheets
from malbild.tenants.scope import scope

ROWS = (
    "ASEN;BEH-LAR;2023;T;55;",
    "ASEN;BEH-LAR;2024;K;64,25;",
    "ASEN;BEH-LAR;2024;M;-0,5;",
    "ASEN;BEH-LAR;2024;T;61,5;",
    "BERGA;BEH-LAR;2024;T;;saknas",
    "ASEN;DIG-TERM;2024-VT;T;3,1234;",
    "ASEN;DIG-TERM;2024-HT;T;1000000;",
)


def export_csv(org) -> bytes:
    out = io.StringIO()
    with scope(org):
        files.write_csv(measurements.export_rows(org), out)
    return out.getvalue().encode("utf-8")


def export_xlsx(org) -> bytes:
    out = io.BytesIO()
    with scope(org):
        files.write_xlsx(measurements.export_rows(org, numbers=True), out)
    return out.getvalue()


def snapshot(org):
    return [
        (m.org_unit_id, m.indicator_id, m.period, m.gender, m.value, m.status)
        for m in measurements_of(org)
    ]


def reimport(org, data: bytes, name: str) -> ImportRun:
    with scope(org):
        return services.import_file_now(org, name=name, data=data)


@pytest.mark.django_db
def test_a_csv_file_goes_out_and_back_in_unchanged(cast):
    indicators_for(cast.org)
    original = csv_bytes(*ROWS)
    assert reimport(cast.org, original, "in.csv").state == ImportRun.State.DONE
    exported = export_csv(cast.org)
    assert exported == original
    before = snapshot(cast.org)
    run = reimport(cast.org, exported, "ut.csv")
    assert (run.state, run.rows_created, run.rows_replaced) == ("done", 0, len(ROWS))
    assert snapshot(cast.org) == before
    assert export_csv(cast.org) == exported


@pytest.mark.django_db
def test_an_excel_file_goes_out_and_back_in_unchanged(cast):
    indicators_for(cast.org)
    reimport(cast.org, csv_bytes(*ROWS), "in.csv")
    before = snapshot(cast.org)
    run = reimport(cast.org, export_xlsx(cast.org), "ut.xlsx")
    assert run.state == ImportRun.State.DONE, run.errors
    assert snapshot(cast.org) == before
    assert export_csv(cast.org) == csv_bytes(*ROWS)


@pytest.mark.django_db
def test_text_that_looks_like_a_formula_gets_an_apostrophe_and_loses_it_again():
    assert spreadsheets.defuse("=SUM(A1)") == "'=SUM(A1)"
    assert spreadsheets.defuse("-x") == "'-x"
    assert spreadsheets.defuse("ASEN") == "ASEN"
    from malbild.imports.measurements import _unquote

    assert _unquote("'=SUM(A1)") == "=SUM(A1)"


@pytest.mark.django_db
def test_every_member_downloads_the_export(client, cast):
    indicators_for(cast.org)
    reimport(cast.org, csv_bytes(*ROWS), "in.csv")
    client.force_login(cast.teacher)
    url = reverse("imports:export", args=["mittkoping"])
    assert client.get(url).status_code == 200  # the form
    response = client.get(url, {"format": "csv", "indicator": ""})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == csv_bytes(*ROWS)
    response = client.get(url, {"format": "xlsx"})
    assert response.content.startswith(b"PK")


@pytest.mark.django_db
def test_the_export_of_one_indicator_has_only_its_rows(client, cast):
    beh, _term = indicators_for(cast.org)
    reimport(cast.org, csv_bytes(*ROWS), "in.csv")
    client.force_login(cast.admin)
    response = client.get(
        reverse("imports:export", args=["mittkoping"]), {"format": "csv", "indicator": beh.pk}
    )
    assert response.content == csv_bytes(*ROWS[:5])


@pytest.mark.django_db
def test_another_organisations_indicator_is_not_a_choice(client, cast):
    from malbild.indicators.tests.builders import make_indicator

    other = make_indicator(cast.ekby, "EKBY")
    client.force_login(cast.admin)
    response = client.get(
        reverse("imports:export", args=["mittkoping"]), {"format": "csv", "indicator": other.pk}
    )
    assert response.status_code == 200
    assert "indicator" in response.context["form"].errors
