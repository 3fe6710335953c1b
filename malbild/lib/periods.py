"""Periods of measurements: a year (`2025`), a term (`2025-VT`, `2025-HT`) or a month
(`2025-03`), and their place on a time line for trajectories."""

import re
from dataclasses import dataclass

YEAR, TERM, MONTH = "year", "term", "month"
_PATTERNS = {
    YEAR: re.compile(r"^(\d{4})$"),
    TERM: re.compile(r"^(\d{4})-(VT|HT)$"),
    MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}


class PeriodError(ValueError):
    """A period that is malformed or of the wrong kind; the message says which form is wanted."""


@dataclass(frozen=True, order=True)
class Period:
    position: float  # years, e.g. 2025.5 for the autumn term of 2025
    text: str
    kind: str


def kind_of(text: str) -> str | None:
    value = text.strip().upper()
    for kind, pattern in _PATTERNS.items():
        if pattern.match(value):
            return kind
    return None


def parse(text: str, kind: str | None = None) -> Period:
    """Parse `text`; when `kind` is given, it must be of that kind (year, term or month)."""
    value = text.strip().upper()
    found = kind_of(value)
    if found is None:
        raise PeriodError(text)
    if kind is not None and found != kind:
        raise PeriodError(text)
    year = int(value[:4])
    if found == YEAR:
        return Period(float(year), value, found)
    if found == TERM:
        return Period(year + (0.5 if value.endswith("HT") else 0.0), value, found)
    month = int(value[5:7])
    return Period(year + (month - 1) / 12, value, found)


EXAMPLES = {YEAR: "2025", TERM: "2025-HT", MONTH: "2025-03"}
