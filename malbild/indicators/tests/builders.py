"""Small builders for the indicator tests: indicators, targets, measurements and a goal that an
indicator measures."""

from decimal import Decimal
from typing import Any

from malbild.goals.models import Goal, GoalIndicator
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.lib import periods
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope, unscoped


def make_indicator(
    org: Organisation,
    code: str = "BEH-LAR",
    *,
    baseline: str = "50",
    baseline_period: str = "2022",
    **fields: Any,
) -> Indicator:
    values = {
        "name": "Andel behöriga lärare",
        "unit_of_measure": "%",
        "direction": "higher",
        "periodicity": "year",
        **fields,
    }
    with scope(org):
        return Indicator.objects.create(
            organisation=org,
            code=code,
            baseline_value=Decimal(baseline),
            baseline_period=baseline_period,
            **values,
        )


def make_target(indicator: Indicator, period: str, value: str) -> IndicatorTarget:
    with scope(indicator.organisation):
        return IndicatorTarget.objects.create(
            organisation=indicator.organisation,
            indicator=indicator,
            period=period,
            position=periods.parse(period).position,
            value=Decimal(value),
        )


def make_measurement(
    indicator: Indicator, unit: OrgUnit, period: str, value: str | None, gender: str = "T"
) -> Measurement:
    with scope(indicator.organisation):
        return Measurement.objects.create(
            organisation=indicator.organisation,
            indicator=indicator,
            org_unit=unit,
            period=period,
            position=periods.parse(period).position,
            gender=gender,
            value=None if value is None else Decimal(value),
            status="saknas" if value is None else "",
        )


def make_goal_measured_by(indicator: Indicator, unit: OrgUnit) -> Goal:
    """An active goal of `unit` under a directly adopted målbild, measured by `indicator`."""
    org = indicator.organisation
    with scope(org):
        vision = TargetVision.objects.create(
            organisation=org,
            number=1,
            status=TargetVision.Status.ADOPTED,
            title="Digitalt lärande för alla",
            statement="Alla elever använder digitala verktyg med omdöme.",
            start_year=2022,
            end_year=2026,
            change_motive="Omvärlden förändras.",
            if_nothing_changes="Eleverna halkar efter.",
        )
        area = FocusArea.objects.create(organisation=org, name="Kompetens")
        goal = Goal.objects.create(
            organisation=org,
            target_vision=vision,
            focus_area=area,
            unit=unit,
            title="Fler behöriga lärare",
            status=Goal.Status.ACTIVE,
        )
        GoalIndicator.objects.create(organisation=org, goal=goal, indicator=indicator)
    return goal


def fresh(obj: Any) -> Any:
    with unscoped():
        return type(obj).objects.get(pk=obj.pk)


def indicators(org: Organisation) -> list[Indicator]:
    with scope(org):
        return list(Indicator.objects.all())


def targets(indicator: Indicator) -> list[IndicatorTarget]:
    with scope(indicator.organisation):
        return list(IndicatorTarget.objects.filter(indicator=indicator).order_by("position"))


def measurements(indicator: Indicator) -> list[Measurement]:
    with scope(indicator.organisation):
        return list(Measurement.objects.filter(indicator=indicator))
