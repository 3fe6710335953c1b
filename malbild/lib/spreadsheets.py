"""Cells for the spreadsheets Målbild writes (Excel exports, CSV files): one place for the rule
that text a spreadsheet would run as a formula never leaves as a formula."""

from datetime import datetime
from typing import Any

from django.utils import timezone

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
