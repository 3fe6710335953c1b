"""Imports: the list of import runs, uploading a measurement file, its preview and import, and
exporting measurements in the same layout.

Admins import for the whole organisation; unit leads for the units in their subtree (the check
turns rows for other units into errors) and see only their own runs. Every member may export,
as every member reads the measurements.
"""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.imports import files, measurements, services, tasks
from malbild.imports.forms import ExportForm, UploadForm
from malbild.imports.models import ImportRun
from malbild.lib.paging import paginate
from malbild.tenants.decorators import member_view
from malbild.tenants.requests import MemberRequest

IMPORTING = "can_import_data"
# Rows above which importing a checked file runs in the worker.
BACKGROUND_ROWS = 20000


def _runs(request: MemberRequest) -> QuerySet[ImportRun]:
    """The runs the person may see: all for an organisation-wide importer, else their own."""
    runs = ImportRun.objects.all()
    if not request.access.can(IMPORTING):
        runs = runs.filter(started_by_id=request.user.pk)
    return runs


def _run(request: MemberRequest, run_id: int) -> ImportRun:
    return get_object_or_404(_runs(request).select_related("started_by"), pk=run_id)


def _to_run(run: ImportRun) -> HttpResponse:
    return redirect(reverse("imports:run", args=[run.organisation.slug, run.pk]))


@require_safe
@member_view(IMPORTING)
def overview(request: MemberRequest) -> HttpResponse:
    runs = _runs(request).select_related("started_by").order_by("-created_at", "-id")
    return render(
        request,
        "imports/overview.html",
        {"page": paginate(request, runs), "may_use_kolada": request.access.can(IMPORTING)},
    )


@require_http_methods(["GET", "POST"])
@member_view(IMPORTING)
def upload(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    access = request.access
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        run = services.create_file_run(
            organisation,
            name=upload.name,
            data=data,
            user=request.user,
            subtrees=access.subtrees(IMPORTING),
        )
        if run.state == ImportRun.State.CHECKING and services.in_background(run, data):
            tasks.check_file.enqueue(run.organisation_id, run.pk)
        else:
            services.check_run(run, request)
        return _to_run(run)
    return render(request, "imports/upload.html", {"form": form, "columns": files.COLUMNS})


@require_safe
@member_view(IMPORTING)
def run_detail(request: MemberRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    context = {
        "run": run,
        "errors": paginate(request, run.errors),
        "columns": run.columns,
        "preview": run.preview,
    }
    # django-htmx's middleware sets request.htmx.
    if request.htmx and request.GET.get("progress"):
        return render(request, "imports/run.html#progress", context)
    return render(request, "imports/run.html", context)


@require_POST
@member_view(IMPORTING)
def commit(request: MemberRequest, run_id: int) -> HttpResponse:
    run = _run(request, run_id)
    if run.state != ImportRun.State.CHECKED:
        messages.error(request, _("Only a checked file without errors can be imported."))
        return _to_run(run)
    if run.rows_total > BACKGROUND_ROWS:
        with transaction.atomic():  # the sweep (interrupted.py) sees both or neither
            ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.IMPORTING)
            tasks.import_file.enqueue(run.organisation_id, run.pk)
        messages.info(request, _("The import has started; this page shows how far it has come."))
        return _to_run(run)
    try:
        services.import_run(run, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return _to_run(run)
    run.refresh_from_db()
    if run.state == ImportRun.State.DONE:
        messages.success(
            request,
            _("%(count)s values have been imported.") % {"count": run.rows_total},
        )
    else:
        messages.error(request, _("Nothing was imported: %(reason)s") % {"reason": run.message})
    return _to_run(run)


@require_safe
@member_view()
def export(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    form = ExportForm(request.GET or None, organisation=organisation)
    if not request.GET or not form.is_valid():
        return render(request, "imports/export.html", {"form": form})
    indicator = form.cleaned_data["indicator"]
    ids = [indicator.pk] if indicator else None
    stem = f"matvarden-{organisation.slug}-{timezone.localdate().isoformat()}"
    if indicator:
        stem += f"-{indicator.code}"
    if form.cleaned_data["format"] == files.XLSX:
        out = io.BytesIO()
        files.write_xlsx(
            measurements.export_rows(organisation, indicator_ids=ids, numbers=True), out
        )
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    text = io.StringIO()
    files.write_csv(measurements.export_rows(organisation, indicator_ids=ids), text)
    response = HttpResponse(text.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response
