"""Keeping the audit trail no longer than its retention (MALBILD_AUDIT_RETENTION_DAYS)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from malbild import audit
from malbild.audit.models import AuditEvent
from malbild.tenants.scope import unscoped

BATCH = 5000


@task()
def prune_events() -> int:
    """Remove the audit events older than the retention, a batch per transaction so that a
    first run on a long trail never holds the database for long; one event records the count."""
    cutoff = timezone.now() - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    removed = 0
    with unscoped():
        while True:
            with transaction.atomic():
                ids = list(
                    AuditEvent.objects.filter(created_at__lt=cutoff)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:BATCH]
                )
                if not ids:
                    break
                removed += AuditEvent.objects.filter(pk__in=ids).delete()[0]
        if removed:
            audit.record(
                "audit.events_pruned",
                summary=f"{removed} events from before {timezone.localtime(cutoff):%Y-%m-%d}",
                after={"removed": removed, "retention_days": settings.AUDIT_RETENTION_DAYS},
            )
    return removed
