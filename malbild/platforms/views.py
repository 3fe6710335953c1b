"""The common platform: the version in force, every version, the draft, its decision, the values,
and the minutes of decisions."""

import os
from collections.abc import Iterator
from typing import Any

from csp.decorators import csp_replace
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.audit.models import AuditEvent
from malbild.lib.forms import apply_errors
from malbild.platforms import services
from malbild.platforms.forms import DecisionForm, DraftForm, value_formset
from malbild.platforms.models import Decision, PlatformVersion, Value
from malbild.tenants.decorators import member_view
from malbild.tenants.requests import MemberRequest

PAGE_SIZE = 50


def _open_draft(request: MemberRequest) -> PlatformVersion:
    """The organisation's open draft, or 404; only for those who edit the platform."""
    request.access.require("can_edit_platform")
    draft = services.draft_of(request.organisation)
    if draft is None:
        raise Http404
    return draft


def _values_of(version: PlatformVersion) -> list[tuple[dict[str, str], Value | None]]:
    """The version's values as written in it, each with its stable Value row (one query)."""
    keys = [item["key"] for item in version.core_values]
    rows = {value.key: value for value in Value.objects.filter(key__in=keys)} if keys else {}
    return [(item, rows.get(item["key"])) for item in version.core_values]


def _with(data: QueryDict, **fields: Any) -> QueryDict:
    changed = data.copy()
    for name, value in fields.items():
        changed[name] = str(value)
    return changed


def _last_saved(version: PlatformVersion) -> AuditEvent | None:
    """Who saved the draft last and when, from the audit trail (one query)."""
    return (
        AuditEvent.objects.filter(
            action__in=["platform.draft_saved", "platform.draft_started"],
            target_type=PlatformVersion._meta.label_lower,
            target_id=str(version.pk),
        )
        .select_related("actor")
        .first()
    )


# Reading ------------------------------------------------------------------------------------------


@require_safe
@member_view()
def detail(request: MemberRequest) -> HttpResponse:
    """The platform in force, with its decision, and every version."""
    organisation = request.organisation
    current = (
        PlatformVersion.objects.select_related("decision")
        .filter(status=PlatformVersion.Status.ADOPTED)
        .first()
    )
    versions = PlatformVersion.objects.select_related("decision").order_by("-number")
    page: Page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
    may_edit = request.access.can("can_edit_platform")
    return render(
        request,
        "platform/detail.html",
        {
            "current": current,
            "values": _values_of(current) if current else [],
            "page": page,
            "may_edit": may_edit,
            "draft": services.draft_of(organisation) if may_edit else None,
        },
    )


@require_safe
@member_view()
def version(request: MemberRequest, number: int) -> HttpResponse:
    """One version as it was, read-only, with its decision."""
    shown = get_object_or_404(
        PlatformVersion.objects.select_related("decision", "created_by"), number=number
    )
    return render(
        request,
        "platform/version.html",
        {
            "version": shown,
            "values": _values_of(shown),
            "may_edit": request.access.can("can_edit_platform"),
        },
    )


@require_safe
@member_view()
def value(request: MemberRequest, value_id: int) -> HttpResponse:
    """A value of the värdegrund and what expresses it."""
    shown = get_object_or_404(Value, pk=value_id)
    return render(request, "platform/value.html", {"value": shown})


def _chunks(minutes: Any) -> Iterator[bytes]:
    """The stored file, read as the response is sent. The file is opened at the first chunk,
    so a response that is never sent (HEAD, a test) holds no open file."""
    with minutes.storage.open(minutes.name, "rb") as handle:
        while chunk := handle.read(FileResponse.block_size):
            yield chunk


@require_safe
# django-csp types a view as taking the request alone, not the organisation's slug besides.
@csp_replace({"object-src": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"]})  # type: ignore[arg-type]
@member_view()
def decision_minutes(request: MemberRequest, decision_id: int) -> HttpResponse:
    """The minutes of a decision, shown in the browser.

    The CSP is relaxed for this one PDF response: Chrome's PDF viewer is an <embed> on a page
    with inline styles, which `object-src 'none'` and `style-src 'self'` would block.
    """
    decision = get_object_or_404(Decision, pk=decision_id)
    minutes = decision.minutes
    if not minutes or not minutes.storage.exists(minutes.name):
        raise Http404
    response = FileResponse(_chunks(minutes), content_type="application/pdf")
    response["Content-Length"] = str(minutes.storage.size(minutes.name))
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=False, filename=os.path.basename(minutes.name))
        or "inline"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]  # member_view's type names HttpResponse; a streamed file is as good


# Drafting and adopting ----------------------------------------------------------------------------


@require_POST
@member_view("can_edit_platform")
def draft_start(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    request.access.require("can_edit_platform")
    if services.draft_of(organisation) is not None:
        messages.info(request, _("A draft is already open. Go on with it here."))
    else:
        draft = services.start_draft(organisation, request)
        messages.success(
            request,
            _("Version %(number)s of the platform has been started as a draft.")
            % {"number": draft.number},
        )
    return redirect("platform:draft", organisation.slug)


@require_http_methods(["GET", "POST"])
@member_view("can_edit_platform")
def draft(request: MemberRequest) -> HttpResponse:
    """Edit the open draft. A save based on an older reading is refused and shows both texts."""
    organisation = request.organisation
    open_draft = _open_draft(request)
    conflict: PlatformVersion | None = None
    if request.method == "POST":
        form = DraftForm(request.POST)
        values = value_formset(request.POST)
        if form.is_valid() and values.is_valid():
            data = form.cleaned_data
            try:
                if data["number"] != open_draft.number:  # that draft was adopted meanwhile
                    raise services.EditConflict(open_draft)
                services.save_draft(
                    open_draft,
                    data["lock_version"],
                    request,
                    vision=data["vision"].strip(),
                    mission=data["mission"].strip(),
                    core_values=values.values(),
                )
            except services.EditConflict as e:
                conflict = e.current
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, _("The draft has been saved."))
                return redirect("platform:version", organisation.slug, open_draft.number)
        if conflict is not None:
            # Keep what the person wrote; the next save knowingly replaces the other text.
            fresh = _with(request.POST, number=conflict.number, lock_version=conflict.lock_version)
            form = DraftForm(fresh)
            values = value_formset(fresh)
    else:
        form = DraftForm(
            initial={
                "vision": open_draft.vision,
                "mission": open_draft.mission,
                "number": open_draft.number,
                "lock_version": open_draft.lock_version,
            }
        )
        values = value_formset(initial=open_draft.core_values)
    return render(
        request,
        "platform/draft_form.html",
        {
            "draft": conflict or open_draft,
            "form": form,
            "values": values,
            "conflict": conflict,
            "conflict_values": conflict.core_values if conflict else [],
            "last_saved": _last_saved(conflict) if conflict else None,
        },
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
@member_view("can_edit_platform")
def adopt(request: MemberRequest) -> HttpResponse:
    """Record the decision (usually kommunfullmäktige's) that puts the draft in force."""
    organisation = request.organisation
    open_draft = _open_draft(request)
    changed = False
    if request.method == "POST":
        form = DecisionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                adopted = services.adopt_as_shown(
                    open_draft,
                    form.cleaned_data["lock_version"],
                    request,
                    decision_fields=form.decision_fields(),
                )
            except services.EditConflict as e:
                open_draft, changed = e.current, True
                form = DecisionForm(_with(request.POST, lock_version=open_draft.lock_version))
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(
                    request,
                    _("Version %(number)s of the platform is now in force.")
                    % {"number": adopted.number},
                )
                return redirect("platform:detail", organisation.slug)
    else:
        form = DecisionForm(initial={"lock_version": open_draft.lock_version})
    complete = bool(
        open_draft.vision.strip() and open_draft.mission.strip() and open_draft.core_values
    )
    return render(
        request,
        "platform/adopt.html",
        {
            "draft": open_draft,
            "values": _values_of(open_draft),
            "form": form,
            "complete": complete,
            "changed": changed,
            "current": services.in_force(organisation),
        },
        status=409 if changed else 200,
    )
