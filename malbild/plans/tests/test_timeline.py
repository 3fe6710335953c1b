"""The timeline's layout: months covered, bars placed and cut at the window's edges."""

from datetime import date
from types import SimpleNamespace

from malbild.plans.timeline import build


def activity(start, end):
    return SimpleNamespace(starts_on=start, ends_on=end)


def test_it_covers_the_months_of_the_activities():
    timeline = build(
        [activity(date(2026, 2, 10), date(2026, 4, 2)), activity(date(2026, 3, 1),
                                                                  date(2026, 7, 31))],
        today=date(2026, 3, 15),
    )  # fmt: skip
    assert timeline is not None
    assert next(m.first for m in timeline.months) == date(2026, 2, 1)
    assert len(timeline.months) == 6
    assert [m.is_current for m in timeline.months].index(True) == 1
    first, second = timeline.bars
    assert (first.before, first.span, first.after) == (0, 3, 3)
    assert (second.before, second.span, second.after) == (1, 5, 0)
    assert all(b.before + b.span + b.after == 6 for b in timeline.bars)


def test_a_long_plan_is_cut_around_today():
    timeline = build([activity(date(2020, 1, 1), date(2030, 12, 31))], date(2026, 6, 15), 24)
    assert timeline is not None
    assert len(timeline.months) == 24
    assert timeline.months[0].first == date(2025, 12, 1)
    (bar,) = timeline.bars
    assert bar.continues_before
    assert bar.continues_after
    assert bar.span == 24


def test_an_activity_outside_the_window_gets_an_empty_row():
    timeline = build(
        [activity(date(2020, 1, 1), date(2020, 2, 1)), activity(date(2026, 1, 1),
                                                                 date(2027, 12, 1))],
        date(2026, 6, 1), 24,
    )  # fmt: skip
    assert timeline is not None
    old = timeline.bars[0]
    assert old.span == 0
    assert old.before == 24


def test_years_span_their_months():
    timeline = build([activity(date(2025, 11, 1), date(2026, 2, 1))], date(2026, 1, 1))
    assert timeline is not None
    assert [(y.year, y.span) for y in timeline.years] == [(2025, 2), (2026, 2)]


def test_no_activities_no_timeline():
    assert build([], date(2026, 1, 1)) is None
