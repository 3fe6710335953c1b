import pytest
from hypothesis import given
from hypothesis import strategies as st

from malbild.lib.periods import MONTH, TERM, YEAR, PeriodError, parse


def test_each_kind_is_read_and_placed_on_the_time_line():
    assert parse("2025").position == 2025.0
    assert parse("2025-ht").text == "2025-HT"
    assert parse("2025-HT").position == 2025.5
    assert parse("2025-03").kind == MONTH
    assert parse("2025-VT") < parse("2025-HT") < parse("2026")


@pytest.mark.parametrize("text", ["", "25", "2025-13", "2025-XT", "2025/03", "år 2025"])
def test_malformed_periods_are_refused(text):
    with pytest.raises(PeriodError):
        parse(text)


def test_a_period_of_the_wrong_kind_is_refused():
    with pytest.raises(PeriodError):
        parse("2025-03", YEAR)
    assert parse("2025-VT", TERM).kind == TERM


@given(st.integers(2000, 2100), st.integers(1, 12))
def test_months_keep_their_order(year, month):
    assert parse(f"{year}-{month:02}").position < parse(f"{year + 1}").position + 1
