"""Malformed files never crash the importer and never import part of a file (hypothesis)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from malbild.imports import services
from malbild.imports.models import ImportRun
from malbild.imports.tests.builders import HEADER, all_measurements, indicators_for
from malbild.tenants.scope import scope

GOOD = ["ASEN;BEH-LAR;2024;T;61,5;", "BERGA;BEH-LAR;2023;K;12;", "ASEN;DIG-TERM;2024-HT;T;3;"]
cells = st.sampled_from(
    ["ASEN", "BERGA", "EKS", "BEH-LAR", "DIG-TERM", "2024", "2024-HT", "T", "K", "X", "61,5",
     "1.234,5", "=A1", "tolv", "saknas", "", "\"", ";", "\x00", "é", "1e99", "'=1"]
)  # fmt: skip
row = st.lists(cells, min_size=0, max_size=8).map(";".join)
bad_text = st.lists(st.one_of(row, st.sampled_from(GOOD)), min_size=0, max_size=12).map(
    lambda rows: "\r\n".join([HEADER, *rows])
)
raw_bytes = st.binary(max_size=400)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def attempt(cast, data: bytes, name: str) -> ImportRun:
    with scope(cast.org):
        return services.import_file_now(cast.org, name=name, data=data)


def assert_all_or_nothing(run: ImportRun, before: int) -> None:
    after = len(all_measurements())
    if run.state == ImportRun.State.DONE:
        assert after - before <= run.rows_total
        assert run.error_count == 0
    else:
        assert run.state == ImportRun.State.REJECTED
        assert after == before
        assert run.message or run.errors


@pytest.mark.django_db
@SETTINGS
@given(text=bad_text, encoding=st.sampled_from(["utf-8", "cp1252", "utf-8-sig"]))
def test_malformed_csv_never_crashes_and_never_imports_part(cast_once, text, encoding):
    before = len(all_measurements())
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    run = attempt(cast_once, data, "f.csv")
    assert_all_or_nothing(run, before)
    bad_rows = [line for line in text.split("\r\n")[1:] if line not in GOOD and line.strip(";")]
    if bad_rows:
        assert run.state == ImportRun.State.REJECTED


@pytest.mark.django_db
@SETTINGS
@given(data=raw_bytes, name=st.sampled_from(["f.csv", "f.xlsx", "f.txt"]))
def test_random_bytes_never_crash_and_never_import(cast_once, data, name):
    before = len(all_measurements())
    run = attempt(cast_once, data, name)
    assert_all_or_nothing(run, before)


@pytest.fixture
def cast_once(cast):
    indicators_for(cast.org)
    return cast
