"""An indicator's progress and its traffic light, as DESIGN.md §3 defines them (no queries).

Progress is linear from the baseline to the (last) target, capped to 0–100 %; the planned
progress follows straight lines from the baseline through each dated target. The light compares
progress with the plan: on track at 95 % of plan or more, at risk from 80 %, off track below.
`goals.progress` builds goals' and units' progress from these readings.
"""

import itertools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.lib import periods


class Light(models.TextChoices):
    """A traffic light: always shown with its words and a shape, never by colour alone."""

    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    OFF_TRACK = "off_track", _("off track")
    NO_DATA = "no_data", _("no data yet")


ON_TRACK, AT_RISK = Decimal("0.95"), Decimal("0.80")
ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True)
class Reading:
    progress: Decimal | None
    expected: Decimal | None


def one_decimal(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _clamp(value: Decimal) -> Decimal:
    return max(Decimal(0), min(Decimal(100), value))


def indicator_reading(
    indicator: Indicator, targets: list[IndicatorTarget], latest: Measurement | None
) -> Reading:
    """Progress and planned progress of one indicator, from its latest measurement (no query)."""
    if latest is None or latest.value is None or not targets:
        return Reading(None, None)
    baseline = indicator.baseline_value
    base_position = periods.parse(indicator.baseline_period).position
    final = targets[-1]
    span = final.value - baseline
    if span == 0:
        return Reading(None, None)
    progress = _clamp((latest.value - baseline) / span * 100)
    # The plan: straight lines from the baseline through each dated target.
    points = [(base_position, baseline)] + [(t.position, t.value) for t in targets]
    planned = points[-1][1]
    if latest.position <= points[0][0]:
        planned = baseline
    else:
        for (p1, v1), (p2, v2) in itertools.pairwise(points):
            if p1 <= latest.position <= p2 and p2 > p1:
                share = Decimal(str((latest.position - p1) / (p2 - p1)))
                planned = v1 + (v2 - v1) * share
                break
    expected = _clamp((planned - baseline) / span * 100)
    return Reading(one_decimal(progress), one_decimal(expected))


def light(progress: Decimal | None, expected: Decimal | None) -> str:
    if progress is None:
        return Light.NO_DATA
    if not expected:
        return Light.ON_TRACK
    ratio = progress / expected
    if ratio >= ON_TRACK:
        return Light.ON_TRACK
    if ratio >= AT_RISK:
        return Light.AT_RISK
    return Light.OFF_TRACK
