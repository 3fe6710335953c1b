"""The stored series behind the trend lines: kept with progress by `goals.progress` whenever a
value, a target or the breakdown changes, filled for existing rows by the data migration, and
drawn by `goals.trends` without a query."""

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps

from malbild.goals import progress, trends
from malbild.goals.models import Goal, GoalIndicator
from malbild.goals.tests.builders import adopt, fresh, link, make_goal, make_indicator, measure
from malbild.indicators import services as indicator_services
from malbild.indicators.models import Measurement
from malbild.tenants.scope import scope, unscoped

Status = Goal.Status


@pytest.fixture
def measured(cast):
    """Åsens skola's active goal, breaking down the förvaltning's, measured by an indicator from
    40 % (2022) towards 80 % by 2026, with values for 2023 and 2024."""
    adopt(cast.org)
    top = make_goal(cast.org, cast.root, "Alla elever har digital kompetens", status=Status.ACTIVE)
    school = make_goal(cast.org, cast.school, "Åsens elever skapar digitalt", parent=top,
                       status=Status.ACTIVE)  # fmt: skip
    indicator = make_indicator(cast.org)
    link(school, indicator)
    for period, value in (("2023", "48"), ("2024", "56")):
        measure(indicator, cast.school, period, value)
    measure(indicator, cast.team, "2024", "99")  # another unit's value is not the goal's
    with scope(cast.org):
        progress.recalculate([school.pk])
    return top, school, indicator


def link_of(goal):
    with scope(goal.organisation):
        return GoalIndicator.objects.get(goal=goal)


def save(cast, indicator, period, value=None, status=Measurement.Status.OK):
    with scope(cast.org):
        indicator_services.save_measurement(
            indicator, cast.school, None, period=period, value=value, status=status
        )


def test_a_link_keeps_its_units_values_with_their_progress_and_the_plan(cast, measured):
    _top, school, _indicator = measured
    series = link_of(school).series
    # 48 is 20 % of the way from 40 to 80; the plan had reached 25 % by 2023.
    assert series["measured"] == [
        ["2023", 2023.0, "48", "20", "25"],
        ["2024", 2024.0, "56", "40", "50"],
    ]
    assert series["plan"] == [["2022", 2022.0, "40"], ["2026", 2026.0, "80"]]


def test_a_goal_keeps_its_progress_per_period_and_so_does_the_goal_it_breaks_down(cast, measured):
    top, school, _indicator = measured
    expected = [["2023", 2023.0, "20", "25"], ["2024", 2024.0, "40", "50"]]
    assert fresh(school).series == expected
    assert fresh(top).series == expected  # its only part is the school's goal
    assert fresh(top).progress == Decimal("40.0")


def test_the_series_follows_a_value_added_changed_and_removed(cast, measured):
    top, school, indicator = measured
    save(cast, indicator, "2025", "68")  # added
    assert link_of(school).series["measured"][-1] == ["2025", 2025.0, "68", "70", "75"]
    assert fresh(school).series[-1] == ["2025", 2025.0, "70", "75"]
    assert fresh(top).series[-1] == ["2025", 2025.0, "70", "75"]
    save(cast, indicator, "2024", "52")  # changed
    assert link_of(school).series["measured"][1] == ["2024", 2024.0, "52", "30", "50"]
    assert fresh(top).series[1] == ["2024", 2024.0, "30", "50"]
    save(cast, indicator, "2025", status=Measurement.Status.MISSING)  # removed
    assert [p[0] for p in link_of(school).series["measured"]] == ["2023", "2024"]
    assert [p[0] for p in fresh(top).series] == ["2023", "2024"]
    assert fresh(top).progress == Decimal("30.0")


def test_the_series_follows_the_targets(cast, measured):
    _top, school, indicator = measured
    with scope(cast.org):
        indicator_services.add_target(indicator, None, period="2028", value="90")
    series = link_of(school).series
    assert series["plan"][-1] == ["2028", 2028.0, "90"]
    # Now 48 is 16 % of the way from 40 to 90.
    assert series["measured"][0][3] == "16"


def test_a_goal_reads_each_part_at_its_latest_period_at_or_before(cast):
    """Two indicators measured in different years: each year the goal's progress is the mean of
    both parts as they stood then."""
    adopt(cast.org)
    goal = make_goal(cast.org, cast.school, status=Status.ACTIVE)
    first = make_indicator(cast.org, "FORSTA")
    second = make_indicator(cast.org, "ANDRA")
    link(goal, first)
    link(goal, second)
    measure(first, cast.school, "2023", "48")  # 20 %
    measure(second, cast.school, "2024", "60")  # 50 %
    measure(first, cast.school, "2025", "64")  # 60 %
    with scope(cast.org):
        progress.recalculate([goal.pk])
    assert [(p[0], p[2]) for p in fresh(goal).series] == [
        ("2023", "20"),  # only the first had a value
        ("2024", "35"),  # 20 and 50
        ("2025", "55"),  # 60 and 50
    ]
    assert fresh(goal).progress == Decimal("55.0")


def test_a_series_keeps_the_latest_periods_only(cast):
    adopt(cast.org)
    goal = make_goal(cast.org, cast.school, status=Status.ACTIVE)
    indicator = make_indicator(cast.org, targets={"2030": "80"}, baseline_period="2010")
    link(goal, indicator)
    for year in range(2011, 2025):
        measure(indicator, cast.school, str(year), str(40 + year - 2011))
    with scope(cast.org):
        progress.recalculate([goal.pk])
    kept = [p[0] for p in link_of(goal).series["measured"]]
    assert kept == [str(y) for y in range(2025 - progress.SERIES_POINTS, 2025)]
    assert [p[0] for p in fresh(goal).series] == kept


def test_the_data_migration_fills_the_series_of_existing_rows(cast, measured):
    top, school, _indicator = measured
    before = (link_of(school).series, fresh(school).series, fresh(top).series)
    migration = importlib.import_module("malbild.goals.migrations.0005_series")
    with unscoped():
        Goal.objects.update(series=[])
        GoalIndicator.objects.update(series={})
        migration.fill(apps, None)
    assert (link_of(school).series, fresh(school).series, fresh(top).series) == before


def test_the_trends_are_drawn_from_the_stored_series_without_a_query(
    cast, measured, django_assert_num_queries
):
    _top, school, _indicator = measured
    with scope(cast.org):
        found = GoalIndicator.objects.select_related("indicator").get(goal=school)
        goal = Goal.objects.get(pk=school.pk)
    with django_assert_num_queries(0):
        trend = trends.link_trend(found, "Åsens skola")
        goal_trend = trends.goal_trend(goal, key="trend-1")
    svg = str(trend.chart)
    assert 'role="img"' in svg
    assert "Mätt: 2023 48 %, 2024 56 %. Målvärde 80 % till 2026." in svg
    # Not the other unit's 99 in what the chart says (its markup has random ids).
    assert "99" not in re.sub(r"<[^>]*>", " ", svg)
    assert [(v.period, v.measured, v.planned) for v in trend.values] == [
        ("2022", None, Decimal("40")),
        ("2023", Decimal("48"), None),
        ("2024", Decimal("56"), None),
        ("2026", None, Decimal("80")),
    ]
    assert trend.target is not None
    assert trend.target.period == "2026"
    goal_svg = str(goal_trend.chart)
    assert 'aria-labelledby="chart-trend-1-title"' in goal_svg
    assert "2023 20\u00a0% (planerat 25\u00a0%), 2024 40\u00a0% (planerat 50\u00a0%)" in goal_svg


def test_a_goal_with_one_period_has_no_trend_to_draw(cast):
    adopt(cast.org)
    goal = make_goal(cast.org, cast.school, status=Status.ACTIVE)
    indicator = make_indicator(cast.org)
    link(goal, indicator)
    measure(indicator, cast.school, "2024", "60")
    with scope(cast.org):
        progress.recalculate([goal.pk])
    trend = trends.goal_trend(fresh(goal))
    assert trend.chart is None
    assert trend.latest is not None
    assert trend.latest.text == "50\u00a0%"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_percent_writes_what_floatformat_writes(language):
    """`percent` replaced `floatformat(value, 0)` for speed: the same text for every stored
    value (one decimal, 0 to 100 % and beyond, halves rounded up, negatives, minus zero)."""
    from django.template.defaultfilters import floatformat
    from django.utils import translation

    values = [Decimal(n) / 10 for n in range(-1000, 15001, 7)]
    values += [Decimal(text) for text in ["0.5", "-0.5", "-0.4", "99.5", "2.45", "0", "-0.0"]]
    values += [Decimal("12.50"), Decimal("1E+2"), Decimal("33.333")]
    with translation.override(language):
        for value in values:
            assert trends.percent(value) == f"{floatformat(value, 0)}\u00a0%", value
