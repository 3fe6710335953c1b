"""Enqueue periodic work that is due. The worker calls :func:`tick` once a minute."""

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from malbild.lib.schedule import SCHEDULE, Entry
from malbild.server.models import ScheduledRun

logger = logging.getLogger(__name__)


def tick(now: datetime, schedule: tuple[Entry, ...] = SCHEDULE) -> list[ScheduledRun]:
    """Claim and enqueue every entry whose current slot has no run yet; return the new runs.

    Only the current slot is claimed: a worker that was down for a day runs a daily job once,
    not once for every missed day.
    """
    started = []
    for entry in schedule:
        due_at = entry.due_at(now)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(name=entry.name, due_at=due_at)
                result = import_string(entry.task).enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker claimed this slot first
        logger.info("Enqueued %s due at %s", entry.name, due_at.isoformat())
        started.append(run)
    return started
