"""Cells leave Målbild's spreadsheets as text, never as formulas."""

from datetime import UTC, datetime

import pytest

from malbild.lib.spreadsheets import CELL_LIMIT, cell, defuse


@pytest.mark.parametrize("text", ["=SUM(A1)", "+1", "-x", "@cmd", "\tx", "\rx"])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert defuse(text) == "'" + text
    assert cell(text) == "'" + text


def test_other_values_leave_as_they_are():
    assert defuse("Åsens skola") == "Åsens skola"
    assert cell(42) == 42
    assert cell(None) is None


def test_text_is_cut_to_what_a_cell_keeps():
    assert len(cell("x" * (CELL_LIMIT + 10))) == CELL_LIMIT


def test_aware_times_become_local_and_naive():
    value = cell(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
    assert value == datetime(2026, 6, 1, 12, 0)  # Europe/Stockholm in summer
    assert value.tzinfo is None
