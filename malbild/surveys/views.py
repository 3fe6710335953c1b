"""Elevrösten for members: the surveys, opening one, its code and QR code (and a poster for the
classroom), closing it, its results, the open answers to read first, what is public, the
picture of a unit or the whole organisation, and which statements measure which indicators.

Every member reads results; running a survey needs `can_run_surveys` for its unit (`access.py`).
"""

from decimal import Decimal
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, FilteredRelation, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.goals.models import Goal
from malbild.indicators.models import Measurement
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.surveys import access, qr, results, services
from malbild.surveys.forms import LinkForm, SurveyForm
from malbild.surveys.models import MIN_ANSWERS, IndicatorLink, Response, Survey
from malbild.tenants.decorators import member_view
from malbild.tenants.models import OrgUnit
from malbild.tenants.requests import MemberRequest, OrganisationRequest

RUN = access.RUN
LINK = "can_edit_indicators"


def _survey(request: HttpRequest, survey_id: int) -> Survey:
    return get_object_or_404(Survey.objects.select_related("unit"), pk=survey_id)


def _run(request: MemberRequest, survey_id: int) -> Survey:
    """A survey the person may run, else 403 (404 when it is not the organisation's)."""
    survey = _survey(request, survey_id)
    request.access.require(RUN, survey.unit)
    return survey


def _to_survey(request: OrganisationRequest, survey: Survey) -> HttpResponse:
    return redirect(reverse("surveys:detail", args=[request.organisation.slug, survey.pk]))


def pupil_url(request: HttpRequest, survey: Survey) -> str:
    return request.build_absolute_uri(reverse("surveys_pupil:answer", args=[survey.code]))


@require_safe
@member_view()
def survey_list(request: MemberRequest) -> HttpResponse:
    """The open surveys the person runs (with their codes), and every closed survey."""
    who = request.access
    counted = Survey.objects.select_related("unit").annotate(answers=Count("responses"))
    running = list(counted.filter(access.runnable(who), status=Survey.Status.OPEN))
    closed = paginate(
        request, Survey.objects.select_related("unit").filter(status=Survey.Status.CLOSED)
    )
    return render(
        request,
        "surveys/list.html",
        {
            "running": running,
            "page": closed,
            "may_run": who.can(RUN, anywhere=True),
            "may_link": who.can(LINK),
            "min_answers": MIN_ANSWERS,
        },
    )


@require_http_methods(["GET", "POST"])
@member_view(RUN)
def survey_create(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    who = request.access
    form = SurveyForm(request.POST or None, organisation=organisation, access=who)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        who.require(RUN, data["unit"])
        try:
            survey = services.open_survey(
                organisation,
                request,
                unit=data["unit"],
                age_group=data["age_group"],
                statement_keys=data["statement_keys"],
                group_label=data["group_label"],
                ask_free_text=data["ask_free_text"],
                shared_devices=data["shared_devices"],
                expected_pupils=data["expected_pupils"],
                closes_on=data["closes_on"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The survey is open. Show the pupils the code or the QR code.")
            )
            return _to_survey(request, survey)
    return render(
        request, "surveys/create.html", {"form": form}, status=400 if form.errors else 200
    )


@require_safe
@member_view()
def survey_detail(request: MemberRequest, survey_id: int) -> HttpResponse:
    """While open, to those who run it: the code, the QR code and how many have answered. Once
    closed, to every member: the results (with at least MIN_ANSWERS answers) and the open
    answers a teacher has read."""
    survey = _survey(request, survey_id)
    who = request.access
    may_run = access.may_run(who, survey)
    rows, before = results.survey_rows(survey)
    texts = Response.objects.filter(access.readable_texts(who, survey), survey=survey)
    context: dict[str, Any] = {
        "survey": survey,
        "may_run": may_run,
        "answers": survey.responses.count() if survey.is_open else survey.answer_count,
        "answerable": services.answerable(survey),
        "rows": rows,
        "before": before,
        "min_answers": MIN_ANSWERS,
        "texts": list(texts.filter(text_state__in=["read", "chosen"])[:50]),
        "unread": texts.filter(text_state=Response.TextState.UNREAD).count() if may_run else 0,
        "links": {
            link.statement_key: link.indicator
            for link in IndicatorLink.objects.select_related("indicator")
        },
    }
    if may_run and survey.is_open:
        context["pupil_url"] = pupil_url(request, survey)
        context["qr"] = qr.svg(context["pupil_url"], survey.shown_code)
    if rows:
        context["chart"] = results.chart(
            rows,
            title=_("Pupils who agree: %(group)s") % {"group": survey.title},
            this=survey.period,
            before=before.period if before else None,
        )
    return render(request, "surveys/detail.html", context)


@require_safe
@member_view(RUN)
def survey_poster(request: MemberRequest, survey_id: int) -> HttpResponse:
    """A page to show on the board or print: the address, the code and the QR code, large."""
    survey = _run(request, survey_id)
    url = pupil_url(request, survey)
    start = request.build_absolute_uri(reverse("surveys_pupil:start"))
    return render(
        request,
        "surveys/poster.html",
        {"survey": survey, "pupil_url": url, "start_url": start,
         "qr": qr.svg(url, survey.shown_code), "answerable": services.answerable(survey)},
    )  # fmt: skip


@require_POST
@member_view(RUN)
def survey_close(request: MemberRequest, survey_id: int) -> HttpResponse:
    survey = _run(request, survey_id)
    try:
        survey = services.close_survey(survey, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return _to_survey(request, survey)
    if survey.has_results:
        messages.success(request, _("The survey is closed. Its results are below."))
    else:
        messages.warning(
            request,
            _(
                "The survey is closed with %(count)d answers. Results are shown only from "
                "%(min)d answers, so that no pupil can be picked out."
            )
            % {"count": survey.answer_count, "min": MIN_ANSWERS},
        )
    return _to_survey(request, survey)


@require_POST
@member_view(RUN)
def survey_publish(request: MemberRequest, survey_id: int) -> HttpResponse:
    survey = _run(request, survey_id)
    public = request.POST.get("public") == "1"
    try:
        services.set_results_public(survey, request, public)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        if public:
            messages.success(request, _("The results are shown on the public pages."))
        else:
            messages.success(request, _("The results are no longer shown on the public pages."))
    return _to_survey(request, survey)


@require_safe
@member_view(RUN)
def survey_texts(request: MemberRequest, survey_id: int) -> HttpResponse:
    """The open answers, unread first, for those who run the survey to read before anyone else
    does, and to hide or choose for the public pages."""
    survey = _run(request, survey_id)
    texts = Response.objects.filter(survey=survey).exclude(text_state=Response.TextState.NONE)
    order = {"unread": 0, "read": 1, "chosen": 2, "hidden": 3}
    rows = sorted(texts, key=lambda r: (order.get(r.text_state, 9), r.pk))
    page = paginate(request, rows)
    return render(
        request,
        "surveys/texts.html",
        {"survey": survey, "page": page, "may_consent": survey.may_consent()},
    )


@require_POST
@member_view(RUN)
def text_moderate(request: MemberRequest, survey_id: int, response_id: int) -> HttpResponse:
    survey = _run(request, survey_id)
    response = get_object_or_404(
        Response.objects.select_related("survey__organisation"), pk=response_id, survey=survey
    )
    try:
        services.moderate_text(response, request, request.POST.get("action", ""))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect(reverse("surveys:texts", args=[request.organisation.slug, survey.pk]))


@require_safe
@member_view()
def overview(request: MemberRequest) -> HttpResponse:
    """The whole organisation's (or, with ?enhet=, a unit's) latest term per statement, each
    school beside it, the spread between schools and the change since the term before."""
    unit = None
    if request.GET.get("enhet", "").isdigit():
        unit = get_object_or_404(OrgUnit, pk=int(request.GET["enhet"]))
    picture = results.overview(unit)
    chart = None
    if picture.rows:
        chart = results.chart(
            picture.rows,
            title=_("Pupils who agree: %(where)s, %(term)s")
            % {
                "where": unit.name if unit else request.organisation.name,
                "term": picture.period,
            },
            this=picture.period or "",
            before=picture.previous_period,
        )
    return render(
        request,
        "surveys/overview.html",
        {"picture": picture, "unit": unit, "chart": chart, "min_answers": MIN_ANSWERS},
    )


@require_http_methods(["GET", "POST"])
@member_view(LINK)
def links(request: MemberRequest) -> HttpResponse:
    """Which statement measures which indicator: closing a survey then enters the share who
    agree as the indicator's values."""
    organisation = request.organisation
    if not request.access.can(LINK):
        raise PermissionDenied(_("Only the administration may link statements to indicators."))
    form = LinkForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.link_indicator(
                organisation,
                request,
                statement_key=form.cleaned_data["statement_key"],
                indicator=form.cleaned_data["indicator"],
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("Saved."))
            return redirect(reverse("surveys:links", args=[organisation.slug]))
    existing = {
        link.statement_key: link.indicator
        for link in IndicatorLink.objects.select_related("indicator")
    }
    labels = results.statement_labels()
    rows = [(key, _(text), existing.get(key)) for key, (_area, text) in labels.items()]
    return render(
        request,
        "surveys/links.html",
        {"form": form, "rows": rows},
        status=400 if form.errors else 200,
    )


# A panel on the goals app's page ------------------------------------------------------------------


class Voice(NamedTuple):
    """A statement that measures one of a goal's indicators, with its latest value for the
    goal's unit (None when no survey has measured it there)."""

    code: str
    text: str
    value: Decimal | None
    period: str | None
    position: float | None


def pupil_voice_panel(*, request: MemberRequest, goal: Goal, **_signal: Any) -> str:
    """On a goal's page (`goals.signals.measure_panels`): the statements that measure the goal's
    indicators, with the latest value for the goal's unit: "72 % of the pupils agree that …"
    (one query; nothing when no statement measures it)."""
    # Every value of each statement's indicator for the unit, joined, and the latest picked
    # here: a join compiles in half the time of the two subqueries that picked it in SQL.
    rows = (
        IndicatorLink.objects.filter(indicator__goal_links__goal=goal)
        .annotate(
            measured=FilteredRelation(
                "indicator__measurements",
                condition=Q(
                    indicator__measurements__org_unit_id=goal.unit_id,
                    indicator__measurements__gender=Measurement.Gender.ALL,
                    indicator__measurements__value__isnull=False,
                ),
            )
        )
        .values_list(
            "statement_key",
            "indicator__code",
            "measured__value",
            "measured__period",
            "measured__position",
        )
        .order_by("statement_key")
    )
    labels = results.statement_labels()
    latest: dict[str, Voice] = {}
    for key, code, value, period, position in rows:
        if key not in labels:
            continue
        known = latest.get(key)
        # A statement's rows are one without a value (LEFT JOIN, none measured) or all valued.
        if known is None or (known.position or 0) < (position or 0):
            latest[key] = Voice(code, results._label(key)[1], value, period, position)
    return render_to_string(
        "surveys/_goal_voice.html",
        {"statements": list(latest.values()), "goal": goal, "slug": request.organisation.slug},
        request,
    )
