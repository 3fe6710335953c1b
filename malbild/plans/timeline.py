"""The action plan's timeline: activities as bars over months, laid out as table cells (colspan),
so that it needs no inline styles (CSP) and no JavaScript. Pure: no queries."""

from dataclasses import dataclass
from datetime import date
from typing import Any

MAX_MONTHS = 24


@dataclass(frozen=True)
class Month:
    first: date
    is_current: bool

    @property
    def starts_year(self) -> bool:
        return self.first.month == 1


@dataclass(frozen=True)
class Bar:
    activity: Any
    before: int  # empty months before the bar
    span: int  # months the bar covers
    after: int  # empty months after it
    continues_before: bool  # the activity started before the first month shown
    continues_after: bool  # it ends after the last month shown


@dataclass(frozen=True)
class Year:
    year: int
    span: int


@dataclass(frozen=True)
class Timeline:
    months: list[Month]
    bars: list[Bar]

    @property
    def years(self) -> list[Year]:
        found: list[Year] = []
        for month in self.months:
            if found and found[-1].year == month.first.year:
                found[-1] = Year(month.first.year, found[-1].span + 1)
            else:
                found.append(Year(month.first.year, 1))
        return found


def _index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def build(activities: list[Any], today: date, max_months: int = MAX_MONTHS) -> Timeline | None:
    """Bars for `activities` (with `starts_on` and `ends_on`) over the months they cover, at
    most `max_months`: when they cover more, the window starts six months before today (or at
    the first start, if later), and bars are cut at its edges."""
    if not activities:
        return None
    first = min(_index(a.starts_on) for a in activities)
    last = max(_index(a.ends_on) for a in activities)
    if last - first + 1 > max_months:
        first = max(first, min(_index(today) - 6, last - max_months + 1))
        last = first + max_months - 1
    count = last - first + 1
    current = _index(today)
    months = [Month(_month(i), i == current) for i in range(first, last + 1)]
    bars = []
    for activity in activities:
        start, end = _index(activity.starts_on), _index(activity.ends_on)
        shown_start, shown_end = max(start, first), min(end, last)
        if shown_start > last or shown_end < first:
            bars.append(Bar(activity, count, 0, 0, start < first, end > last))
            continue
        bars.append(
            Bar(
                activity,
                before=shown_start - first,
                span=shown_end - shown_start + 1,
                after=last - shown_end,
                continues_before=start < first,
                continues_after=end > last,
            )
        )
    return Timeline(months, bars)
