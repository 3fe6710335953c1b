from datetime import UTC, datetime, time, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from malbild.lib.schedule import SCHEDULE, Entry
from malbild.server.models import ScheduledRun
from malbild.server.scheduler import tick

HOURLY = Entry(
    name="test-hourly",
    task="malbild.server.tasks.clear_expired_sessions",
    interval=timedelta(hours=1),
)
MONDAY_MORNING = Entry(
    name="test-weekly",
    task="malbild.server.tasks.clear_expired_sessions",
    weekday=0,
    at=time(7, 0),
)


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db
def test_a_due_entry_is_enqueued_once_per_slot(database_tasks):
    now = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)
    assert [run.name for run in tick(now, (HOURLY,))] == ["test-hourly"]
    assert tick(now + timedelta(minutes=30), (HOURLY,)) == []
    assert DBTaskResult.objects.count() == 1
    run = ScheduledRun.objects.get()
    assert run.due_at == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    assert run.task_id == str(DBTaskResult.objects.get().id)


@pytest.mark.django_db
def test_the_next_slot_is_enqueued_again(database_tasks):
    now = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)
    tick(now, (HOURLY,))
    tick(now + timedelta(hours=1), (HOURLY,))
    assert ScheduledRun.objects.count() == 2
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_a_worker_that_was_down_runs_a_missed_job_once(database_tasks):
    now = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)
    tick(now, (HOURLY,))
    tick(now + timedelta(hours=10), (HOURLY,))
    assert ScheduledRun.objects.count() == 2


@pytest.mark.django_db
def test_a_slot_already_claimed_by_another_worker_is_skipped(database_tasks):
    now = datetime(2026, 11, 26, 10, 15, tzinfo=UTC)
    ScheduledRun.objects.create(name="test-hourly", due_at=HOURLY.due_at(now))
    assert tick(now, (HOURLY,)) == []
    assert DBTaskResult.objects.count() == 0


def test_a_weekly_entry_is_due_at_its_local_time():
    # Monday 30 November 2026, 07:00 in Stockholm is 06:00 UTC.
    before = datetime(2026, 11, 30, 5, 59, tzinfo=UTC)
    after = datetime(2026, 11, 30, 6, 1, tzinfo=UTC)
    assert MONDAY_MORNING.due_at(before) == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert MONDAY_MORNING.due_at(after) == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def test_an_entry_needs_exactly_one_kind_of_timing():
    with pytest.raises(ValueError, match="either an interval or a weekday"):
        Entry(name="x", task="x")
    with pytest.raises(ValueError, match="either an interval or a weekday"):
        Entry(name="x", task="x", interval=timedelta(hours=1), weekday=0, at=time(7))


def test_every_declared_task_exists_and_names_are_unique():
    from django.utils.module_loading import import_string

    assert len({entry.name for entry in SCHEDULE}) == len(SCHEDULE)
    for entry in SCHEDULE:
        assert hasattr(import_string(entry.task), "enqueue"), entry.task
