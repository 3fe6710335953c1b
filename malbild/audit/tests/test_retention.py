from datetime import timedelta

import pytest
from django.utils import timezone

from conftest import audit_events
from malbild import audit
from malbild.audit.models import AuditEvent
from malbild.audit.tasks import prune_events
from malbild.lib.schedule import SCHEDULE
from malbild.tenants.scope import unscoped


def event_aged(days: float, action: str = "accounts.login") -> AuditEvent:
    event = audit.record(action)
    with unscoped():
        AuditEvent.objects.filter(pk=event.pk).update(
            created_at=timezone.now() - timedelta(days=days)
        )
    return event


@pytest.mark.django_db
def test_events_older_than_the_retention_are_removed(settings):
    settings.AUDIT_RETENTION_DAYS = 30
    old = event_aged(31)
    kept = event_aged(29)
    assert prune_events.call() == 1
    with unscoped():
        remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert old.pk not in remaining
    assert kept.pk in remaining
    pruned = audit_events(action="audit.events_pruned")[0]
    assert pruned.after == {"removed": 1, "retention_days": 30}


@pytest.mark.django_db
def test_the_default_keeps_five_years(settings):
    from malbild import settings as product_settings

    assert product_settings.AUDIT_RETENTION_DAYS == 1826
    settings.AUDIT_RETENTION_DAYS = product_settings.AUDIT_RETENTION_DAYS
    event_aged(4 * 365)
    assert prune_events.call() == 0
    assert not audit_events(action="audit.events_pruned")


@pytest.mark.django_db
def test_a_long_trail_is_removed_in_batches(settings, monkeypatch):
    monkeypatch.setattr("malbild.audit.tasks.BATCH", 2)
    settings.AUDIT_RETENTION_DAYS = 1
    for _ in range(5):
        event_aged(2)
    assert prune_events.call() == 5


def test_the_worker_runs_it_every_day():
    entry = next(e for e in SCHEDULE if e.task == "malbild.audit.tasks.prune_events")
    assert entry.interval == timedelta(days=1)


@pytest.mark.parametrize("value", ["0", "fem år"])
def test_a_retention_that_is_not_a_positive_number_of_days_stops_every_command(tmp_path, value):
    from malbild.tests.test_settings import run_malbild

    result = run_malbild(tmp_path, "check", MALBILD_AUDIT_RETENTION_DAYS=value)
    assert result.returncode == 2
    assert "MALBILD_AUDIT_RETENTION_DAYS" in result.stderr
