import json
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from malbild.audit.forms import EventFilterForm, action_label
from malbild.audit.models import AuditEvent
from malbild.lib import htmx
from malbild.tenants.decorators import member_view
from malbild.tenants.requests import MemberRequest

PAGE_SIZE = 50
MISSING = "–"


@dataclass(frozen=True)
class Change:
    """One key of an event's before/after, as plain text (the template escapes it)."""

    key: str
    before: str
    after: str


@dataclass(frozen=True)
class EventRow:
    event: AuditEvent
    action_label: str
    changes: list[Change]


@member_view("can_view_audit")
@require_safe
def event_list(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    form = EventFilterForm(request.GET, organisation=organisation)
    page = None
    rows: list[EventRow] = []
    if form.is_valid():
        events = form.filter(
            AuditEvent.objects.select_related("actor").order_by("-created_at", "-id")
        )
        page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [EventRow(e, action_label(e.action), _changes(e)) for e in page.object_list]
    # An invalid filter shows its errors and no list, rather than every event as if it matched.
    context = {"form": form, "page": page, "rows": rows}
    if page is None:
        errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
        said = _("Correct the filter to see the events: %(errors)s") % {"errors": errors}
    else:
        count = page.paginator.count
        said = ngettext("%(n)s event shown.", "%(n)s events shown.", count) % {"n": count}
    return htmx.page_or_part(
        request, "audit/event_list.html", "event-results", context, announce=said
    )


def _changes(event: AuditEvent) -> list[Change]:
    """The keys whose values read differently before and after, in key order."""
    before, after = _as_dict(event.before), _as_dict(event.after)
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = _as_text(before.get(key)), _as_text(after.get(key))
        if old != new:  # a key added as empty is no change worth a line
            changes.append(Change(key, old, new))
    return changes


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    return {_("value"): value}


def _as_text(value: Any) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
