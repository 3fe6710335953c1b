"""Steering documents (styrdokument): the list with the timeline of coming changes, one
document with its dated changes, and the admins' forms to keep them."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from malbild.steering import services, signals
from malbild.steering.forms import ChangeForm, DocumentForm
from malbild.steering.models import SteeringChange, SteeringDocument
from malbild.tenants.decorators import member_view
from malbild.tenants.requests import MemberRequest

PAGE_SIZE = 50
TIMELINE_LENGTH = 20
RECENT_DAYS = 365
RECENT_LENGTH = 50
KIND_LABELS = dict(SteeringChange.Kind.choices)


def _document(document_id: int) -> SteeringDocument:
    """A document of the organisation in scope, or 404 (also for another organisation's id)."""
    return get_object_or_404(SteeringDocument, pk=document_id)


@require_safe
@member_view()
def document_list(request: MemberRequest) -> HttpResponse:
    today = timezone.localdate()
    latest = SteeringChange.objects.filter(document=OuterRef("pk"), date__lte=today).order_by(
        "-date", "-id"
    )
    documents = SteeringDocument.objects.annotate(
        latest_kind=Subquery(latest.values("kind")[:1]),
        latest_date=Subquery(latest.values("date")[:1]),
    ).order_by("title", "id")
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    for document in page.object_list:
        document.latest_label = KIND_LABELS.get(document.latest_kind, "")
    recent = (
        SteeringChange.objects.filter(date__lte=today, date__gt=today - timedelta(days=RECENT_DAYS))
        .select_related("document")
        .order_by("-date", "-id")[:RECENT_LENGTH]
    )
    return render(
        request,
        "steering/document_list.html",
        {
            "page": page,
            "coming": services.coming_changes(limit=TIMELINE_LENGTH),
            "recent": list(recent),
            "recent_length": RECENT_LENGTH,
        },
    )


@require_safe
@member_view()
def document_detail(request: MemberRequest, document_id: int) -> HttpResponse:
    document = _document(document_id)
    return render(
        request,
        "steering/document_detail.html",
        {
            "document": document,
            "changes": list(document.changes.order_by("date", "id")),
            "today": timezone.localdate(),
            # What the apps above show here (targets: the versions of the målbild citing it).
            "panels": signals.document_panels.render(
                SteeringDocument, request=request, document=document
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@member_view("can_edit_steering")
def document_create(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    form = DocumentForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        document = services.save_document(organisation, request, **form.cleaned_data)
        messages.success(
            request, _("The steering document %(title)s has been added.") % {"title": document}
        )
        return redirect("steering:detail", organisation.slug, document.pk)
    return render(request, "steering/document_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_view("can_edit_steering")
def document_edit(request: MemberRequest, document_id: int) -> HttpResponse:
    organisation = request.organisation
    document = _document(document_id)
    form = DocumentForm(
        request.POST or None,
        initial=model_to_dict(document, fields=services.DOCUMENT_FIELDS),
        organisation=organisation,
        document=document,
    )
    if request.method == "POST" and form.is_valid():
        changed = {
            name: value
            for name, value in form.cleaned_data.items()
            if getattr(document, name) != value
        }
        if changed:
            services.save_document(organisation, request, document, **changed)
            messages.success(
                request, _("The steering document %(title)s has been saved.") % {"title": document}
            )
        else:
            messages.info(request, _("Nothing was changed."))
        return redirect("steering:detail", organisation.slug, document.pk)
    return render(request, "steering/document_form.html", {"form": form, "document": document})


@require_http_methods(["GET", "POST"])
@member_view("can_edit_steering")
def change_create(request: MemberRequest, document_id: int) -> HttpResponse:
    organisation = request.organisation
    document = _document(document_id)
    form = ChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = services.add_change(document, request, **form.cleaned_data)
        # The apps above say what they did about it (the målbild that cites it is flagged).
        messages.success(request, " ".join([_("The change has been added."), *added.notices]))
        return redirect("steering:detail", organisation.slug, document.pk)
    return render(request, "steering/change_form.html", {"form": form, "document": document})
