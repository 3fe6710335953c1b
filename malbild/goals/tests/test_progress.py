"""Progress and roll-up as DESIGN.md §3 defines them."""

from decimal import Decimal

import pytest

from malbild.goals import progress
from malbild.goals.models import Contribution, Goal, GoalIndicator
from malbild.goals.tasks import verify_progress
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.lib import periods
from malbild.targets.models import FocusArea, TargetVision
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
              direction="higher"):  # fmt: skip
    with scope(org):
        ind = Indicator.objects.create(
            organisation=org, code=code, name=code, unit_of_measure="%", direction=direction,
            periodicity="year", baseline_value=Decimal(baseline), baseline_period=base_period,
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
