"""Progress and roll-up as DESIGN.md §3 defines them."""

from decimal import Decimal

import pytest

from malbild.goals import progress
from malbild.goals.models import Contribution, Goal, GoalIndicator
from malbild.goals.tasks import verify_progress
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.lib import periods
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.models import OrgUnit
from malbild.tenants.scope import scope


@pytest.fixture
def world(cast):
    with scope(cast.org):
        vision = TargetVision.objects.create(
            organisation=cast.org, number=1, status="adopted", title="Målbild", statement="S",
            start_year=2024, end_year=2028, change_motive="M", if_nothing_changes="N",
        )  # fmt: skip
        area = FocusArea.objects.create(organisation=cast.org, name="Kompetens")
    cast.vision, cast.area_focus = vision, area
    return cast


def indicator(org, code, baseline="50", base_period="2024", targets=(("2028", "90"),),
              direction="higher", periodicity="year"):  # fmt: skip
    with scope(org):
        ind = Indicator.objects.create(
            organisation=org, code=code, name=code, unit_of_measure="%", direction=direction,
            periodicity=periodicity, baseline_value=Decimal(baseline),
            baseline_period=base_period,
        )  # fmt: skip
        for period, value in targets:
            IndicatorTarget.objects.create(
                organisation=org, indicator=ind, period=period, value=Decimal(value),
                position=periods.parse(period).position,
            )  # fmt: skip
        return ind


def measure(org, ind, unit, period, value):
    with scope(org):
        Measurement.objects.update_or_create(
            organisation=org, indicator=ind, org_unit=unit, period=period, gender="T",
            defaults={"value": Decimal(value), "position": periods.parse(period).position},
        )  # fmt: skip
        progress.recalculate(progress.goals_measured_by(ind.pk, unit.pk))


def enter(w, ind, unit, period, value):
    """A value entered, recalculated as the signal of a value entered does."""
    with scope(w.org):
        Measurement.objects.update_or_create(
            organisation=w.org, indicator=ind, org_unit=unit, period=period, gender="T",
            defaults={"value": Decimal(value), "position": periods.parse(period).position},
        )  # fmt: skip
        progress.recalculate_measured_by(ind.pk, unit.pk)


def goal(w, unit, title, parent=None, weight="1", status="active"):
    with scope(w.org):
        g = Goal.objects.create(
            organisation=w.org, target_vision=w.vision, focus_area=w.area_focus, unit=unit,
            title=title, parent=parent, weight=Decimal(weight), status=status,
        )  # fmt: skip
        progress.recalculate([g.pk])
        return g


def link(w, g, ind, weight="1"):
    with scope(w.org):
        GoalIndicator.objects.create(
            organisation=w.org, goal=g, indicator=ind, weight=Decimal(weight)
        )
        progress.recalculate([g.pk])


def fresh(org, obj):
    with scope(org):
        return type(obj).objects.get(pk=obj.pk)


# What the tree in the last test stores (computed before the calculation was made cheaper).
PINNED = {
    "goals": {
        "Arbetslagets mål": [
            "50.0",
            "50.0",
            "on_track",
            [["2025", 2025.0, "20", "25"], ["2026", 2026.0, "50", "50"]],
        ],
        "Bergas andra mål": ["75.0", "28.6", "on_track", [["2025-VT", 2025.0, "75", "28.6"]]],
        "Bergas mål": [
            "62.5",
            "50.0",
            "on_track",
            [["2025", 2025.0, "20", "25"], ["2026", 2026.0, "62.5", "50"]],
        ],
        "Förvaltningens mål": [
            "56.4",
            "43.9",
            "on_track",
            [
                ["2024", 2024.0, "5", "0"],
                ["2024-HT", 2024.5, "10", "9.5"],
                ["2025", 2025.0, "34.9", "26.6"],
                ["2025-HT", 2025.5, "37.6", "29.6"],
                ["2026", 2026.0, "56.4", "43.9"],
            ],
        ],
        "Stängt mål": ["None", "None", "no_data", []],
        "Åsens mål": [
            "54.3",
            "41.9",
            "on_track",
            [
                ["2024", 2024.0, "5", "0"],
                ["2024-HT", 2024.5, "10", "9.5"],
                ["2025", 2025.0, "39.8", "27.1"],
                ["2025-HT", 2025.5, "43.4", "31.1"],
                ["2026", 2026.0, "54.3", "41.9"],
            ],
        ],
    },
    "links": {
        "Arbetslagets mål C-FRA": [
            "50.0",
            "50.0",
            {
                "measured": [
                    ["2025", 2025.0, "17", "20", "25"],
                    ["2026", 2026.0, "12.5", "50", "50"],
                ],
                "plan": [["2024", 2024.0, "20"], ["2028", 2028.0, "5"]],
            },
        ],
        "Bergas andra mål B-LAS": [
            "75.0",
            "28.6",
            {
                "measured": [["2025-VT", 2025.0, "70", "75", "28.6"]],
                "plan": [["2024-VT", 2024.0, "40"], ["2027-HT", 2027.5, "80"]],
            },
        ],
        "Bergas mål A-BEH": [
            "62.5",
            "50.0",
            {
                "measured": [
                    ["2025", 2025.0, "58", "20", "25"],
                    ["2026", 2026.0, "75", "62.5", "50"],
                ],
                "plan": [["2024", 2024.0, "50"], ["2026", 2026.0, "70"], ["2028", 2028.0, "90"]],
            },
        ],
        "Åsens mål A-BEH": [
            "45.0",
            "50.0",
            {
                "measured": [
                    ["2024", 2024.0, "52", "5", "0"],
                    ["2025", 2025.0, "61.5", "28.8", "25"],
                    ["2026", 2026.0, "68", "45", "50"],
                ],
                "plan": [["2024", 2024.0, "50"], ["2026", 2026.0, "70"], ["2028", 2028.0, "90"]],
            },
        ],
        "Åsens mål B-LAS": [
            "42.5",
            "42.9",
            {
                "measured": [
                    ["2024-HT", 2024.5, "45", "12.5", "14.3"],
                    ["2025-VT", 2025.0, "52", "30", "28.6"],
                    ["2025-HT", 2025.5, "57", "42.5", "42.9"],
                ],
                "plan": [["2024-VT", 2024.0, "40"], ["2027-HT", 2027.5, "80"]],
            },
        ],
    },
    "units": {
        "Arbetslag F-3": "50.0",
        "Barn- och utbildningsförvaltningen": "56.4",
        "Berga skola": "68.8",
        "Norra området": "None",
        "Åsens skola": "54.3",
    },
}


@pytest.mark.django_db
def test_an_indicator_moves_linearly_from_baseline_to_target_capped(world):
    ind = indicator(world.org, "BEH")
    g = goal(world, world.school, "Fler behöriga")
    link(world, g, ind)
    measure(world.org, ind, world.school, "2026", "70")  # halfway from 50 to 90
    assert fresh(world.org, g).progress == Decimal("50.0")
    measure(world.org, ind, world.school, "2026", "120")  # past the target
    assert fresh(world.org, g).progress == Decimal("100.0")
    measure(world.org, ind, world.school, "2026", "30")  # below the baseline
    assert fresh(world.org, g).progress == Decimal("0.0")


@pytest.mark.django_db
def test_lower_is_better_counts_downwards(world):
    ind = indicator(
        world.org, "ELEVDATOR", baseline="4", targets=(("2028", "1"),), direction="lower"
    )
    g = goal(world, world.school, "Fler datorer")
    link(world, g, ind)
    measure(world.org, ind, world.school, "2026", "2.5")
    assert fresh(world.org, g).progress == Decimal("50.0")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "light"),
    [("70", "on_track"), ("67", "at_risk"), ("60", "off_track")],
)
def test_the_light_compares_with_the_planned_trajectory(world, value, light):
    # Planned in 2026: halfway (50 %). 70 → 50 % (on track); 67 → 42.5 % = 85 % of plan
    # (at risk); 60 → 25 % = 50 % of plan (off track).
    ind = indicator(world.org, "BEH")
    g = goal(world, world.school, "Fler behöriga")
    link(world, g, ind)
    measure(world.org, ind, world.school, "2026", value)
    assert fresh(world.org, g).light == light


@pytest.mark.django_db
def test_a_goal_without_data_says_so(world):
    g = goal(world, world.school, "Inget mätt ännu")
    assert fresh(world.org, g).progress is None
    assert fresh(world.org, g).light == "no_data"


@pytest.mark.django_db
def test_progress_rolls_up_through_weighted_children_and_units(world):
    ind = indicator(world.org, "BEH")
    top = goal(world, world.root, "Förvaltningens mål")
    asen = goal(world, world.school, "Åsens mål", parent=top, weight="3")
    berga = goal(world, world.other_school, "Bergas mål", parent=top, weight="1")
    link(world, asen, ind)
    link(world, berga, ind)
    measure(world.org, ind, world.school, "2026", "90")  # 100 %
    measure(world.org, ind, world.other_school, "2026", "50")  # 0 %
    assert fresh(world.org, top).progress == Decimal("75.0")  # (3·100 + 1·0) / 4
    assert fresh(world.org, world.school).progress == Decimal("100.0")
    assert fresh(world.org, world.root).progress == Decimal("75.0")
    # The area owns no goals: child units are not added again.
    assert fresh(world.org, world.area).progress is None


@pytest.mark.django_db
def test_a_contribution_counts_in_the_goal_it_helps(world):
    ind = indicator(world.org, "BEH")
    helped = goal(world, world.other_school, "Bergas mål")
    helper = goal(world, world.school, "Åsens mål")
    link(world, helper, ind)
    with scope(world.org):
        Contribution.objects.create(organisation=world.org, goal=helper, to_goal=helped, weight=2)
        progress.recalculate([helper.pk])
    measure(world.org, ind, world.school, "2026", "70")
    assert fresh(world.org, helped).progress == Decimal("50.0")


@pytest.mark.django_db
def test_the_nightly_check_finds_drift_and_changes_nothing(world, caplog):
    ind = indicator(world.org, "BEH")
    g = goal(world, world.school, "Mål")
    link(world, g, ind)
    measure(world.org, ind, world.school, "2026", "70")
    assert verify_progress.call() == 0
    with scope(world.org):
        Goal.objects.filter(pk=g.pk).update(progress=Decimal("12.0"))
    assert verify_progress.call() == 1
    assert "Progress drift" in caplog.text
    assert fresh(world.org, g).progress == Decimal("12.0")


@pytest.mark.django_db
def test_a_closed_child_no_longer_counts(world):
    ind = indicator(world.org, "BEH")
    top = goal(world, world.root, "Förvaltningens mål")
    child = goal(world, world.school, "Åsens mål", parent=top)
    link(world, child, ind)
    measure(world.org, ind, world.school, "2026", "90")
    assert fresh(world.org, top).progress == Decimal("100.0")
    with scope(world.org):
        Goal.objects.filter(pk=child.pk).update(status="closed")
        progress.recalculate([child.pk])
    assert fresh(world.org, top).progress is None


@pytest.mark.django_db
def test_many_goals_are_recalculated_in_one_go(world):
    # SQLite refuses an expression deeper than 1,000 terms: the lookup must not grow per goal.
    ind = indicator(world.org, "BEH")
    with scope(world.org):
        goals = Goal.objects.bulk_create(
            Goal(organisation=world.org, target_vision=world.vision, focus_area=world.area_focus,
                 unit=world.school, title=f"Mål {i}", status="active")
            for i in range(1200)
        )  # fmt: skip
        GoalIndicator.objects.bulk_create(
            GoalIndicator(organisation=world.org, goal=g, indicator=ind) for g in goals
        )
    measure(world.org, ind, world.school, "2026", "70")
    with scope(world.org):
        assert set(Goal.objects.values_list("progress", flat=True)) == {Decimal("50.0")}
    assert fresh(world.org, world.school).progress == Decimal("50.0")


def snapshot(org):
    """Every stored figure of the goals, links and units, by title, code and name."""
    with scope(org):
        goals = {
            g.title: [str(g.progress), str(g.expected), g.light, g.series]
            for g in Goal.objects.all()
        }
        links = {
            f"{link.goal.title} {link.indicator.code}": [
                str(link.progress),
                str(link.expected),
                link.series,
            ]
            for link in GoalIndicator.objects.select_related("goal", "indicator")
        }
        units = {u.name: str(u.progress) for u in OrgUnit.objects.all()}
    return {"goals": goals, "links": links, "units": units}


@pytest.mark.django_db
def test_a_tree_of_parents_contributions_indicators_and_units_keeps_its_figures(world):
    # Pinned figures: a change that makes the calculation cheaper must not move one of them. A
    # yearly and a termly indicator share positions (2025 and 2025-VT), so the order in which
    # a goal's parts combine shows in the periods its series names.
    yearly = indicator(world.org, "A-BEH", targets=(("2026", "70"), ("2028", "90")))
    termly = indicator(world.org, "B-LAS", baseline="40", base_period="2024-VT",
                       targets=(("2027-HT", "80"),), periodicity="term")  # fmt: skip
    lower = indicator(world.org, "C-FRA", baseline="20", targets=(("2028", "5"),),
                      direction="lower")  # fmt: skip
    top = goal(world, world.root, "Förvaltningens mål")
    asen = goal(world, world.school, "Åsens mål", parent=top, weight="3")
    berga = goal(world, world.other_school, "Bergas mål", parent=top, weight="1")
    team = goal(world, world.team, "Arbetslagets mål", parent=asen, weight="2")
    goal(world, world.area, "Stängt mål", parent=top, status="closed")
    helper = goal(world, world.other_school, "Bergas andra mål")
    link(world, asen, yearly)
    link(world, asen, termly, weight="2")
    link(world, berga, yearly, weight="2")
    link(world, team, lower)
    link(world, helper, termly)
    with scope(world.org):
        Contribution.objects.create(organisation=world.org, goal=helper, to_goal=asen, weight=2)
        progress.recalculate([helper.pk])
    for period, value in [("2024", "52"), ("2025", "61.5"), ("2026", "66")]:
        enter(world, yearly, world.school, period, value)
    for period, value in [("2025", "58"), ("2026", "75")]:
        enter(world, yearly, world.other_school, period, value)
    for period, value in [("2024-HT", "45"), ("2025-VT", "52"), ("2025-HT", "57")]:
        enter(world, termly, world.school, period, value)
    enter(world, termly, world.other_school, "2025-VT", "70")
    for period, value in [("2025", "17"), ("2026", "12.5")]:
        enter(world, lower, world.team, period, value)
    enter(world, yearly, world.school, "2026", "68")  # a value corrected
    assert snapshot(world.org) == PINNED
    # The same figures computed afresh, every goal at once (as the nightly check does).
    with scope(world.org):
        GoalIndicator.objects.update(progress=None, expected=None, series={})
        Goal.objects.update(progress=None, expected=None, light="no_data", series=[])
        OrgUnit.objects.update(progress=None)
        progress.recalculate(Goal.objects.values_list("pk", flat=True))
    assert snapshot(world.org) == PINNED
