"""This app's routes in the permission matrix (see malbild/tests/matrix.py)."""

from decimal import Decimal
from typing import Any

from conftest import Cast
from malbild.indicators.models import Indicator, IndicatorTarget
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case, org_url

INDICATOR = {
    "code": "DATOR",
    "name": "Elever per dator",
    "description": "",
    "unit_of_measure": "antal",
    "direction": "lower",
    "periodicity": "year",
    "source": "Egen inventering",
    "baseline_value": "2,5",
    "baseline_period": "2023",
}


def indicator(c: Cast) -> int:
    with scope(c.org):
        found, _created = Indicator.objects.get_or_create(
            organisation=c.org,
            code="BEH-LAR",
            defaults={
                "name": "Andel behöriga lärare",
                "unit_of_measure": "%",
                "direction": "higher",
                "periodicity": "year",
                "baseline_value": Decimal(50),
                "baseline_period": "2022",
            },
        )
        return found.pk


def target(c: Cast) -> int:
    indicator_id = indicator(c)
    with scope(c.org):
        found, _created = IndicatorTarget.objects.get_or_create(
            organisation=c.org,
            indicator_id=indicator_id,
            period="2026",
            defaults={"position": 2026.0, "value": Decimal(70)},
        )
        return found.pk


def edited(c: Cast) -> dict[str, Any]:
    return {**INDICATOR, "code": "BEH-LAR", "name": "Andel lärare med legitimation",
            "unit_of_measure": "%", "direction": "higher", "baseline_value": "50",
            "baseline_period": "2022"}  # fmt: skip


def measured(c: Cast) -> dict[str, Any]:
    return {"unit": c.school.pk, "period": "2024", "gender": "T", "value": "61,5"}


CASES: dict[str, list[Case]] = {
    "indicators:list": [
        Case("get", org_url("indicators:list"), LOGIN, 404, None, ("reader", 200)),
    ],
    "indicators:create": [
        Case("get", org_url("indicators:create"), LOGIN, 404, ("teacher", 403), ("admin", 200)),
        Case("post", org_url("indicators:create"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             lambda c: INDICATOR),
    ],
    "indicators:detail": [
        Case("get", org_url("indicators:detail", indicator), LOGIN, 404, None, ("teacher", 200)),
    ],
    "indicators:edit": [
        Case("get", org_url("indicators:edit", indicator), LOGIN, 404, ("rektor", 403),
             ("admin", 200)),
        Case("post", org_url("indicators:edit", indicator), LOGIN, 404, ("elected", 403),
             ("admin", 302), edited),
    ],
    "indicators:target_add": [
        Case("post", org_url("indicators:target_add", indicator), LOGIN, 404, ("rektor", 403),
             ("admin", 302), lambda c: {"period": "2026", "value": "70"}),
    ],
    "indicators:target_remove": [
        Case("post", org_url("indicators:target_remove", indicator, target), LOGIN, 404,
             ("teacher", 403), ("admin", 302)),
    ],
    "indicators:measurement": [
        Case("get", org_url("indicators:measurement", indicator), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", org_url("indicators:measurement", indicator), LOGIN, 404, ("reader", 403),
             ("rektor", 302), measured),
    ],
}  # fmt: skip
