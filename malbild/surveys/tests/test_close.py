"""Closing a survey: results only from five answers, and the share who agree entered as the
linked indicator's values for the survey's unit and the units above it, pooled per period, with
the goals' progress brought up to date and one audit event."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from conftest import audit_events
from malbild.goals.models import Goal, GoalIndicator
from malbild.goals.tests.builders import adopt, make_goal
from malbild.indicators.models import IndicatorTarget, Measurement
from malbild.surveys import services
from malbild.surveys.models import Result, Survey
from malbild.surveys.tests.builders import (
    add_answers,
    agreeing,
    closed_survey,
    link,
    make_indicator,
    make_survey,
)
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db
AUTUMN = datetime(2026, 10, 5, 9, 0, tzinfo=ZoneInfo("Europe/Stockholm"))


def values(org, code="ELEV-LARA"):
    with scope(org):
        return {
            (m.org_unit.code, m.period): m.value
            for m in Measurement.objects.filter(indicator__code=code).select_related("org_unit")
        }


def test_a_survey_closed_with_four_answers_shows_nothing_and_measures_nothing(cast):
    link(cast.org, "A1", make_indicator(cast.org))
    survey = closed_survey(cast.org, cast.school, agreeing(4))
    assert survey.status == Survey.Status.CLOSED
    assert survey.answer_count == 4
    assert not survey.has_results
    with scope(cast.org):
        assert not Result.objects.filter(survey=survey).exists()
    assert values(cast.org) == {}
    (event,) = audit_events(action="surveys.closed")
    assert event.after == {"answers": 4, "results": False}
    assert not audit_events(action="surveys.measurements_entered")


def test_a_survey_with_five_answers_keeps_its_counts_per_step(cast):
    survey = closed_survey(
        cast.org, cast.school,
        [{"A1": 4}, {"A1": 3}, {"A1": 2}, {"A1": 1}, {"A1": 0}, {"A2": 4}],
    )  # fmt: skip
    with scope(cast.org):
        result = Result.objects.get(survey=survey, statement_key="A1")
    assert result.counts() == {4: 1, 3: 1, 2: 1, 1: 1, 0: 1}
    assert result.agree == Decimal("50.0")  # "I don't know" takes no position


def test_closing_enters_the_share_who_agree_for_the_unit_and_every_unit_above(cast):
    indicator = make_indicator(cast.org)
    link(cast.org, "A1", indicator)
    closed_survey(cast.org, cast.team, agreeing(6, 2), now=AUTUMN)
    assert values(cast.org) == {
        ("ARBETSLAG-F-3", "2026-HT"): Decimal("75.0000"),
        ("ASEN", "2026-HT"): Decimal("75.0000"),
        ("NORRA-OMRÅDET", "2026-HT"): Decimal("75.0000"),
        ("BARN--OCH-UTBILDNINGSFÖRVALTNINGEN", "2026-HT"): Decimal("75.0000"),
    }
    (event,) = audit_events(action="surveys.measurements_entered")
    assert event.after["import_run"].startswith("elevrosten-")
    assert len(event.after["values"]) == 4


def test_a_school_pools_its_classes_and_the_municipality_its_schools(cast):
    link(cast.org, "A1", make_indicator(cast.org))
    closed_survey(cast.org, cast.school, agreeing(6, 2), group_label="5A", now=AUTUMN)
    closed_survey(cast.org, cast.school, agreeing(2, 6), group_label="5B", now=AUTUMN)
    closed_survey(cast.org, cast.other_school, agreeing(10), now=AUTUMN)
    found = values(cast.org)
    assert found[("ASEN", "2026-HT")] == Decimal("50.0000")  # 8 of 16
    assert found[("BERGA", "2026-HT")] == Decimal("100.0000")
    assert found[("NORRA-OMRÅDET", "2026-HT")] == Decimal("69.2000")  # 18 of 26


def test_a_survey_with_too_few_answers_does_not_count_in_the_school(cast):
    link(cast.org, "A1", make_indicator(cast.org))
    closed_survey(cast.org, cast.school, agreeing(6), group_label="5A", now=AUTUMN)
    closed_survey(cast.org, cast.school, agreeing(0, 4), group_label="5B", now=AUTUMN)
    assert values(cast.org)[("ASEN", "2026-HT")] == Decimal("100.0000")


def test_the_period_follows_the_indicators_periodicity(cast):
    link(cast.org, "A1", make_indicator(cast.org, periodicity="year", baseline_period="2020"))
    closed_survey(cast.org, cast.school, agreeing(5), now=AUTUMN)
    assert values(cast.org)[("ASEN", "2026")] == Decimal("100.0000")


def test_a_measurement_replaces_a_typed_value_and_moves_the_goal(cast):
    adopt(cast.org)
    indicator = make_indicator(cast.org)
    link(cast.org, "A1", indicator)
    goal = make_goal(cast.org, cast.school, status=Goal.Status.ACTIVE)
    with scope(cast.org):
        GoalIndicator.objects.create(organisation=cast.org, goal=goal, indicator=indicator)
        IndicatorTarget.objects.create(
            organisation=cast.org, indicator=indicator, period="2028-HT", position=2028.5,
            value=Decimal("90"),
        )  # fmt: skip
        Measurement.objects.create(
            organisation=cast.org, indicator=indicator, org_unit=cast.school, period="2026-HT",
            position=2026.5, value=Decimal("10"),
        )  # fmt: skip
    closed_survey(cast.org, cast.school, agreeing(7, 3), now=AUTUMN)
    assert values(cast.org)[("ASEN", "2026-HT")] == Decimal("70.0000")
    with scope(cast.org):
        goal.refresh_from_db()
    assert goal.progress == Decimal("50.0")  # from 50 towards 90: 20 of 40


def test_a_statement_not_asked_measures_nothing(cast):
    link(cast.org, "K3", make_indicator(cast.org))
    closed_survey(cast.org, cast.school, agreeing(6))
    assert values(cast.org) == {}


def test_closing_twice_is_refused(cast):
    survey = closed_survey(cast.org, cast.school, agreeing(5))
    with scope(cast.org), pytest.raises(ValidationError):
        services.close_survey(survey, None)
    assert len(audit_events(action="surveys.closed")) == 1


def test_answers_after_closing_are_refused_by_the_service(cast):
    survey = make_survey(cast.org, cast.school)
    add_answers(survey, agreeing(5))
    with scope(cast.org):
        services.close_survey(survey, None)
        survey.refresh_from_db()
        with pytest.raises(ValidationError):
            services.answer(survey, {"A1": 4})
