"""Audit trail. Services call :func:`record` for every write and every login."""

from typing import Any

from django.db import models
from django.http import HttpRequest


def record(
    action: str,
    *,
    actor: Any = None,
    request: HttpRequest | None = None,
    target: models.Model | None = None,
    summary: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organisation: Any = None,
) -> Any:
    """Store one audit event and return it.

    `actor` defaults to the request's user when that user is signed in; `organisation` to the
    one in scope. Call it inside the same transaction as the write it describes, so that both
    land or neither does. An event of an organisation also counts a change to its data
    (`Organisation.data_changed`), which retires the figures cached from the data before.
    """
    from axes.helpers import get_client_ip_address

    from malbild.audit.models import AuditEvent
    from malbild.tenants.models import Organisation
    from malbild.tenants.scope import active_organisation

    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    event = AuditEvent(
        organisation=organisation or active_organisation(),
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        before=before,
        after=after,
        ip_address=get_client_ip_address(request) if request is not None else None,
    )
    event.save()  # not through the manager: events outside any organisation are stored too
    if event.organisation_id is not None:
        Organisation.data_changed(event.organisation_id, action)
    return event
