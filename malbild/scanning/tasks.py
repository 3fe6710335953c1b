"""Fetching the feed sources: every hour for the sources due, and at once when an administrator
asks for it on the sources page."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from malbild.scanning import services
from malbild.scanning.models import FeedSource
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope

FETCH_EVERY = timedelta(hours=3)  # a source is fetched again when its last fetch is this old


@task()
def fetch_feeds() -> int:
    """Fetch every active source not fetched for FETCH_EVERY; returns how many were fetched.
    One bad feed never stops the others: its error is kept on the source."""
    due_before = timezone.now() - FETCH_EVERY + timedelta(minutes=5)
    fetched = 0
    for organisation in Organisation.objects.all():
        with scope(organisation):
            due = FeedSource.objects.filter(is_active=True).filter(
                Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lt=due_before)
            )
            for source in due:
                services.fetch_source(source)
                fetched += 1
    return fetched


@task()
def fetch_source(organisation_id: int, source_id: int) -> int | None:
    """Fetch one source now; the number of new candidates, or None on an error."""
    organisation = Organisation.objects.get(pk=organisation_id)
    with scope(organisation):
        source = FeedSource.objects.filter(pk=source_id).first()
        if source is None:
            return None
        return services.fetch_source(source)
