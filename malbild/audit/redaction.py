"""Rewriting a person's name and e-mail address inside recorded audit events (anonymisation).

Events are otherwise never changed. Only exact occurrences are replaced, in the summary and
anywhere in the before/after snapshots (keys and values), so that the trail still says what
happened, to whom now unnamed.
"""

import json
from typing import Any

from django.db.models import Q, TextField
from django.db.models.functions import Cast

from malbild.audit.models import AuditEvent
from malbild.tenants.scope import unscoped

BATCH = 500
SHORTEST = 4  # shorter names would match inside ordinary words


def _replace(value: Any, replacements: dict[str, str]) -> Any:
    if isinstance(value, str):
        for old, new in replacements.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [_replace(item, replacements) for item in value]
    if isinstance(value, dict):
        return {_replace(k, replacements): _replace(v, replacements) for k, v in value.items()}
    return value


def redact(replacements: dict[str, str], *, actor_id: int | None = None) -> int:
    """Replace each old text with its new one in every event that holds it, and forget the IP
    addresses of `actor_id`'s events. Returns the number of events changed. Call it inside the
    transaction of the anonymisation."""
    replacements = {old: new for old, new in replacements.items() if len(old) >= SHORTEST}
    match = Q(pk__in=[])
    for old in replacements:
        # JSON may store non-ASCII letters escaped (SQLite) or as they are (PostgreSQL).
        for form in {old, json.dumps(old)[1:-1]}:
            match |= Q(summary__contains=form) | Q(before_text__contains=form)
            match |= Q(after_text__contains=form)
    changed = 0
    with unscoped():
        events = AuditEvent.objects.annotate(
            before_text=Cast("before", TextField()), after_text=Cast("after", TextField())
        )
        if actor_id is not None:
            match |= Q(actor_id=actor_id, ip_address__isnull=False)
        batch: list[AuditEvent] = []
        for event in events.filter(match).order_by("pk").iterator(chunk_size=BATCH):
            event.summary = _replace(event.summary, replacements)[:300]
            event.before = _replace(event.before, replacements)
            event.after = _replace(event.after, replacements)
            if actor_id is not None and event.actor_id == actor_id:
                event.ip_address = None
            batch.append(event)
            if len(batch) == BATCH:
                AuditEvent.objects.bulk_update(batch, ["summary", "before", "after", "ip_address"])
                changed += len(batch)
                batch = []
        if batch:
            AuditEvent.objects.bulk_update(batch, ["summary", "before", "after", "ip_address"])
            changed += len(batch)
    return changed
