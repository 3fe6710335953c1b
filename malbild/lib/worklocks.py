"""Locks that say "this process works on this row": let go of by the operating system or the
database when the process dies, so that a sweep can tell work that is under way from work that
a stopped or killed process left half done.

A lock is a PostgreSQL session-level advisory lock (two keys: the kind's namespace and the
row's id), or on SQLite (one machine) an flock on a file in the data directory. The import runs
(`imports/interrupted.py`) and the follow-up documents (`reports/services.py`) use them; their
sweeps run when a worker starts and every quarter of an hour (`server/tasks.py`).
"""

import fcntl
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Model, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# A row younger than this is left alone: a request may be about to enqueue its task, a worker
# may just have taken the task and not locked the row yet.
GRACE = timedelta(seconds=10)


@dataclass(frozen=True)
class Kind:
    """What is worked on: `name` names its lock files, `namespace` is the first key of its
    advisory locks."""

    name: str
    namespace: int


IMPORT_RUN = Kind("import-run", 0x4D414C42)  # "MALB"
DOCUMENT = Kind("document", 0x4D414C44)  # "MALD"

_held = threading.local()  # the (kind, id) pairs this thread holds the lock of


def _lock_file(kind: Kind, key: int) -> Path:
    folder = Path(settings.DATA_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{kind.name}-{key}.lock"


def _pg_lock(function: str, kind: Kind, key: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [kind.namespace, key & 0x7FFFFFFF])
        row = cursor.fetchone()
    return bool(row and row[0])


@contextmanager
def working_on(kind: Kind, key: int) -> Iterator[None]:
    """Hold the lock of (`kind`, `key`) while the block runs; nested blocks hold it once."""
    held: set[tuple[Kind, int]] = _held.__dict__.setdefault("locks", set())
    if (kind, key) in held:
        yield
        return
    held.add((kind, key))
    try:
        with _locked(kind, key):
            yield
    finally:
        held.discard((kind, key))


@contextmanager
def _locked(kind: Kind, key: int) -> Iterator[None]:
    if connection.vendor == "postgresql":
        _pg_lock("pg_advisory_lock", kind, key)
        try:
            yield
        finally:
            try:
                _pg_lock("pg_advisory_unlock", kind, key)
            except Exception:  # the connection is gone, and the lock with it
                logger.warning("Could not let go of the lock of %s %s", kind.name, key)
        return
    path = _lock_file(kind, key)
    descriptor = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        # A sweep that opens the file meanwhile finds nobody working on it.
        path.unlink(missing_ok=True)
        os.close(descriptor)  # lets go of the flock


def is_abandoned(kind: Kind, key: int) -> bool:
    """Whether nobody holds the lock of (`kind`, `key`) (taking it for a moment to find out)."""
    if connection.vendor == "postgresql":
        if not _pg_lock("pg_try_advisory_lock", kind, key):
            return False
        _pg_lock("pg_advisory_unlock", kind, key)
        return True
    path = _lock_file(kind, key)
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


def _tasks_for(task_paths: Iterable[str], status: Q) -> Iterator[tuple[Any, int]]:
    """(task result, row id) for the tasks of `task_paths` in `status`; their second argument
    is the id of the row they work on (the first is its organisation's)."""
    from django_tasks_db.models import DBTaskResult

    found = DBTaskResult.objects.filter(status, task_path__in=list(task_paths))
    for result in found.only("id", "status", "args_kwargs"):
        args = (result.args_kwargs or {}).get("args") or []
        if len(args) >= 2 and isinstance(args[1], int):
            yield result, args[1]


def waiting_for_a_task(task_paths: Iterable[str]) -> set[int]:
    """The ids of rows that a task in the queue is still to work on, or that a worker has just
    taken (and may not have locked yet)."""
    just_taken = Q(status="RUNNING", started_at__gte=timezone.now() - GRACE)
    return {key for _, key in _tasks_for(task_paths, Q(status="READY") | just_taken)}


Row = TypeVar("Row", bound=Model)


def abandoned(kind: Kind, task_paths: Iterable[str], candidates: list[Row]) -> Iterator[Row]:
    """The candidates nobody works on any more: no task of `task_paths` waits for them or has
    just taken them, and nobody holds their lock."""
    if not candidates:
        return
    waiting = waiting_for_a_task(task_paths)
    for row in candidates:
        if row.pk not in waiting and is_abandoned(kind, row.pk):
            yield row


class Interrupted(Exception):
    """What a task killed in mid-run is recorded as having failed with."""


def fail_running_tasks(task_paths: Iterable[str], key: int) -> None:
    """Record the tasks still "running" on row `key` as failed: the process that ran them has
    died, so they would otherwise say "running" for ever in the task queue's table."""
    for result, found in _tasks_for(task_paths, Q(status="RUNNING")):
        if found == key:
            result.set_failed(
                Interrupted(f"The process working on {key} stopped before the task ended.")
            )
