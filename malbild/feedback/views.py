"""Moderating the public's feedback (`can_moderate_feedback`): the queue, and on each one's
page publish it with an answer, reject it, or carry it into omvärldsbevakning as a signal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from malbild.feedback import services
from malbild.feedback.forms import AnswerForm
from malbild.feedback.models import Feedback
from malbild.lib.paging import paginate
from malbild.tenants.decorators import member_view
from malbild.tenants.requests import MemberRequest

MODERATE = "can_moderate_feedback"
SHOWS = {
    "": Feedback.Status.PENDING,
    "publicerade": Feedback.Status.PUBLISHED,
    "avvisade": Feedback.Status.REJECTED,
}


@require_safe
@member_view(MODERATE)
def feedback_queue(request: MemberRequest) -> HttpResponse:
    show = request.GET.get("visa", "")
    if show not in SHOWS:
        show = ""
    items = Feedback.objects.filter(status=SHOWS[show]).select_related("unit")
    return render(
        request,
        "feedback/feedback_queue.html",
        {"page": paginate(request, items), "show": show},
    )


@require_safe
@member_view(MODERATE)
def feedback_detail(request: MemberRequest, feedback_id: int) -> HttpResponse:
    feedback = get_object_or_404(Feedback.objects.select_related("unit", "signal"), pk=feedback_id)
    form = AnswerForm(initial={"answer": feedback.answer})
    return render(request, "feedback/feedback_detail.html", {"feedback": feedback, "form": form})


@require_POST
@member_view(MODERATE)
def feedback_answer(request: MemberRequest, feedback_id: int) -> HttpResponse:
    feedback = get_object_or_404(Feedback.objects.select_related("unit"), pk=feedback_id)
    form = AnswerForm(request.POST)
    slug = request.organisation.slug
    if not form.is_valid():
        return render(
            request,
            "feedback/feedback_detail.html",
            {"feedback": feedback, "form": form},
            status=400,
        )
    try:
        services.answer_feedback(feedback, request, form.cleaned_data["answer"])
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        if feedback.answer:
            messages.success(request, _("The feedback and your answer are published."))
        else:
            messages.success(request, _("The feedback is published. Answer it when you can."))
    return redirect("feedback:feedback_detail", slug, feedback.pk)


@require_POST
@member_view(MODERATE)
def feedback_reject(request: MemberRequest, feedback_id: int) -> HttpResponse:
    feedback = get_object_or_404(Feedback, pk=feedback_id)
    try:
        services.reject_feedback(feedback, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The feedback has been rejected and will not be shown."))
    return redirect("feedback:feedback_queue", request.organisation.slug)


@require_POST
@member_view(MODERATE)
def feedback_signal(request: MemberRequest, feedback_id: int) -> HttpResponse:
    feedback = get_object_or_404(Feedback, pk=feedback_id)
    slug = request.organisation.slug
    try:
        signal = services.feedback_to_signal(feedback, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("feedback:feedback_detail", slug, feedback.pk)
    messages.success(request, _("The feedback is now a signal in the outlook."))
    return redirect("scanning:detail", slug, signal.pk)
