"""A document left "being generated" by a worker that died is marked failed, so that it can be
generated again; one that a live process works on, or that was just taken, is left alone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import audit_events
from malbild.followup.models import Period
from malbild.lib.tests.worklocks import abandoned_seen_from_elsewhere, held_elsewhere
from malbild.lib.worklocks import DOCUMENT
from malbild.reports import services, tasks
from malbild.reports.models import GeneratedReport
from malbild.reports.tests.builders import followup
from malbild.server.tasks import sweep_interrupted
from malbild.tenants.scope import scope

Status = GeneratedReport.Status


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path  # the SQLite lock files


def running_document(
    cast, period: Period, *, language: str = "en", minutes_ago: float = 5
) -> GeneratedReport:
    with scope(cast.org):
        document = GeneratedReport.objects.create(
            organisation=cast.org, period=period, unit=cast.root, language=language,
            with_drafts=True, status=Status.RUNNING, progress=30, requested_by=cast.admin,
        )  # fmt: skip
        GeneratedReport.objects.filter(pk=document.pk).update(
            requested_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
    return document


@pytest.mark.django_db
def test_a_document_whose_worker_died_is_marked_failed_and_may_be_generated_again(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    document = running_document(cast, followup(cast).period)
    result = tasks.generate.enqueue(cast.org.pk, document.pk)
    task = DBTaskResult.objects.filter(id=result.id)
    task.update(status="RUNNING", started_at=timezone.now())

    assert services.sweep_interrupted() == []  # a worker has just taken it

    task.update(started_at=timezone.now() - timedelta(minutes=1))  # and then died
    assert sweep_interrupted() == 1
    with scope(cast.org):
        document.refresh_from_db()
    assert document.status == Status.FAILED
    assert document.error.startswith("The document was interrupted")
    assert task.get().status == "FAILED"
    (event,) = audit_events(action="reports.failed", target_id=str(document.pk))
    assert event.after["interrupted"] is True
    assert services.sweep_interrupted() == []  # once only

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with scope(cast.org), django_capture_on_commit_callbacks(execute=True):
        services.retry(document, None)
    with scope(cast.org):
        document.refresh_from_db()
    assert document.status == Status.DONE


@pytest.mark.django_db(transaction=True)
def test_a_document_that_a_live_worker_generates_or_that_was_just_asked_for_is_left_alone(cast):
    period = followup(cast).period
    document = running_document(cast, period)
    fresh = running_document(cast, period, language="sv", minutes_ago=0)
    with held_elsewhere(DOCUMENT, document.pk):  # a live worker generating it
        assert services.sweep_interrupted() == []
    assert [d.pk for d in services.sweep_interrupted()] == [document.pk]
    with scope(cast.org):
        fresh.refresh_from_db()
    assert fresh.status == Status.RUNNING


@pytest.mark.django_db(transaction=True)
def test_generating_holds_the_documents_lock(cast, monkeypatch):
    f = followup(cast)
    with scope(cast.org):
        document = GeneratedReport.objects.create(
            organisation=cast.org, period=f.period, unit=cast.root, language="en",
            with_drafts=True, requested_by=cast.admin,
        )  # fmt: skip
    seen = []
    real_render = services._render

    def render(*args, **kwargs):
        seen.append(abandoned_seen_from_elsewhere(DOCUMENT, document.pk))
        return real_render(*args, **kwargs)

    monkeypatch.setattr(services, "_render", render)
    with scope(cast.org):
        services.generate(document)
        document.refresh_from_db()
    assert document.status == Status.DONE
    assert seen == [False]
    assert abandoned_seen_from_elsewhere(DOCUMENT, document.pk)  # let go of afterwards
