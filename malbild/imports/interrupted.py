"""Runs that nobody works on any more: an import interrupted by a stopped or killed process.

A run is checked and imported all or nothing (services.py), so an interrupted one has written
nothing; but its state would say "being imported" for ever. Whoever works on a run holds a lock
for it (:func:`working_on`) that the operating system or the database lets go of when the
process dies: a PostgreSQL session-level advisory lock, or on SQLite (one machine) an flock on
a file in the data directory. :func:`sweep` marks every working run failed whose lock is free,
that no task waits for or has taken in the last ten seconds, and that is older than ten
seconds (a request may be about to check a run it has just created, or to enqueue its task; a
worker about to lock a run it has just taken). The worker sweeps when it
starts, and the schedule every quarter of an hour, so a run interrupted on one host is cleared
by a worker on another.
"""

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from malbild import audit
from malbild.imports.models import ImportRun
from malbild.tenants.scope import scope, unscoped

logger = logging.getLogger(__name__)

LOCK_NAMESPACE = 0x4D414C42  # "MALB": the first key of the two-key advisory lock
GRACE = timedelta(seconds=10)
WORKING = (ImportRun.State.CHECKING, ImportRun.State.IMPORTING)
TASKS = (
    "malbild.imports.tasks.check_file",
    "malbild.imports.tasks.import_file",
    "malbild.imports.tasks.refresh_kolada",
)


def _lock_file(run_id: int) -> Path:
    folder = Path(settings.DATA_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"import-run-{run_id}.lock"


def _pg_lock(function: str, run_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [LOCK_NAMESPACE, run_id & 0x7FFFFFFF])
        row = cursor.fetchone()
    return bool(row and row[0])


_held = threading.local()  # the runs this thread holds the lock of


@contextmanager
def working_on(run_id: int) -> Iterator[None]:
    """Hold the run's lock while the block runs (it is let go of also when the process dies).
    Nested blocks for the same run hold it once."""
    held: set[int] = _held.__dict__.setdefault("runs", set())
    if run_id in held:
        yield
        return
    held.add(run_id)
    try:
        with _locked(run_id):
            yield
    finally:
        held.discard(run_id)


@contextmanager
def _locked(run_id: int) -> Iterator[None]:
    if connection.vendor == "postgresql":
        _pg_lock("pg_advisory_lock", run_id)
        try:
            yield
        finally:
            try:
                _pg_lock("pg_advisory_unlock", run_id)
            except Exception:  # the connection is gone, and the lock with it
                logger.warning("Could not let go of the lock of import run %s", run_id)
        return
    path = _lock_file(run_id)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        # A sweep that opens the file meanwhile finds the run no longer working.
        path.unlink(missing_ok=True)
        os.close(descriptor)  # lets go of the flock


def _is_abandoned(run_id: int) -> bool:
    """Whether nobody holds the run's lock (taking it for a moment to find out)."""
    if connection.vendor == "postgresql":
        if not _pg_lock("pg_try_advisory_lock", run_id):
            return False
        _pg_lock("pg_advisory_unlock", run_id)
        return True
    path = _lock_file(run_id)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        path.unlink(missing_ok=True)
    finally:
        os.close(descriptor)
    return True


def _waiting_for_a_task() -> set[int]:
    """The ids of runs that a task in the queue is still to work on, or that a worker has just
    taken (and may not have locked yet)."""
    from django_tasks_db.models import DBTaskResult

    just_taken = Q(status="RUNNING", started_at__gte=timezone.now() - GRACE)
    waiting = DBTaskResult.objects.filter(Q(status="READY") | just_taken, task_path__in=TASKS)
    ids = set()
    for args_kwargs in waiting.values_list("args_kwargs", flat=True):
        args = (args_kwargs or {}).get("args") or []
        if len(args) >= 2 and isinstance(args[1], int):
            ids.add(args[1])
    return ids


def sweep() -> list[ImportRun]:
    """Mark every abandoned run failed, with one audit event each; returns them."""
    from malbild.imports.services import _forget_file

    with unscoped():
        candidates = list(
            ImportRun.objects.filter(state__in=WORKING, created_at__lt=timezone.now() - GRACE)
            .select_related("organisation", "started_by")
            .order_by("pk")
        )
    if not candidates:
        return []
    waiting = _waiting_for_a_task()
    failed = []
    for run in candidates:
        if run.pk in waiting or not _is_abandoned(run.pk):
            continue
        with scope(run.organisation), transaction.atomic():
            claimed = ImportRun.objects.filter(pk=run.pk, state__in=WORKING).update(
                state=ImportRun.State.FAILED
            )
            if not claimed:
                continue  # finished meanwhile
            run.refresh_from_db()
            run.message = _(
                "The import was interrupted: the server stopped while it ran. Nothing was "
                "imported. Start it again."
            )
            run.finished_at = timezone.now()
            _forget_file(run)
            run.save()
            audit.record(
                "imports.import_failed",
                actor=run.started_by,
                target=run,
                summary=run.file_name or run.get_kind_display(),
                after={"state": run.state, "interrupted": True},
                organisation=run.organisation,
            )
        logger.warning("Import run %s was interrupted; marked failed", run.pk)
        failed.append(run)
    return failed
