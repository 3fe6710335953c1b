"""Housekeeping that the schedule runs."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task


@task()
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@task()
def prune_finished_tasks() -> int:
    """Forget finished task results after 30 days; failed ones are kept for inspection longer."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    results = DBTaskResult.objects.all()
    done, _ = results.successful().filter(finished_at__lt=now - timedelta(days=30)).delete()
    failed, _ = results.failed().filter(finished_at__lt=now - timedelta(days=180)).delete()
    return done + failed


@task()
def prune_login_attempts() -> int:
    """Forget failed logins once they no longer count towards a lockout."""
    from axes.models import AccessAttempt
    from django.conf import settings

    deleted, _ = AccessAttempt.objects.filter(
        attempt_time__lt=timezone.now() - settings.AXES_COOLOFF_TIME
    ).delete()
    return deleted


def sweep_interrupted() -> int:
    """Mark failed the imports and follow-up documents that a stopped or killed process left
    unfinished (`lib/worklocks.py`); returns how many. The worker runs this when it starts."""
    from malbild.imports import interrupted
    from malbild.reports import services as reports

    return len(interrupted.sweep()) + len(reports.sweep_interrupted())


@task()
def sweep_interrupted_work() -> int:
    """The schedule's sweep of interrupted work, every quarter of an hour: a process that died
    on one host is cleared by a worker on another."""
    return sweep_interrupted()
