"""The pupils' pages (`/elev/…`, no account) and the public results ("What the pupils say",
`/offentlig/<org>/elevrosten/`).

A pupil opens `/elev/<code>/` from the QR code, or types the code on `/elev/`, and answers on one
page that works without JavaScript. Nothing about the pupil is stored: the answer is one row,
the device is remembered only by a signed cookie holding the survey's id (`limits.py`), and the
address only as a hash in a counter that expires. The code stops working when the survey closes
or its last day has passed.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from malbild.surveys import limits, results, services
from malbild.surveys.forms import AnswerForm, CodeForm
from malbild.surveys.models import MIN_ANSWERS, Response, Survey
from malbild.tenants.decorators import public_view
from malbild.tenants.requests import PublicRequest
from malbild.tenants.scope import scope

# The pages answer in these statuses, so that a script (and a test) can tell them apart.
UNKNOWN, CLOSED, ALREADY, FLOOD = 404, 410, 409, 429


@never_cache
@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """Type the code from the board; a known code leads to its survey."""
    form = CodeForm(request.GET or None)
    if form.is_bound and form.is_valid():
        survey = services.find(form.cleaned_data["kod"])
        if survey is not None:
            return redirect(reverse("surveys_pupil:answer", args=[survey.code]))
        form.add_error(
            "kod", _("There is no survey with that code. Check the code with your teacher.")
        )
    return render(request, "surveys/pupil/start.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, code: str) -> HttpResponse:
    """The survey on one page; a POST stores the answers and leads to the thanks page.

    Opening the page looks the survey up afresh; the answer takes it as this process found it
    lately (`find(recent=True)`), since its write checks again that the survey is open."""
    survey = services.find(code, recent=request.method == "POST")
    if survey is None:
        return render(request, "surveys/pupil/unknown.html", {"form": CodeForm()}, status=UNKNOWN)
    with scope(survey.organisation):
        context = {"survey": survey, "organisation": survey.organisation}
        if not services.answerable(survey):
            return render(request, "surveys/pupil/closed.html", context, status=CLOSED)
        if limits.answered_here(request, survey):
            status = ALREADY if request.method == "POST" else 200
            return render(request, "surveys/pupil/already.html", context, status=status)
        form = AnswerForm(request.POST or None, survey=survey)
        status = 200
        if request.method == "POST":
            counter = limits.counter(request, survey)
            if counter.over:
                form.is_valid()  # the pupil's choices stay on the page, with the message on top
                form.add_error(
                    None,
                    _(
                        "Very many answers have come from your network just now. Wait a few "
                        "minutes and send your answers again."
                    ),
                )
                status = FLOOD
            elif form.is_valid():
                try:
                    # The answer and its count in one short transaction: on SQLite one write
                    # lock per answer instead of two.
                    with transaction.atomic():
                        services.answer(
                            survey,
                            form.answers(),
                            form.cleaned_data.get("text", ""),
                            form.cleaned_data.get("may_publish", False),
                        )
                        counter.add()
                except ValidationError as e:
                    if getattr(e, "code", None) == "closed":  # it closed while they answered
                        return render(request, "surveys/pupil/closed.html", context, status=CLOSED)
                    form.add_error(None, e)
                    status = 400
                else:
                    response = redirect(reverse("surveys_pupil:thanks"))
                    limits.remember(response, survey)
                    return response
            else:
                status = 400
        return render(
            request, "surveys/pupil/answer.html", {**context, "form": form}, status=status
        )


@never_cache
@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "surveys/pupil/thanks.html")


@require_safe
@public_view
def public_results(request: PublicRequest) -> HttpResponse:
    """What the pupils say: the results teachers chose to publish, per statement for the whole
    organisation and per school, and the pupils' own words a teacher chose, where the pupil
    agreed and was old enough to agree."""
    organisation = request.organisation
    picture = results.overview(public=True)
    chart = None
    if picture.rows:
        chart = results.chart(
            picture.rows,
            title=_("Pupils who agree: %(where)s, %(term)s")
            % {"where": organisation.name, "term": picture.period},
            this=picture.period or "",
            before=picture.previous_period,
        )
    chosen = [
        response
        for response in Response.objects.filter(
            Q(text_state=Response.TextState.CHOSEN, may_publish=True),
            survey__status=Survey.Status.CLOSED,
        ).select_related("survey__unit", "survey__organisation")[:20]
        if response.survey.may_consent()
    ]
    return render(
        request,
        "surveys/public/results.html",
        {
            "organisation": organisation,
            "picture": picture,
            "chart": chart,
            "chosen": chosen,
            "min_answers": MIN_ANSWERS,
            "feeds": [],
        },
    )
