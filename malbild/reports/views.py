"""Follow-up documents: the list of a period's kept documents with the form to ask for one, a
document's page (its progress while it is generated), and the PDF and Excel downloads.

Every member reads a period's documents, except one that holds follow-up reports not yet ready,
which only those who read those drafts see (`followup.access`; others get 404). Asking for a
document needs `can_generate_reports` for the unit whose subtree it covers (403 otherwise).
"""

import os
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from malbild.followup.models import Period
from malbild.lib.paging import paginate
from malbild.reports import access as document_access
from malbild.reports import services
from malbild.reports.forms import RequestForm
from malbild.reports.models import GeneratedReport
from malbild.tenants.decorators import member_view
from malbild.tenants.requests import MemberRequest

GENERATE = "can_generate_reports"
PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _document(request: MemberRequest, document_id: int) -> GeneratedReport:
    """A document the person reads, or 404 (another organisation's, or one with drafts the
    person does not read)."""
    document = get_object_or_404(
        GeneratedReport.objects.select_related("period", "unit", "requested_by"), pk=document_id
    )
    if not document_access.may_read(request.access, document):
        raise Http404
    return document


def _list(request: MemberRequest, period: Period, form: RequestForm, status: int = 200) -> Any:
    access = request.access
    found = (
        GeneratedReport.objects.filter(period=period)
        .filter(document_access.readable(access))
        .select_related("unit", "requested_by")
        .order_by("-requested_at", "-id")
    )
    return render(
        request,
        "reports/documents.html",
        {
            "period": period,
            "page": paginate(request, found),
            "form": form,
            "may_generate": access.can(GENERATE, anywhere=True),
        },
        status=status,
    )


@require_safe
@member_view()
def documents(request: MemberRequest, period_id: int) -> HttpResponse:
    period = get_object_or_404(Period, pk=period_id)
    organisation = request.organisation
    subtrees = request.access.subtrees(GENERATE)
    return _list(request, period, RequestForm(organisation=organisation, subtrees=subtrees))


@require_POST
@member_view(GENERATE)
def request_document(request: MemberRequest, period_id: int) -> HttpResponse:
    period = get_object_or_404(Period, pk=period_id)
    organisation = request.organisation
    access = request.access
    form = RequestForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return _list(request, period, form, status=400)
    unit = form.cleaned_data["unit"]
    access.require(GENERATE, unit)
    try:
        document, created = services.request_document(
            organisation,
            request,
            access=access,
            period=period,
            unit=unit,
            language=form.cleaned_data["language"],
            drafts=form.cleaned_data["drafts"],
        )
    except ValidationError as e:
        form.add_error(None, " ".join(e.messages))
        return _list(request, period, form, status=400)
    if created:
        messages.success(
            request, _("The document is being generated; this page shows how far it has come.")
        )
    else:
        messages.info(
            request,
            _("The same document is already being generated; this is its page."),
        )
    return redirect("reports:document", organisation.slug, document.pk)


@require_safe
@member_view()
def document(request: MemberRequest, document_id: int) -> HttpResponse:
    found = _document(request, document_id)
    context = {"document": found, "period": found.period}
    # django-htmx's middleware sets request.htmx.
    if request.htmx and request.GET.get("progress"):
        return render(request, "reports/document_page.html#progress", context)
    return render(request, "reports/document_page.html", context)


def _chunks(field: Any) -> Iterator[bytes]:
    """The kept file, opened at the first chunk (so an unsent response holds no open file)."""
    with field.storage.open(field.name, "rb") as handle:
        while chunk := handle.read(FileResponse.block_size):
            yield chunk


def _download(request: MemberRequest, document_id: int, kind: str) -> HttpResponse:
    found = _document(request, document_id)
    field = found.pdf_file if kind == "pdf" else found.xlsx_file
    if not found.is_done or not field or not field.storage.exists(field.name):
        raise Http404
    response = FileResponse(_chunks(field), content_type=PDF if kind == "pdf" else XLSX)
    disposition = "inline" if kind == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{os.path.basename(field.name)}"'
    response["Content-Length"] = str(field.storage.size(field.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response  # type: ignore[return-value]


@require_safe
@member_view()
def download_pdf(request: MemberRequest, document_id: int) -> HttpResponse:
    return _download(request, document_id, "pdf")


@require_safe
@member_view()
def download_xlsx(request: MemberRequest, document_id: int) -> HttpResponse:
    return _download(request, document_id, "xlsx")


@require_POST
@member_view(GENERATE)
def retry(request: MemberRequest, document_id: int) -> HttpResponse:
    found = _document(request, document_id)
    request.access.require(GENERATE, found.unit)
    try:
        again = services.retry(found, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        again = found
    else:
        messages.success(request, _("The document is being generated again."))
    return redirect("reports:document", request.organisation.slug, again.pk)


# A panel on the start page ------------------------------------------------------------------------


def latest_document_panel(*, request: MemberRequest, **_signal: Any) -> str:
    """In "Att göra" on the start page (`tenants.signals.start_panels`): the newest finished
    document the person reads, for those who follow the whole organisation (the nämnd's members
    and the administration; one query). People limited to units see their units' documents on
    the period's page."""
    if request.access.subtrees(GENERATE) is not None:
        return ""
    latest = (
        GeneratedReport.objects.filter(status=GeneratedReport.Status.DONE)
        .filter(document_access.readable(request.access))
        .select_related("period", "unit")
        .order_by("-finished_at", "-pk")
        .first()
    )
    if latest is None:
        return ""
    return render_to_string("reports/_latest_document.html", {"document": latest}, request)
