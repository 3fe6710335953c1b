"""How the values that measure a goal have moved: for each indicator linked to the goal, its
values for the goal's unit over time against the plan from the baseline to the targets, drawn as
a sparkline with the figures in words and in a small table beside it (DESIGN.md §2)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from malbild.goals.models import Goal, GoalIndicator
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.indicators.templatetags.indicators import measure
from malbild.lib import charts, periods

SHOWN_PERIODS = 12  # the latest periods of each indicator; its own page has them all


@dataclass
class Value:
    """One row of the table beside the sparkline: a period, its measured value and the plan."""

    period: str
    position: float
    measured: Decimal | None = None
    planned: Decimal | None = None


@dataclass
class Trend:
    indicator: Indicator
    values: list[Value] = field(default_factory=list)
    chart: SafeString | None = None

    @property
    def latest(self) -> Value | None:
        return next((v for v in reversed(self.values) if v.measured is not None), None)

    @property
    def target(self) -> Value | None:
        """The last target, if any (the baseline is not one)."""
        last = self.values[-1] if self.values else None
        base = self.indicator.baseline_period.strip().upper()
        return last if last and last.planned is not None and last.period != base else None


def _plan(indicator: Indicator, targets: list[IndicatorTarget]) -> list[tuple[float, str, Decimal]]:
    try:
        base = periods.parse(indicator.baseline_period)
    except periods.PeriodError:
        found = []
    else:
        found = [(base.position, base.text, indicator.baseline_value)]
    return found + [(t.position, t.period, t.value) for t in targets]


def _describe(trend: Trend) -> str:
    unit = trend.indicator.unit_of_measure
    measured = [v for v in trend.values if v.measured is not None]
    parts = [
        _("Measured: %(values)s.")
        % {"values": ", ".join(f"{v.period} {measure(v.measured)} {unit}" for v in measured)}
    ]
    target = trend.target
    if target is not None and target.planned is not None:
        parts.append(
            _("Target %(value)s %(unit)s by %(period)s.")
            % {"value": measure(target.planned), "unit": unit, "period": target.period}
        )
    else:
        parts.append(_("No target has been set."))
    return " ".join(parts)


def goal_trends(goal: Goal, links: list[GoalIndicator]) -> dict[int, Trend]:
    """Each linked indicator's trend for the goal's unit, by the link's id: its latest periods
    (all genders) and the plan through its baseline and targets (two queries, none without
    links)."""
    if not links:
        return {}
    indicator_ids = [link.indicator_id for link in links]
    measured: dict[int, list[Measurement]] = {}
    for m in Measurement.objects.filter(
        indicator_id__in=indicator_ids,
        org_unit_id=goal.unit_id,
        gender=Measurement.Gender.ALL,
        value__isnull=False,
    ).order_by("indicator_id", "position"):
        measured.setdefault(m.indicator_id, []).append(m)
    targets: dict[int, list[IndicatorTarget]] = {}
    for t in IndicatorTarget.objects.filter(indicator_id__in=indicator_ids).order_by(
        "indicator_id", "position"
    ):
        targets.setdefault(t.indicator_id, []).append(t)
    found = {}
    for link in links:
        indicator = link.indicator
        values: dict[str, Value] = {}
        for m in measured.get(indicator.pk, [])[-SHOWN_PERIODS:]:
            values[m.period] = Value(m.period, m.position, measured=m.value)
        for position, text, value in _plan(indicator, targets.get(indicator.pk, [])):
            values.setdefault(text, Value(text, position)).planned = value
        trend = Trend(indicator, sorted(values.values(), key=lambda v: v.position))
        if trend.latest is not None:
            trend.chart = charts.sparkline(
                [charts.Point(v.position, v.period, float(v.measured))
                 for v in trend.values if v.measured is not None],
                [charts.Point(v.position, v.period, float(v.planned))
                 for v in trend.values if v.planned is not None],
                title=_("%(indicator)s for %(unit)s over time, against the plan")
                % {"indicator": indicator.name, "unit": goal.unit.name},
                description=_describe(trend),
            )  # fmt: skip
        found[link.pk] = trend
    return found
