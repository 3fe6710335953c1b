"""Public pages of the feedback (`/offentlig/<org>/synpunkter/…`, no login): the published
feedback with the organisation's answers (read-only and cacheable, `lib/cacheable.py`), and the
form where anyone leaves feedback, on its own page and guarded against spam (`lib/spam.py`)."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from malbild.feedback import services
from malbild.feedback.forms import FeedbackForm
from malbild.lib import spam
from malbild.lib.cacheable import cached_render, newest
from malbild.lib.paging import paginate
from malbild.tenants.decorators import public_view
from malbild.tenants.requests import PublicRequest

SENT = "skickad"


@require_safe
@public_view
def feedback(request: PublicRequest) -> HttpResponse:
    """Published feedback with the organisation's answers: no address, no name."""
    organisation = request.organisation
    page = paginate(request, services.answered_feedback().select_related("unit"))
    rows = list(page.object_list)
    return cached_render(
        request,
        "feedback/public/feedback.html",
        {"organisation": organisation, "page": page, "rows": rows, "feeds": []},
        parts=[organisation.name, page.paginator.count, *((f.pk, f.updated_at) for f in rows)],
        last_modified=newest(organisation.created_at, *(f.updated_at for f in rows)),
    )


@never_cache
@require_http_methods(["GET", "POST"])
@public_view
def feedback_form(request: PublicRequest) -> HttpResponse:
    organisation = request.organisation
    if request.method == "GET" and SENT in request.GET:
        return render(
            request,
            "feedback/public/feedback_sent.html",
            {"organisation": request.organisation, "feeds": []},
        )
    form = FeedbackForm(request.POST or None, organisation=organisation)
    status = 200
    if request.method == "POST":
        save, status = spam.guarded(request, form, "feedback")
        if status == 200:
            if save:
                data = form.cleaned_data
                services.leave_feedback(
                    organisation,
                    message=data["message"],
                    unit=data["unit"],
                    contact_email=data["contact_email"],
                )
            url = reverse("feedback_public:feedback_form", args=[organisation.slug])
            return redirect(f"{url}?{SENT}=1")
    return render(
        request,
        "feedback/public/feedback_form.html",
        {"organisation": request.organisation, "feeds": [], "form": form},
        status=status,
    )
