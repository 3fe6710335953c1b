"""Small builders for the goal tests: an adopted målbild, goals, evidence, indicators with
measurements. They write with the models directly (inside `scope`), so a test starts from the
state it needs without going through the views or services it may be testing."""

from decimal import Decimal
from typing import Any

from malbild.goals.models import Contribution, Evidence, Goal, GoalIndicator
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.lib import periods
from malbild.targets.models import FocusArea, TargetVision
from malbild.targets.tests.builders import make_investment, make_version
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope, unscoped

Status = Goal.Status


def adopt(org: Organisation, **fields: Any) -> TargetVision:
    """An adopted version 1 with its decision, the four focus areas and one investment."""
    version = make_version(org, 1, TargetVision.Status.ADOPTED, **fields)
    make_investment(version, "Fortbildning i digital didaktik", amount_per_year=800_000)
    return version


def area(org: Organisation, name: str = "Kompetens") -> FocusArea:
    with scope(org):
        return FocusArea.objects.get(name=name)


def make_goal(
    org: Organisation,
    unit: OrgUnit,
    title: str = "Alla elever har digital kompetens",
    *,
    parent: Goal | None = None,
    status: str = Status.DRAFT,
    focus_area: str = "Kompetens",
    **fields: Any,
) -> Goal:
    with scope(org):
        target = TargetVision.objects.get(status=TargetVision.Status.ADOPTED)
        return Goal.objects.create(
            organisation=org,
            target_vision=target,
            focus_area=FocusArea.objects.get(name=focus_area),
            unit=unit,
            parent=parent,
            title=title,
            status=status,
            **fields,
        )


def add_research(goal: Goal, title: str = "Digitala verktyg i undervisningen") -> Evidence:
    with scope(goal.organisation):
        return Evidence.objects.create(
            organisation=goal.organisation,
            goal=goal,
            kind=Evidence.Kind.RESEARCH,
            title=title,
            url="https://www.skolverket.se/forskning",
            summary="Det som görs med verktygen avgör.",
        )


def make_indicator(
    org: Organisation,
    code: str = "DIGKOMP",
    *,
    baseline: str = "40",
    baseline_period: str = "2022",
    targets: dict[str, str] | None = None,
) -> Indicator:
    """An indicator (higher is better, per year) with dated targets (default 80 by 2026)."""
    with scope(org):
        indicator = Indicator.objects.create(
            organisation=org,
            code=code,
            name="Andel elever med godtagbar digital kompetens",
            unit_of_measure="%",
            baseline_value=Decimal(baseline),
            baseline_period=baseline_period,
        )
        for period, value in (targets or {"2026": "80"}).items():
            IndicatorTarget.objects.create(
                organisation=org,
                indicator=indicator,
                period=period,
                position=periods.parse(period).position,
                value=Decimal(value),
            )
    return indicator


def measure(indicator: Indicator, unit: OrgUnit, period: str, value: str) -> Measurement:
    with scope(indicator.organisation):
        return Measurement.objects.create(
            organisation=indicator.organisation,
            indicator=indicator,
            org_unit=unit,
            period=period,
            position=periods.parse(period).position,
            value=Decimal(value),
        )


def link(goal: Goal, indicator: Indicator, weight: str = "1") -> GoalIndicator:
    """The indicator measures the goal and counts as its evidence (as `services.link_indicator`
    leaves it, without recalculating)."""
    with scope(goal.organisation):
        Evidence.objects.create(
            organisation=goal.organisation,
            goal=goal,
            kind=Evidence.Kind.INDICATOR,
            title=str(indicator),
            indicator=indicator,
        )
        return GoalIndicator.objects.create(
            organisation=goal.organisation, goal=goal, indicator=indicator, weight=Decimal(weight)
        )


def contribute(goal: Goal, to_goal: Goal, weight: str = "1") -> Contribution:
    with scope(goal.organisation):
        return Contribution.objects.create(
            organisation=goal.organisation, goal=goal, to_goal=to_goal, weight=Decimal(weight)
        )


def fresh(obj: Any) -> Any:
    with unscoped():
        return type(obj).objects.get(pk=obj.pk)


def goals(org: Organisation) -> list[Goal]:
    with scope(org):
        return list(Goal.objects.order_by("id"))


def evidence(goal: Goal) -> list[Evidence]:
    with scope(goal.organisation):
        return list(Evidence.objects.filter(goal=goal).order_by("id"))
