"""Periodic work, declared once.

Each entry names a task and when it is due: every `interval`, or weekly at a local `weekday` and
`at` time. The worker calls :func:`malbild.server.scheduler.tick` every minute; this module only
declares and computes, so that it can be read (and tested) without a database.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

EPOCH = datetime(2000, 1, 3, tzinfo=ZoneInfo("UTC"))  # a Monday, so weekly slots align


@dataclass(frozen=True)
class Entry:
    name: str
    task: str  # dotted path to a django-tasks task
    interval: timedelta | None = None
    weekday: int | None = None  # 0 = Monday
    at: time | None = None  # local time (Europe/Stockholm) for weekly entries

    def __post_init__(self) -> None:
        if (self.interval is None) == (self.weekday is None or self.at is None):
            raise ValueError(f"{self.name}: give either an interval or a weekday and a time")

    def due_at(self, now: datetime) -> datetime:
        """The start of the slot that `now` falls in: the run that should exist by now."""
        if self.interval is not None:
            slots = (now - EPOCH) // self.interval
            return EPOCH + slots * self.interval
        if self.weekday is None or self.at is None:  # __post_init__ rules this out
            raise ValueError(self.name)
        local = now.astimezone(ZoneInfo("Europe/Stockholm"))
        monday = (local - timedelta(days=local.weekday())).date()
        due = datetime.combine(monday + timedelta(days=self.weekday), self.at, local.tzinfo)
        if due > local:
            due -= timedelta(days=7)
        return due.astimezone(ZoneInfo("UTC"))


SCHEDULE: tuple[Entry, ...] = (
    Entry(
        name="refresh-kolada",
        task="malbild.imports.tasks.refresh_kolada_weekly",
        weekday=6,  # Sunday night, when nobody waits for the figures
        at=time(3, 30),
    ),
    Entry(
        name="clear-expired-sessions",
        task="malbild.server.tasks.clear_expired_sessions",
        interval=timedelta(days=1),
    ),
    Entry(
        name="prune-finished-tasks",
        task="malbild.server.tasks.prune_finished_tasks",
        interval=timedelta(days=1),
    ),
    Entry(
        name="remind-target-vision-reviews",
        task="malbild.targets.tasks.remind_reviews",
        interval=timedelta(days=1),
    ),
    Entry(
        name="remind-followup-deadlines",
        task="malbild.followup.tasks.remind_deadlines",
        interval=timedelta(days=1),
    ),
    Entry(
        name="verify-progress",
        task="malbild.goals.tasks.verify_progress",
        interval=timedelta(days=1),
    ),
    Entry(
        name="fetch-feeds",
        task="malbild.scanning.tasks.fetch_feeds",
        interval=timedelta(hours=1),
    ),
    Entry(
        name="send-weekly-digests",
        task="malbild.communication.tasks.send_digests",
        weekday=0,  # Monday morning, before the week's work starts
        at=time(6, 30),
    ),
    Entry(
        name="prune-login-attempts",
        task="malbild.server.tasks.prune_login_attempts",
        interval=timedelta(hours=1),
    ),
    Entry(
        name="sweep-interrupted-work",
        task="malbild.server.tasks.sweep_interrupted_work",
        interval=timedelta(minutes=15),
    ),
    Entry(
        name="invite-storytellers",
        task="malbild.communication.tasks.invite_storytellers",
        interval=timedelta(hours=1),
    ),
    Entry(
        name="close-expired-surveys",
        task="malbild.surveys.tasks.close_expired",
        interval=timedelta(hours=1),
    ),
    Entry(
        name="remove-old-survey-answers",
        task="malbild.surveys.tasks.remove_old_answers",
        interval=timedelta(days=1),
    ),
    Entry(
        name="prune-audit-events",
        task="malbild.audit.tasks.prune_events",
        interval=timedelta(days=1),
    ),
)
