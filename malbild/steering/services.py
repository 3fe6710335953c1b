"""Steering documents and their dated changes. A change is announced to the apps above
(`signals.document_changed`): the targets app flags the målbild that cites the document for
review, so that the administration looks at it again."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from malbild import audit
from malbild.steering import signals
from malbild.steering.models import SteeringChange, SteeringDocument
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


@dataclass(frozen=True)
class Added:
    change: SteeringChange
    notices: list[str]  # what the apps above did about it, for the person who added it


@transaction.atomic
def add_change(document: SteeringDocument, request: HttpRequest | None, **fields: Any) -> Added:
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
    answers = signals.document_changed.send(
        sender=SteeringChange, document=document, change=change, reason=reason
    )
    return Added(change, [str(answer) for _receiver, answer in answers if answer])


def coming_changes(limit: int = 5) -> list[SteeringChange]:
    """The next changes from today on, soonest first (one query)."""
    return list(
        SteeringChange.objects.filter(date__gte=timezone.localdate())
        .select_related("document")
        .order_by("date", "id")[:limit]
    )
