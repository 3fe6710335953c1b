"""Runs left "being imported" by a process that died are marked failed; live ones are not.

The whole kill (a worker SIGKILLed in the middle of a large import, then started again) runs
against PostgreSQL in `python -m bench.loadtest --ci` (bench/faults.py)."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import audit_events
from malbild.imports import interrupted, services, tasks
from malbild.imports.models import ImportRun
from malbild.imports.tests.builders import csv_bytes, indicators_for
from malbild.indicators.models import Indicator
from malbild.lib.tests.worklocks import abandoned_seen_from_elsewhere, held_elsewhere
from malbild.lib.worklocks import IMPORT_RUN
from malbild.tenants.scope import scope


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the SQLite lock files


def started_run(org, *, minutes_ago: float = 5, state=ImportRun.State.IMPORTING) -> ImportRun:
    with scope(org):
        if not Indicator.objects.exists():
            indicators_for(org)
    with scope(org):
        run = services.create_file_run(
            org, name="stor.csv", data=csv_bytes("ASEN;BEH-LAR;2024;T;61,5;")
        )
        ImportRun.objects.filter(pk=run.pk).update(
            state=state, created_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
        run.refresh_from_db()
    return run


@pytest.mark.django_db(transaction=True)
def test_an_abandoned_run_is_marked_failed_with_one_audit_event_and_its_file_forgotten(cast):
    run = started_run(cast.org)
    stored = run.stored_file
    assert default_storage.exists(stored)

    assert [r.pk for r in interrupted.sweep()] == [run.pk]

    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED
    assert run.message.startswith("The import was interrupted")
    assert run.finished_at is not None
    assert not default_storage.exists(stored)
    events = audit_events(action="imports.import_failed", target_id=str(run.pk))
    assert len(events) == 1
    assert events[0].after["interrupted"] is True
    assert interrupted.sweep() == []  # once only


@pytest.mark.django_db(transaction=True)
def test_a_run_that_a_live_process_works_on_is_left_alone(cast):
    run = started_run(cast.org, state=ImportRun.State.CHECKING)
    with held_elsewhere(IMPORT_RUN, run.pk):
        assert interrupted.sweep() == []
    run.refresh_from_db()
    assert run.state == ImportRun.State.CHECKING
    assert [r.pk for r in interrupted.sweep()] == [run.pk]  # and once that process has died


@pytest.mark.django_db
def test_a_run_just_created_or_waiting_for_its_task_is_left_alone(cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    fresh = started_run(cast.org, minutes_ago=0)
    queued = started_run(cast.org)
    tasks.import_file.enqueue(cast.org.pk, queued.pk)

    assert interrupted.sweep() == []
    for run in (fresh, queued):
        run.refresh_from_db()
        assert run.state == ImportRun.State.IMPORTING


@pytest.mark.django_db
def test_a_run_whose_task_a_worker_has_just_taken_is_left_alone_for_a_moment(cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = started_run(cast.org)
    result = tasks.import_file.enqueue(cast.org.pk, run.pk)
    taken = DBTaskResult.objects.filter(id=result.id)
    taken.update(status="RUNNING", started_at=timezone.now())

    assert interrupted.sweep() == []

    taken.update(started_at=timezone.now() - timedelta(minutes=1))  # and its worker died
    assert [r.pk for r in interrupted.sweep()] == [run.pk]
    task = taken.get()
    assert task.status == "FAILED"  # not "running" for ever in the task queue's table
    assert task.exception_class_path == "malbild.lib.worklocks.Interrupted"


@pytest.mark.django_db
def test_finished_runs_are_never_touched(cast):
    run = started_run(cast.org, state=ImportRun.State.DONE)
    assert interrupted.sweep() == []
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE


@pytest.mark.django_db(transaction=True)
def test_the_worker_sweeps_when_it_starts_and_the_schedule_names_the_sweep(cast, settings):
    from malbild.lib.schedule import SCHEDULE

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    run = started_run(cast.org)

    call_command("worker", "--batch", "--interval", "0")

    run.refresh_from_db()
    assert run.state == ImportRun.State.FAILED
    assert "malbild.server.tasks.sweep_interrupted_work" in {entry.task for entry in SCHEDULE}


@pytest.mark.django_db(transaction=True)
def test_an_import_holds_the_lock_while_it_works(cast, monkeypatch):
    run = started_run(cast.org, state=ImportRun.State.CHECKED)
    seen = []
    real_write = services.write

    def write(*args, **kwargs):
        seen.append(abandoned_seen_from_elsewhere(IMPORT_RUN, run.pk))
        return real_write(*args, **kwargs)

    monkeypatch.setattr(services, "write", write)
    with scope(cast.org):
        services.import_run(run)
    run.refresh_from_db()
    assert run.state == ImportRun.State.DONE
    assert seen == [False]
    assert abandoned_seen_from_elsewhere(IMPORT_RUN, run.pk)  # let go of afterwards


@pytest.mark.django_db(transaction=True)
def test_the_command_line_import_holds_the_lock_from_its_check_to_its_write(cast, monkeypatch):
    indicators_for(cast.org)
    seen = []
    real_check, real_write = services.check, services.write

    def check(*args, **kwargs):
        with scope(cast.org):
            run = ImportRun.objects.get()
        seen.append(("check", abandoned_seen_from_elsewhere(IMPORT_RUN, run.pk)))
        return real_check(*args, **kwargs)

    def write(*args, **kwargs):
        with scope(cast.org):
            run = ImportRun.objects.get()
        seen.append(("write", abandoned_seen_from_elsewhere(IMPORT_RUN, run.pk)))
        return real_write(*args, **kwargs)

    monkeypatch.setattr(services, "check", check)
    monkeypatch.setattr(services, "write", write)
    with scope(cast.org):
        run = services.import_file_now(
            cast.org, name="matvarden.csv", data=csv_bytes("ASEN;BEH-LAR;2024;T;61,5;")
        )
    assert run.state == ImportRun.State.DONE
    assert seen == [("check", False), ("write", False)]
