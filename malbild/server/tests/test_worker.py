from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from malbild.server import tasks


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_waiting_tasks(database_tasks):
    old = SessionStore()
    old.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - timedelta(days=1)
    )
    fresh = SessionStore()
    fresh.create()
    result = tasks.clear_expired_sessions.enqueue()

    call_command("worker", "--batch", "--interval", "0")

    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "SUCCESSFUL"
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh.session_key]


@pytest.mark.django_db
def test_finished_tasks_are_forgotten_after_a_month_and_failed_ones_after_half_a_year(
    database_tasks,
):
    old = tasks.clear_expired_sessions.enqueue()
    recent = tasks.clear_expired_sessions.enqueue()
    long_failed = tasks.clear_expired_sessions.enqueue()
    now = timezone.now()
    DBTaskResult.objects.filter(id=old.id).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=40)
    )
    DBTaskResult.objects.filter(id=recent.id).update(
        status="SUCCESSFUL", finished_at=now - timedelta(days=5)
    )
    DBTaskResult.objects.filter(id=long_failed.id).update(
        status="FAILED", finished_at=now - timedelta(days=40)
    )
    assert tasks.prune_finished_tasks.call() == 1
    assert {str(pk) for pk in DBTaskResult.objects.values_list("id", flat=True)} == {
        str(recent.id),
        str(long_failed.id),
    }


@pytest.mark.django_db
def test_failed_logins_are_forgotten_once_the_lockout_is_over():
    from axes.models import AccessAttempt

    old = AccessAttempt.objects.create(username="a@test.example", ip_address="192.0.2.1",
                                       failures_since_start=5)  # fmt: skip
    recent = AccessAttempt.objects.create(username="b@test.example", ip_address="192.0.2.1",
                                          failures_since_start=1)  # fmt: skip
    AccessAttempt.objects.filter(pk=old.pk).update(
        attempt_time=timezone.now() - timedelta(minutes=16)
    )
    assert tasks.prune_login_attempts.call() == 1
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [recent.pk]
