"""Elevrösten's housekeeping, run by the worker (declared in `lib/schedule.py`)."""

from django_tasks import task

from malbild.surveys import services


@task()
def close_expired() -> int:
    """Close the surveys whose last day has passed (results and measurements as when a teacher
    closes one); returns how many."""
    return services.close_expired()


@task()
def remove_old_answers() -> int:
    """Remove answers RETENTION_DAYS after their survey closed; returns how many."""
    return services.remove_old_answers()
