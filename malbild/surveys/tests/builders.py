"""Small builders for the survey tests: open surveys through the service, answers written as
rows (the way the pupil's form writes them), and indicators for the measurements."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from malbild.indicators.models import Indicator
from malbild.surveys import services
from malbild.surveys.models import IndicatorLink, Response, Survey
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

KEYS = ["A1", "A2", "I2", "L1"]


def make_survey(
    org: Organisation,
    unit: OrgUnit,
    *,
    keys: Iterable[str] = KEYS,
    age_group: str = "4-6",
    now: datetime | None = None,
    **fields: Any,
) -> Survey:
    with scope(org):
        return services.open_survey(
            org, None, unit=unit, age_group=age_group, statement_keys=keys, now=now, **fields
        )


def add_answers(survey: Survey, rows: Iterable[dict[str, int]], text: str = "") -> None:
    """One Response per dict of statement key → step."""
    with scope(survey.organisation):
        Response.objects.bulk_create(
            Response(organisation_id=survey.organisation_id, survey=survey, answers=answers,
                     text=text, text_state="unread" if text else "")
            for answers in rows
        )  # fmt: skip


def agreeing(count: int, disagreeing: int = 0, key: str = "A1") -> list[dict[str, int]]:
    """`count` pupils answering 4 and `disagreeing` answering 1 to `key`."""
    return [{key: 4}] * count + [{key: 1}] * disagreeing


def closed_survey(
    org: Organisation, unit: OrgUnit, rows: Iterable[dict[str, int]], **fields: Any
) -> Survey:
    survey = make_survey(org, unit, **fields)
    add_answers(survey, rows)
    with scope(org):
        return services.close_survey(survey, None)


def make_indicator(org: Organisation, code: str = "ELEV-LARA", **fields: Any) -> Indicator:
    values: dict[str, Any] = {
        "name": "Andel elever som tycker att verktygen hjälper dem att lära",
        "unit_of_measure": "%",
        "periodicity": "term",
        "baseline_value": Decimal("50"),
        "baseline_period": "2020-HT",
    }
    values.update(fields)
    with scope(org):
        return Indicator.objects.create(organisation=org, code=code, **values)


def link(org: Organisation, key: str, indicator: Indicator) -> IndicatorLink:
    with scope(org):
        return IndicatorLink.objects.create(
            organisation=org, statement_key=key, indicator=indicator
        )
