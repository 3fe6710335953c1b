"""Runs that nobody works on any more: an import interrupted by a stopped or killed process.

A run is checked and imported all or nothing (services.py), so an interrupted one has written
nothing; but its state would say "being imported" for ever. Whoever works on a run holds its
lock (:func:`working_on`, `lib/worklocks.py`), which the operating system or the database lets
go of when the process dies. :func:`sweep` marks every working run failed whose lock is free,
that no task waits for or has taken in the last ten seconds, and that is older than ten seconds
(a request may be about to check a run it has just created, or to enqueue its task; a worker
about to lock a run it has just taken), and records the task that was running it as failed.
"""

import logging
from contextlib import AbstractContextManager

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from malbild import audit
from malbild.imports.models import ImportRun
from malbild.lib import worklocks
from malbild.tenants.scope import scope, unscoped

logger = logging.getLogger(__name__)

WORKING = (ImportRun.State.CHECKING, ImportRun.State.IMPORTING)
TASKS = (
    "malbild.imports.tasks.check_file",
    "malbild.imports.tasks.import_file",
    "malbild.imports.tasks.refresh_kolada",
)


def working_on(run_id: int) -> AbstractContextManager[None]:
    """Hold the run's lock while the block runs; nested blocks for the same run hold it once."""
    return worklocks.working_on(worklocks.IMPORT_RUN, run_id)


def sweep() -> list[ImportRun]:
    """Mark every abandoned run failed, with one audit event each; returns them."""
    from malbild.imports.services import _forget_file

    with unscoped():
        candidates = list(
            ImportRun.objects.filter(
                state__in=WORKING, created_at__lt=timezone.now() - worklocks.GRACE
            )
            .select_related("organisation", "started_by")
            .order_by("pk")
        )
    failed = []
    for run in worklocks.abandoned(worklocks.IMPORT_RUN, TASKS, candidates):
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
        worklocks.fail_running_tasks(TASKS, run.pk)
        logger.warning("Import run %s was interrupted; marked failed", run.pk)
        failed.append(run)
    return failed
