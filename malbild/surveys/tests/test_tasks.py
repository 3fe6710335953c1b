"""The housekeeping: surveys past their last day are closed (with results and measurements),
and answers are removed RETENTION_DAYS after their survey closed, results and chosen texts
kept."""

from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import audit_events
from malbild.indicators.models import Measurement
from malbild.lib.schedule import SCHEDULE
from malbild.surveys import services, tasks
from malbild.surveys.models import Response, Result, Survey
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


def test_both_tasks_are_scheduled():
    tasks_scheduled = {entry.task for entry in SCHEDULE}
    assert "malbild.surveys.tasks.close_expired" in tasks_scheduled
    assert "malbild.surveys.tasks.remove_old_answers" in tasks_scheduled


def test_a_survey_past_its_last_day_is_closed_and_measured(cast):
    link(cast.org, "A1", make_indicator(cast.org))
    expired = make_survey(cast.org, cast.school, group_label="gammal")
    running = make_survey(cast.org, cast.other_school, group_label="pågår")
    add_answers(expired, agreeing(5))
    with scope(cast.org):
        Survey.objects.filter(pk=expired.pk).update(
            closes_on=timezone.localdate() - timedelta(days=1)
        )
    assert tasks.close_expired.call() == 1
    with scope(cast.org):
        assert Survey.objects.get(pk=expired.pk).status == "closed"
        assert Survey.objects.get(pk=running.pk).status == "open"
        assert Measurement.objects.filter(org_unit=cast.school).exists()
    (event,) = audit_events(action="surveys.closed")
    assert event.actor is None


def test_answers_go_after_the_retention_and_results_stay(cast):
    old = closed_survey(cast.org, cast.school, agreeing(6), group_label="old")
    add_answers(old, [{"A1": 4}], text="Välj mig")
    add_answers(old, [{"A1": 4}], text="Inte mig")
    recent = closed_survey(cast.org, cast.school, agreeing(6), group_label="new")
    with scope(cast.org):
        Response.objects.filter(text="Välj mig").update(text_state="chosen", may_publish=True)
        Survey.objects.filter(pk=old.pk).update(
            closed_at=timezone.now() - timedelta(days=services.RETENTION_DAYS + 1)
        )
    assert tasks.remove_old_answers.call() == 7
    with scope(cast.org):
        (kept,) = Response.objects.filter(survey=old)
        assert kept.text == "Välj mig"
        assert kept.answers == {}
        assert Response.objects.filter(survey=recent).count() == 6
        assert Result.objects.filter(survey=old).exists()
    assert audit_events(action="surveys.answers_removed")[0].after["removed"] == 7
    assert tasks.remove_old_answers.call() == 0
