"""Trends as small line charts (DESIGN.md §2), drawn from the series that `goals.progress`
stores beside progress, so that a page draws them without a query of its own:

* an indicator's values for the goal's unit over time against the plan through its baseline
  and targets (`GoalIndicator.series`), on the goal's page, with the figures in words beside it
  and every value in a small table under it;
* a goal's progress over time against the progress planned by then (`Goal.series`), in goal
  lists (the dashboards, the public pages of a unit's goals), its first and latest figures in
  words beside it.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from malbild.goals.models import Goal, GoalIndicator
from malbild.indicators.templatetags.indicators import measure
from malbild.lib import charts

ONE = Decimal(1)


def _decimal(text: Any) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def percent(value: Decimal) -> str:
    """A percentage in whole numbers, rounded as the pages' `floatformat` rounds (half up): the
    same text as `floatformat(value, 0)` (a whole number has no decimal separator, and no
    thousands separator is used), without its cost: a dashboard writes a hundred and more."""
    return f"{int(Decimal(str(value)).quantize(ONE, ROUND_HALF_UP))}\u00a0%"


@dataclass
class Value:
    """One row of the table beside an indicator's trend: a period, its value and the plan."""

    period: str
    position: float
    measured: Decimal | None = None
    planned: Decimal | None = None


@dataclass
class Trend:
    """An indicator's trend for the goal's unit."""

    link: GoalIndicator
    values: list[Value] = field(default_factory=list)
    chart: SafeString | None = None

    @property
    def latest(self) -> Value | None:
        return next((v for v in reversed(self.values) if v.measured is not None), None)

    @property
    def target(self) -> Value | None:
        """The last target, if any (the baseline alone is not one)."""
        plan = self.link.series.get("plan") or []
        if len(plan) < 2:
            return None
        period = plan[-1][0]
        return next((v for v in self.values if v.period == period), None)


def _describe_link(trend: Trend) -> str:
    unit = trend.link.indicator.unit_of_measure
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


def link_trend(link: GoalIndicator, unit_name: str) -> Trend:
    """The trend of one of a goal's indicators (no query: needs `link.indicator`)."""
    series = link.series or {}
    values: dict[str, Value] = {}
    for period, position, value, *_progress in series.get("measured", []):
        values[period] = Value(period, position, measured=_decimal(value))
    for period, position, value in series.get("plan", []):
        values.setdefault(period, Value(period, position)).planned = _decimal(value)
    trend = Trend(link, sorted(values.values(), key=lambda v: v.position))
    if trend.latest is not None:
        trend.chart = charts.sparkline(
            [charts.Point(v.position, v.period, float(v.measured))
             for v in trend.values if v.measured is not None],
            [charts.Point(v.position, v.period, float(v.planned))
             for v in trend.values if v.planned is not None],
            title=_("%(indicator)s for %(unit)s over time, against the plan")
            % {"indicator": link.indicator.name, "unit": unit_name},
            description=_describe_link(trend),
        )  # fmt: skip
    return trend


@dataclass(frozen=True)
class GoalPoint:
    period: str
    progress: Decimal
    expected: Decimal | None

    @property
    def text(self) -> str:
        return percent(self.progress)


@dataclass
class GoalTrend:
    """A goal's progress over time: its first and latest point and the small chart (None with
    fewer than two periods: one point is no trend, and the progress bar shows it)."""

    points: list[GoalPoint]
    chart: SafeString | None

    @property
    def first(self) -> GoalPoint | None:
        return self.points[0] if self.points else None

    @property
    def latest(self) -> GoalPoint | None:
        return self.points[-1] if self.points else None


def _describe_goal(points: list[GoalPoint]) -> str:
    values = []
    for point in points:
        if point.expected is None:
            values.append(f"{point.period} {percent(point.progress)}")
        else:
            values.append(
                _("%(period)s %(progress)s (planned %(expected)s)")
                % {
                    "period": point.period,
                    "progress": percent(point.progress),
                    "expected": percent(point.expected),
                }
            )
    return _("Progress by period: %(values)s.") % {"values": ", ".join(values)}


def goal_trend(goal: Goal, key: str = "") -> GoalTrend:
    """The progress of `goal` over its latest periods against the plan (no query). `key` (such
    as "goal-12") gives the image the same ids on every drawing, for cacheable public pages."""
    points = [
        GoalPoint(period, Decimal(progress), _decimal(expected))
        for period, _position, progress, expected in goal.series or []
    ]
    placed = list(zip([row[1] for row in goal.series or []], points, strict=True))
    if len(points) < 2:
        return GoalTrend(points, None)
    chart = charts.sparkline(
        [charts.Point(x, p.period, float(p.progress)) for x, p in placed],
        [charts.Point(x, p.period, float(p.expected)) for x, p in placed if p.expected is not None],
        title=_("Progress of the goal over time: %(first)s in %(start)s, %(latest)s in %(end)s")
        % {"first": percent(points[0].progress), "start": points[0].period,
           "latest": percent(points[-1].progress), "end": points[-1].period},
        description=_describe_goal(points),
        domain=(0.0, 100.0),
        plan_end=False,
        key=key,
    )  # fmt: skip
    return GoalTrend(points, chart)
