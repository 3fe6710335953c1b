"""Mittköping's demo goals: broken down to schools, with evidence, indicators with a few years
of measurements, and stored progress that the nightly check agrees with."""

import pytest
from django.db.models import Count, Exists, OuterRef

from malbild.demo import content
from malbild.goals import progress
from malbild.goals.models import Evidence, Goal, GoalIndicator
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.lib import periods
from malbild.targets.models import TargetVision
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

Light = Goal.Light
Status = Goal.Status


@pytest.fixture
def mittkoping(demo):
    organisation = Organisation.objects.get(slug="mittkoping")
    with scope(organisation):
        yield organisation


def rows() -> dict[str, int]:
    return {
        "goals": Goal.objects.count(),
        "links": GoalIndicator.objects.count(),
        "evidence": Evidence.objects.count(),
        "indicators": Indicator.objects.count(),
        "targets": IndicatorTarget.objects.count(),
        "measurements": Measurement.objects.count(),
    }


def test_loading_twice_changes_nothing(mittkoping):
    before = rows()
    stored = list(Goal.objects.values_list("pk", "progress", "light").order_by("pk"))
    content.load()
    assert rows() == before
    assert list(Goal.objects.values_list("pk", "progress", "light").order_by("pk")) == stored


def test_ekby_gets_no_goals(mittkoping):
    with scope(Organisation.objects.get(slug="ekby")):
        assert not Goal.objects.exists()
        assert not Indicator.objects.exists()


def test_the_förvaltning_goals_are_broken_down_to_at_least_three_schools(mittkoping):
    top = OrgUnit.objects.get(code="BUF")
    schools = set(
        Goal.objects.filter(parent__unit=top, unit__kind=OrgUnit.Kind.SCHOOL).values_list(
            "unit__code", flat=True
        )
    )
    assert len(schools) >= 3
    assert "ASEN" in schools
    broken_down = Goal.objects.filter(unit=top).annotate(n=Count("children")).filter(n__gte=3)
    assert broken_down.count() >= 3


def test_every_goal_is_set_under_the_adopted_målbild(mittkoping):
    adopted = TargetVision.objects.get(status=TargetVision.Status.ADOPTED)
    assert adopted.number == 2
    assert set(Goal.objects.values_list("target_vision_id", flat=True)) == {adopted.pk}
    assert Goal.objects.values("focus_area").distinct().count() >= 3


def test_every_active_goal_has_evidence(mittkoping):
    without = Goal.objects.filter(status=Status.ACTIVE).exclude(
        Exists(Evidence.objects.filter(goal=OuterRef("pk")))
    )
    assert list(without) == []
    kinds = set(Evidence.objects.values_list("kind", flat=True))
    assert {Evidence.Kind.INDICATOR, Evidence.Kind.RESEARCH, Evidence.Kind.STEERING} <= kinds


def test_indicator_evidence_matches_the_indicator_links(mittkoping):
    linked = set(GoalIndicator.objects.values_list("goal_id", "indicator_id"))
    cited = set(
        Evidence.objects.filter(kind=Evidence.Kind.INDICATOR).values_list("goal_id", "indicator_id")
    )
    assert linked == cited
    assert all(e.steering_change_id for e in Evidence.objects.filter(kind="steering"))


def test_a_draft_without_evidence_is_there_to_be_noticed(mittkoping):
    drafts = Goal.objects.filter(status=Status.DRAFT).exclude(
        Exists(Evidence.objects.filter(goal=OuterRef("pk")))
    )
    assert drafts.filter(unit__code="ASEN").exists()


def test_there_is_a_goal_in_every_state_of_the_traffic_light(mittkoping):
    lights = set(Goal.objects.filter(status=Status.ACTIVE).values_list("light", flat=True))
    assert lights == set(Light.values)


def test_the_stored_progress_is_what_the_rules_say(mittkoping):
    assert progress.verify() == []
    assert OrgUnit.objects.get(code="BUF").progress is not None
    assert OrgUnit.objects.get(code="ASEN").progress is not None


def test_the_indicators_have_baselines_targets_ahead_and_years_of_measurements(mittkoping):
    assert 4 <= Indicator.objects.count() <= 6
    for indicator in Indicator.objects.all():
        baseline = periods.parse(indicator.baseline_period, indicator.periodicity)
        targets = list(indicator.targets.all())
        assert 1 <= len(targets) <= 2
        assert all(t.position > baseline.position for t in targets)
        assert all(t.position == periods.parse(t.period, indicator.periodicity).position
                   for t in targets)  # fmt: skip
    measured = Measurement.objects.filter(gender="T").values("indicator__code", "org_unit__code")
    per_series = measured.annotate(n=Count("pk"))
    assert all(row["n"] >= 3 for row in per_series)
    asen = {row["indicator__code"] for row in per_series if row["org_unit__code"] == "ASEN"}
    assert len(asen) >= 3
    for m in Measurement.objects.select_related("indicator"):
        assert m.position == periods.parse(m.period, m.indicator.periodicity).position


def test_some_goals_express_the_platforms_values(mittkoping):
    assert Goal.objects.filter(values__isnull=False).distinct().count() >= 3
