"""The two public forms, each on its own page (the cached public pages carry no form): a pupil
or guardian tells a success story, and anyone leaves feedback. No account and no personal data
needed; a honeypot, a minimum time and a limit per address keep the queues clean (`spam.py`).

What is sent waits for moderation; the person is told so."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from malbild.communication import services, spam
from malbild.communication.forms import FeedbackForm, SpamGuardForm, StorySubmitForm
from malbild.tenants.decorators import public_view
from malbild.tenants.requests import OrganisationRequest, PublicRequest

SENT = "skickad"


def _guarded(request: HttpRequest, form: SpamGuardForm, name: str) -> tuple[bool, int]:
    """Whether the form may be saved, and the status to answer otherwise. A filled honeypot
    is answered as if it had worked (a bot learns nothing) but nothing is saved."""
    if spam.over_limit(request, name):
        form.is_valid()  # so the form shows what was written, with the message on top
        form.add_error(None, _limit_message())
        return False, 429
    if not form.is_valid():
        return False, 400
    spam.count(request, name)
    return (not form.is_bot), 200


def _limit_message() -> str:
    from django.utils.translation import gettext

    return gettext(
        "Many messages have been sent from your connection in the last hour. Please try again "
        "later."
    )


@never_cache
@require_http_methods(["GET", "POST"])
@public_view
def story_submit(request: PublicRequest) -> HttpResponse:
    organisation = request.organisation
    if request.method == "GET" and SENT in request.GET:
        return render(request, "communication/public/story_sent.html", _context(request))
    form = StorySubmitForm(request.POST or None, request.FILES or None, organisation=organisation)
    status = 200
    if request.method == "POST":
        save, status = _guarded(request, form, "story")
        if status == 200:
            if save:
                data = form.cleaned_data
                services.submit_story(
                    organisation,
                    title=data["title"],
                    text=data["text"],
                    speaker=data["speaker"],
                    consent_by=data["consent_by"],
                    unit=data["unit"],
                    request=request,
                    image=data["image"],
                    alt_text=data["alt_text"],
                )
            url = reverse("communication_public:story_submit", args=[organisation.slug])
            return redirect(f"{url}?{SENT}=1")
    return render(
        request,
        "communication/public/story_submit.html",
        {**_context(request), "form": form},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@public_view
def feedback_form(request: PublicRequest) -> HttpResponse:
    organisation = request.organisation
    if request.method == "GET" and SENT in request.GET:
        return render(request, "communication/public/feedback_sent.html", _context(request))
    form = FeedbackForm(request.POST or None, organisation=organisation)
    status = 200
    if request.method == "POST":
        save, status = _guarded(request, form, "feedback")
        if status == 200:
            if save:
                data = form.cleaned_data
                services.leave_feedback(
                    organisation,
                    request,
                    message=data["message"],
                    unit=data["unit"],
                    contact_email=data["contact_email"],
                )
            url = reverse("communication_public:feedback_form", args=[organisation.slug])
            return redirect(f"{url}?{SENT}=1")
    return render(
        request,
        "communication/public/feedback_form.html",
        {**_context(request), "form": form},
        status=status,
    )


def _context(request: OrganisationRequest) -> dict[str, object]:
    return {"organisation": request.organisation, "feeds": []}
