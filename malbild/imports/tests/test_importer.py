"""The file importer: good files in every accepted form, and every kind of bad input, each with
a clear message and nothing imported."""

from decimal import Decimal

import pytest
from django.utils import translation

from conftest import audit_events
from malbild.imports import services
from malbild.imports.models import ImportRun
from malbild.imports.tests.builders import (
    HEADER,
    all_measurements,
    csv_bytes,
    indicators_for,
    measurements_of,
    xlsx_bytes,
)
from malbild.indicators.tests.builders import make_indicator, make_measurement
from malbild.tenants.scope import scope

DONE, REJECTED = ImportRun.State.DONE, ImportRun.State.REJECTED


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run_import(cast, data: bytes, name: str = "matvarden.csv", org=None) -> ImportRun:
    org = org or cast.org
    with scope(org):
        return services.import_file_now(org, name=name, data=data)


def values(cast):
    return [
        (m.org_unit.code, m.indicator.code, m.period, m.gender, m.value, m.status)
        for m in measurements_of(cast.org)
    ]


@pytest.mark.django_db
def test_it_imports_a_semicolon_file_with_decimal_commas(cast):
    indicators_for(cast.org)
    run = run_import(
        cast,
        csv_bytes(
            "ASEN;BEH-LAR;2024;T;61,5;",
            "ASEN;BEH-LAR;2024;K;64;",
            "BERGA;BEH-LAR;2024;;;saknas",
            "ASEN;DIG-TERM;2024-ht;T;3.25;",
        ),
    )
    assert run.state == DONE, run.errors
    assert (run.rows_total, run.rows_created, run.rows_replaced) == (4, 4, 0)
    assert values(cast) == [
        ("ASEN", "BEH-LAR", "2024", "K", Decimal("64"), ""),
        ("ASEN", "BEH-LAR", "2024", "T", Decimal("61.5"), ""),
        ("BERGA", "BEH-LAR", "2024", "T", None, "saknas"),
        ("ASEN", "DIG-TERM", "2024-HT", "T", Decimal("3.25"), ""),
    ]
    measurement = measurements_of(cast.org)[0]
    assert measurement.import_run == str(run.pk)
    assert measurement.organisation_id == cast.org.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "bom", "separator"),
    [("utf-8", True, ";"), ("utf-8", False, ","), ("cp1252", False, ";"), ("cp1252", False, ",")],
)
def test_it_reads_utf8_with_or_without_bom_and_windows_1252(cast, encoding, bom, separator):
    indicators_for(cast.org)
    header = HEADER.replace(";", separator)
    row = separator.join(["ASEN", "BEH-LAR", "2024", "T", '"61,5"', ""])
    run = run_import(cast, csv_bytes(row, header=header, encoding=encoding, bom=bom))
    assert run.state == DONE, (run.message, run.errors)
    assert values(cast) == [("ASEN", "BEH-LAR", "2024", "T", Decimal("61.5"), "")]


@pytest.mark.django_db
def test_it_accepts_english_column_names_in_any_order(cast):
    indicators_for(cast.org)
    data = csv_bytes("61.5;2024;asen;beh-lar", header="value;period;unit_code;indicator_code")
    run = run_import(cast, data)
    assert run.state == DONE, run.errors
    assert values(cast) == [("ASEN", "BEH-LAR", "2024", "T", Decimal("61.5"), "")]


@pytest.mark.django_db
def test_it_imports_an_excel_file(cast):
    indicators_for(cast.org)
    data = xlsx_bytes(
        [
            ["enhet_kod", "indikator_kod", "period", "kön", "värde", "status"],
            ["ASEN", "BEH-LAR", 2024, "T", 61.5, None],
            ["BERGA", "BEH-LAR", "2024", "M", 12, ""],
        ]
    )
    run = run_import(cast, data, "matvarden.xlsx")
    assert run.state == DONE, (run.message, run.errors)
    assert values(cast) == [
        ("ASEN", "BEH-LAR", "2024", "T", Decimal("61.5"), ""),
        ("BERGA", "BEH-LAR", "2024", "M", Decimal("12"), ""),
    ]


@pytest.mark.django_db
def test_a_row_for_a_stored_key_replaces_its_value(cast):
    beh, _term = indicators_for(cast.org)
    make_measurement(beh, cast.school, "2024", "50")
    run = run_import(cast, csv_bytes("ASEN;BEH-LAR;2024;T;61,5;", "ASEN;BEH-LAR;2025;T;70;"))
    assert (run.rows_created, run.rows_replaced) == (1, 1)
    assert [v[4] for v in values(cast)] == [Decimal("61.5"), Decimal("70")]


@pytest.mark.django_db
def test_one_audit_event_refers_to_the_import_run(cast):
    indicators_for(cast.org)
    run = run_import(
        cast, csv_bytes(*[f"ASEN;BEH-LAR;{year};T;{year - 1960};" for year in range(2015, 2025)])
    )
    events = audit_events(organisation=cast.org, action__startswith="imports.")
    assert [(e.action, e.target_id) for e in events] == [
        ("imports.measurements_imported", str(run.pk))
    ]
    assert audit_events(action="indicators.measurement_saved") == []


# Bad input ----------------------------------------------------------------------------------------


def assert_nothing_imported(cast, run: ImportRun) -> str:
    assert run.state == REJECTED
    assert all_measurements() == []
    events = audit_events(organisation=cast.org, action__startswith="imports.")
    assert [e.action for e in events] == ["imports.import_failed"]
    return run.message or " ".join(message for _row, message in run.errors)


@pytest.mark.django_db
def test_an_empty_file_is_refused(cast):
    indicators_for(cast.org)
    assert "empty" in assert_nothing_imported(cast, run_import(cast, b""))
    assert "empty" in run_import(cast, b"\r\n \r\n").message


@pytest.mark.django_db
def test_a_header_without_rows_is_refused(cast):
    indicators_for(cast.org)
    run = run_import(cast, csv_bytes())
    assert "no measurements" in assert_nothing_imported(cast, run)


@pytest.mark.django_db
def test_unknown_and_missing_columns_are_named(cast):
    indicators_for(cast.org)
    run = run_import(
        cast,
        csv_bytes("ASEN;BEH-LAR;2024;61;x", header="enhet_kod;indikator_kod;period;värde;färg"),
    )
    message = assert_nothing_imported(cast, run)
    assert "unknown: färg" in message
    run = run_import(cast, csv_bytes("ASEN;2024;61", header="enhet_kod;period;värde"))
    assert "indikator_kod" in run.message
    assert "missing" in run.message


@pytest.mark.django_db
def test_unknown_units_and_indicators_and_another_organisations_are_errors(cast):
    indicators_for(cast.org)
    make_indicator(cast.ekby, "EKBY-IND")
    run = run_import(
        cast,
        csv_bytes(
            "NOPE;BEH-LAR;2024;T;1;",
            "EKS;BEH-LAR;2024;T;1;",  # Ekby's school
            "ASEN;NOPE;2024;T;1;",
            "ASEN;EKBY-IND;2024;T;1;",  # Ekby's indicator
            "ASEN;BEH-LAR;2024;T;1;",
        ),
    )
    assert_nothing_imported(cast, run)
    assert [(row, message) for row, message in run.errors] == [
        (2, "There is no unit with the code “NOPE” in Mittköping."),
        (3, "There is no unit with the code “EKS” in Mittköping."),
        (4, "There is no indicator with the code “NOPE” in Mittköping."),
        (5, "There is no indicator with the code “EKBY-IND” in Mittköping."),
    ]


@pytest.mark.django_db
def test_the_same_key_twice_is_an_error_naming_the_first_row(cast):
    indicators_for(cast.org)
    run = run_import(cast, csv_bytes("ASEN;BEH-LAR;2024;T;1;", "asen;beh-lar;2024;;2;"))
    assert_nothing_imported(cast, run)
    assert run.errors == [[3, "The same unit, indicator, period and gender as row 2."]]


@pytest.mark.django_db
def test_text_and_formulas_where_a_number_belongs_are_errors(cast):
    indicators_for(cast.org)
    run = run_import(
        cast,
        csv_bytes(
            "ASEN;BEH-LAR;2021;T;tolv;",
            "ASEN;BEH-LAR;2022;T;=A1*2;",
            "ASEN;BEH-LAR;2023;T;1.234,5;",
            "ASEN;BEH-LAR;2024;T;;",
            "ASEN;BEH-LAR;2025;X;3;",
            "ASEN;BEH-LAR;2025-HT;T;3;",
            "ASEN;BEH-LAR;2026;T;3;kanske",
            "ASEN;BEH-LAR;2027;T;3;saknas",
            "ASEN;BEH-LAR;2028;T;1e30;",
        ),
    )
    assert_nothing_imported(cast, run)
    messages = dict(run.errors)
    assert messages[2] == "“tolv” is not a number."
    assert messages[3] == "“=A1*2” is a formula; write the number itself."
    assert "thousands separators" in messages[4]
    assert "value is empty" in messages[5]
    assert "gender “X”" in messages[6]
    assert "period “2025-HT” does not fit" in messages[7]
    assert "status “kanske”" in messages[8]
    assert "must be empty" in messages[9]
    assert "too large" in messages[10]


@pytest.mark.django_db
def test_a_formula_in_an_excel_file_is_an_error(cast):
    indicators_for(cast.org)
    data = xlsx_bytes(
        [["enhet_kod", "indikator_kod", "period", "värde"], ["ASEN", "BEH-LAR", 2024, "=B2*2"]]
    )
    run = run_import(cast, data, "fil.xlsx")
    assert_nothing_imported(cast, run)
    assert run.errors == [[2, "“=B2*2” is a formula; write the number itself."]]


@pytest.mark.django_db
def test_a_wrong_file_type_renamed_to_csv_is_refused(cast):
    indicators_for(cast.org)
    workbook = xlsx_bytes([["enhet_kod"]])
    message = assert_nothing_imported(cast, run_import(cast, workbook, "matvarden.csv"))
    assert "not a CSV file" in message
    assert "not a CSV file" in run_import(cast, b"%PDF-1.7\n...", "a.csv").message
    assert "not an Excel file" in run_import(cast, csv_bytes("x"), "a.xlsx").message
    assert "neither" in run_import(cast, csv_bytes("x"), "a.docx").message


@pytest.mark.django_db
def test_a_50_mb_file_is_refused_before_it_is_read(cast):
    indicators_for(cast.org)
    row = b"ASEN;BEH-LAR;2024;T;1;\r\n"
    data = csv_bytes() + row * (50 * 1024 * 1024 // len(row))
    message = assert_nothing_imported(cast, run_import(cast, data))
    assert "at most 25 MB" in message
    assert runs_stored_no_file(cast)


def runs_stored_no_file(cast) -> bool:
    with scope(cast.org):
        return all(not run.stored_file for run in ImportRun.objects.all())


@pytest.mark.django_db
def test_one_bad_row_among_many_imports_nothing(cast):
    indicators_for(cast.org)
    good = [f"ASEN;BEH-LAR;{2000 + i % 30};T;{i};" for i in range(30)]
    run = run_import(cast, csv_bytes(*good, "ASEN;BEH-LAR;1999;T;x;"))
    assert_nothing_imported(cast, run)
    assert run.error_count == 1


@pytest.mark.django_db
def test_a_unit_lead_imports_only_for_their_subtree(cast):
    indicators_for(cast.org)
    with scope(cast.org):
        run = services.create_file_run(
            cast.org,
            name="f.csv",
            data=csv_bytes("ASEN;BEH-LAR;2024;T;1;", "BERGA;BEH-LAR;2024;T;1;"),
            user=cast.rektor,
            subtrees=[cast.school],
        )
        services.check_run(run)
    assert run.state == REJECTED
    assert run.errors == [
        [
            3,
            "You may import only for the units in your part of the organisation; "
            "BERGA is outside it.",
        ]
    ]


@pytest.mark.django_db
def test_the_importer_never_writes_another_organisations_ids(cast):
    beh, _term = indicators_for(cast.org)
    ekby_indicator = make_indicator(cast.ekby, "BEH-LAR")
    make_measurement(ekby_indicator, cast.ekby_school, "2024", "10")
    run = run_import(cast, csv_bytes("ASEN;BEH-LAR;2024;T;61;", "BERGA;beh-lar;2024;T;62;"))
    assert run.state == DONE
    for measurement in all_measurements():
        if measurement.import_run == str(run.pk):
            assert measurement.organisation_id == cast.org.pk
            assert measurement.indicator_id == beh.pk
            assert measurement.org_unit.organisation_id == cast.org.pk
    ekby = [m for m in all_measurements() if m.organisation_id == cast.ekby.pk]
    assert [(m.indicator_id, m.value) for m in ekby] == [(ekby_indicator.pk, Decimal("10"))]
