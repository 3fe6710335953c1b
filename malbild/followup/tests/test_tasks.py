"""Reminders before a period's deadline, to the unit leads whose goals are not ready."""

import pytest
from django.core import mail

from conftest import audit_events
from malbild.followup.models import Report
from malbild.followup.tasks import remind_deadlines
from malbild.followup.tests.builders import make_period, make_report, world
from malbild.goals.tests.builders import fresh
from malbild.lib.schedule import SCHEDULE


@pytest.mark.django_db
def test_unit_leads_are_reminded_once_a_week_before_the_deadline(cast):
    world(cast)
    period = make_period(cast.org, "Delår 1 2026", ends_in=2, deadline_in=5)
    assert remind_deadlines.call() == 1
    [message] = mail.outbox
    assert message.to == ["rektor@mittkoping.test"]
    assert "Delår 1 2026" in message.subject
    assert "Åsens elever använder digitala verktyg varje vecka" in message.body
    assert f"/o/mittkoping/uppfoljning/perioder/{period.pk}/enheter/{cast.school.pk}/" in (
        message.body
    )
    assert fresh(period).reminded_on is not None
    assert audit_events(action="followup.reminder_sent")
    assert remind_deadlines.call() == 0  # not again
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_distant_deadline_sends_nothing(cast):
    world(cast)
    make_period(cast.org, deadline_in=30)
    assert remind_deadlines.call() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_unit_whose_reports_are_ready_gets_no_reminder(cast):
    goals = world(cast)
    period = make_period(cast.org, ends_in=1, deadline_in=3)
    make_report(period, goals["asen"], Report.State.READY)
    assert remind_deadlines.call() == 0
    assert mail.outbox == []
    assert fresh(period).reminded_on is not None


def test_the_reminder_runs_every_day():
    [entry] = [e for e in SCHEDULE if e.task == "malbild.followup.tasks.remind_deadlines"]
    assert entry.interval is not None
    assert entry.interval.days == 1
