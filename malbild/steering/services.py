"""Steering documents and their dated changes. A change flags the målbild that cites the
document for review, so that the administration looks at it again."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from malbild import audit
from malbild.steering.models import SteeringChange, SteeringDocument
from malbild.targets.services import flag_for_review
from malbild.tenants.models import Organisation

DOCUMENT_FIELDS = ("title", "kind", "level", "issuer", "url", "summary")


@transaction.atomic
def save_document(
    organisation: Organisation,
    request: HttpRequest,
    document: SteeringDocument | None = None,
    **fields: Any,
) -> SteeringDocument:
    before = None
    if document is None:
        document = SteeringDocument(organisation=organisation)
    else:
        before = {f: getattr(document, f) for f in DOCUMENT_FIELDS}
    for name, value in fields.items():
        setattr(document, name, value)
    document.save()
    audit.record(
        "steering.document_saved",
        request=request,
        target=document,
        summary=document.title,
        before=before,
        after={f: getattr(document, f) for f in DOCUMENT_FIELDS},
    )
    return document


@transaction.atomic
def add_change(
    document: SteeringDocument, request: HttpRequest | None, **fields: Any
) -> SteeringChange:
    change = SteeringChange.objects.create(
        organisation=document.organisation, document=document, **fields
    )
    audit.record(
        "steering.change_added",
        request=request,
        target=change,
        summary=str(change),
        after={k: str(v) for k, v in fields.items()},
        organisation=document.organisation,
    )
    reason = _("%(document)s: %(change)s %(date)s. %(description)s") % {
        "document": document.title,
        "change": change.get_kind_display(),
        "date": change.date.isoformat(),
        "description": change.description,
    }
    flag_for_review(document, reason)
    return change


def coming_changes(limit: int = 5) -> list[SteeringChange]:
    """The next changes from today on, soonest first (one query)."""
    return list(
        SteeringChange.objects.filter(date__gte=timezone.localdate())
        .select_related("document")
        .order_by("date", "id")[:limit]
    )
