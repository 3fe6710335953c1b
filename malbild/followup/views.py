"""Follow-up: the periods, each period's goals and reports, the completion overview, a unit's
list of goals to report, one report with its comments, the investments' follow-up and the
Excel export.

Every member reads periods, overviews and reports that are ready; a draft report only inside
its unit's subtree and by admins (`followup.access`; others get 404). Writing goes through
`followup.services`: reports need `can_report_followup` for the goal's unit, periods, approval
and investments `can_manage_followup`.
"""

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.followup import access as report_access
from malbild.followup import services
from malbild.followup.export import workbook_bytes
from malbild.followup.forms import (
    CommentForm,
    InvestmentFollowUpForm,
    LateForm,
    PeriodForm,
    ReportForm,
    SendBackForm,
)
from malbild.followup.models import (
    InvestmentFollowUp,
    LateReminder,
    Period,
    Report,
    ReportComment,
)
from malbild.goals.models import Goal
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.targets import services as target_services
from malbild.targets.models import Investment
from malbild.tenants.decorators import member_view
from malbild.tenants.models import OrgUnit
from malbild.tenants.requests import MemberRequest, OrganisationRequest

MANAGE = "can_manage_followup"
REPORT = "can_report_followup"
State = Report.State


def _period(period_id: int) -> Period:
    """A period of the organisation in scope, or 404 (also for another organisation's id)."""
    return get_object_or_404(Period, pk=period_id)


def _report(request: MemberRequest, report_id: int) -> Report:
    """A report the person reads, or 404: another organisation's, or a draft outside their
    subtree."""
    report = get_object_or_404(
        Report.objects.select_related("period", "goal__focus_area", "unit"), pk=report_id
    )
    if not report_access.may_read(request.access, report):
        raise Http404
    return report


def _to_report(request: OrganisationRequest, report: Report) -> HttpResponse:
    return redirect("followup:report_detail", request.organisation.slug, report.pk)


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """The number of rows of `queryset` (correlated on its `unit`), as a subquery."""
    counted = queryset.order_by().values("unit").annotate(n=Count("id")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


_to_report_filter = services.to_report


def _goal_rows(request: MemberRequest, period: Period, goals: QuerySet[Goal]) -> Any:
    """A page of goals with their report for the period (when the person reads it), the late
    ones first once the deadline has passed: two queries for the page and one for its reports."""
    today = timezone.localdate()
    goals = goals.filter(_to_report_filter(period)).select_related("unit", "focus_area")
    closed = period.is_closed(today)
    if closed:  # the goals without a ready report are late: those first
        done = Report.objects.filter(
            period=period, goal=OuterRef("pk"), state__in=report_access.PUBLISHED
        )
        goals = goals.annotate(done=Exists(done)).order_by("done", "unit__path", "title", "id")
    else:
        goals = goals.order_by("unit__path", "title", "id")
    page = paginate(request, goals)
    goals_on_page = list(page.object_list)
    reports = {
        r.goal_id: r
        for r in Report.objects.filter(period=period, goal__in=[g.pk for g in goals_on_page])
    }
    access = request.access
    rows = []
    for goal in goals_on_page:
        report = reports.get(goal.pk)
        if report is not None:
            report.unit = goal.unit
        readable = report is not None and report_access.may_read(access, report)
        may_write = (
            access.can(REPORT, goal.unit)
            and (report is None or report.is_draft)
            and period.state(today) != Period.State.UPCOMING
        )
        late = closed and (report is None or report.state not in report_access.PUBLISHED)
        rows.append(
            {
                "goal": goal,
                "report": report,
                "readable": readable,
                "may_write": may_write,
                "late": late,
            }
        )
    page.object_list = rows
    return page


# Periods ------------------------------------------------------------------------------------------


@require_safe
@member_view()
def periods(request: MemberRequest) -> HttpResponse:
    """Every period, newest first, with how far its reports have come."""
    reports = Report.objects.filter(period=OuterRef("pk")).order_by().values("period")
    rows = Period.objects.annotate(
        reported=Coalesce(
            Subquery(reports.annotate(n=Count("id")).values("n")[:1], output_field=IntegerField()),
            0,
        ),
        approved=Coalesce(
            Subquery(
                reports.filter(state=State.APPROVED).annotate(n=Count("id")).values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
        late_units=Coalesce(
            Subquery(
                Goal.objects.filter(services.outstanding(OuterRef(OuterRef("pk"))))
                .order_by()
                .annotate(one=Value(1))
                .values("one")
                .annotate(n=Count("unit", distinct=True))
                .values("n")[:1],
                output_field=IntegerField(),
            ),
            0,
        ),
    )
    access = request.access
    own_units = [
        m.unit for m in access.memberships if m.unit is not None and access.can(REPORT, m.unit)
    ]
    return render(
        request,
        "followup/periods.html",
        {
            "page": paginate(request, rows),
            "today": timezone.localdate(),
            "may_manage": access.can(MANAGE),
            "own_units": sorted({u.pk: u for u in own_units}.values(), key=lambda u: u.path),
        },
    )


@require_http_methods(["GET", "POST"])
@member_view(MANAGE)
def period_create(request: MemberRequest) -> HttpResponse:
    organisation = request.organisation
    request.access.require(MANAGE)
    form = PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.create_period(organisation, request, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The period %(name)s has been created.") % {"name": period.name}
            )
            return redirect("followup:period_detail", organisation.slug, period.pk)
    return render(request, "followup/period_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@member_view(MANAGE)
def period_edit(request: MemberRequest, period_id: int) -> HttpResponse:
    organisation = request.organisation
    period = _period(period_id)
    request.access.require(MANAGE)
    form = PeriodForm(request.POST or None, initial=PeriodForm.initial_for(period))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_period(period, request, **form.cleaned_data)
        except ValidationError as e:
            period.refresh_from_db()
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The period %(name)s has been saved.") % {"name": period.name}
            )
            return redirect("followup:period_detail", organisation.slug, period.pk)
    return render(request, "followup/period_form.html", {"form": form, "period": period})


@require_safe
@member_view()
def period_detail(request: MemberRequest, period_id: int) -> HttpResponse:
    """One period: the goals it follows up with their reports (paged), and the investments."""
    organisation = request.organisation
    period = _period(period_id)
    access = request.access
    target = target_services.adopted(organisation)
    investments = list(target.investments.all()) if target else []
    followups = {
        f.investment_id: f
        for f in InvestmentFollowUp.objects.filter(
            period=period, investment__in=[i.pk for i in investments]
        )
    }
    return render(
        request,
        "followup/period_detail.html",
        {
            "period": period,
            "today": timezone.localdate(),
            "page": _goal_rows(request, period, Goal.objects.all()),
            "investments": [(i, followups.get(i.pk)) for i in investments],
            "may_manage": access.can(MANAGE),
        },
    )


@require_safe
@member_view()
def overview(request: MemberRequest, period_id: int) -> HttpResponse:
    """The completion overview: per unit, how many goals it has to report and how many are
    reported, marked ready and approved (paged by unit, a constant number of queries)."""
    period = _period(period_id)
    today = timezone.localdate()
    closed = period.is_closed(today)
    goals = Goal.objects.filter(unit=OuterRef("pk")).filter(_to_report_filter(period))
    reports = Report.objects.filter(period=period, unit=OuterRef("pk"))
    units = (
        OrgUnit.objects.annotate(
            to_report=_count(goals),
            reported=_count(reports),
            ready=_count(reports.filter(state__in=report_access.PUBLISHED)),
            approved=_count(reports.filter(state=State.APPROVED)),
            late=ExpressionWrapper(Q(ready__lt=F("to_report")), output_field=BooleanField())
            if closed
            else Value(False),
            reminded=Exists(
                LateReminder.objects.filter(period=period, unit=OuterRef("pk"), sent_on=today)
            ),
        )
        .filter(to_report__gt=0)
        .order_by("-late", "path")
    )
    totals = Report.objects.filter(period=period).aggregate(
        reported=Count("id"),
        ready=Count("id", filter=Q(state__in=report_access.PUBLISHED)),
        approved=Count("id", filter=Q(state=State.APPROVED)),
    )
    totals["to_report"] = Goal.objects.filter(_to_report_filter(period)).count()
    totals["late_units"] = _late_units(period) if closed else 0
    return render(
        request,
        "followup/overview.html",
        {
            "period": period,
            "today": today,
            "page": paginate(request, units),
            "totals": totals,
            "may_remind": closed and request.access.can(MANAGE),
        },
    )


def _late_units(period: Period) -> int:
    """How many units own goals of the period without a ready report (one query)."""
    return Goal.objects.filter(services.outstanding(period)).values("unit").distinct().count()


@require_POST
@member_view(MANAGE)
def remind(request: MemberRequest, period_id: int, unit_id: int) -> HttpResponse:
    """Remind the lead of a unit whose reports are late, by e-mail (once a day at most)."""
    period = _period(period_id)
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    request.access.require(MANAGE)
    try:
        emails = services.remind_late(period, unit, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("A reminder has been sent to %(emails)s.") % {"emails": ", ".join(emails)},
        )
    return redirect("followup:overview", request.organisation.slug, period.pk)


@require_safe
@member_view()
def unit_reports(request: MemberRequest, period_id: int, unit_id: int) -> HttpResponse:
    """A unit's list of goals to report in the period: its own and those of the units below."""
    period = _period(period_id)
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    goals = Goal.objects.filter(unit__path__startswith=unit.path)
    return render(
        request,
        "followup/unit_reports.html",
        {
            "period": period,
            "unit": unit,
            "today": timezone.localdate(),
            "page": _goal_rows(request, period, goals),
        },
    )


# Reports ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(REPORT)
def report_form(request: MemberRequest, period_id: int, goal_id: int) -> HttpResponse:
    """Write the report of a goal for a period (or go on with its draft)."""
    period = _period(period_id)
    goal = get_object_or_404(Goal.objects.select_related("unit", "focus_area"), pk=goal_id)
    request.access.require(REPORT, goal.unit)
    report = Report.objects.filter(period=period, goal=goal).first()
    if report is not None and not report.is_draft:
        messages.info(
            request,
            _("The report is %(state)s and can no longer be changed.")
            % {"state": report.get_state_display()},
        )
        return _to_report(request, report)
    today = timezone.localdate()
    initial = ReportForm.initial_for(report) if report else {"light": goal.light}
    form = ReportForm(
        request.POST or None, goal=goal, closed=period.is_closed(today), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.setdefault("activities", [])
        data.setdefault("late", False)
        try:
            report = services.save_report(period, goal, request, today=today, **data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            if report.late:
                messages.warning(
                    request,
                    _("The report has been saved and is marked as late, since the deadline "
                      "has passed."),
                )  # fmt: skip
            else:
                messages.success(request, _("The report has been saved as a draft."))
            return _to_report(request, report)
    return render(
        request,
        "followup/report_form.html",
        {
            "form": form,
            "period": period,
            "goal": goal,
            "report": report,
            "today": today,
            "closed": period.is_closed(today),
        },
    )


@require_safe
@member_view()
def report_detail(request: MemberRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    access = request.access
    today = timezone.localdate()
    comments = paginate(request, report.comments.select_related("author"))
    return render(
        request,
        "followup/report_detail.html",
        {
            "report": report,
            "period": report.period,
            "goal": report.goal,
            "activities": list(report.activities.order_by("starts_on", "id")),
            "comments": comments,
            "comment_form": CommentForm(),
            "send_back_form": SendBackForm(auto_id="id_back_%s"),
            "may_write": report.is_draft and access.can(REPORT, report.unit),
            "may_manage": report.state == State.READY and access.can(MANAGE, report.unit),
            "may_comment": access.can("can_comment", anywhere=True),
            "closed": report.period.is_closed(today),
            "today": today,
            "Kind": ReportComment.Kind,
        },
    )


@require_POST
@member_view(REPORT)
def report_ready(request: MemberRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    request.access.require(REPORT, report.unit)
    form = LateForm(request.POST)
    late = form.is_valid() and form.cleaned_data["late"]
    try:
        services.mark_ready(report, request, late=late)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The report is marked ready. Every member can now read it."))
    return _to_report(request, report)


@require_POST
@member_view(MANAGE)
def report_approve(request: MemberRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    request.access.require(MANAGE, report.unit)
    try:
        services.approve(report, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The report has been approved."))
    return _to_report(request, report)


@require_POST
@member_view(MANAGE)
def report_send_back(request: MemberRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    request.access.require(MANAGE, report.unit)
    form = SendBackForm(request.POST)
    try:
        services.send_back(report, request, form.data.get("body", "")[:5000])
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The report has been sent back to the unit as a draft."))
    return _to_report(request, report)


@require_POST
@member_view("can_comment")
def report_comment(request: MemberRequest, report_id: int) -> HttpResponse:
    report = _report(request, report_id)
    form = CommentForm(request.POST)
    try:
        services.add_comment(report, request, form.data.get("body", "")[:5000])
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Your comment has been added."))
    url = reverse("followup:report_detail", args=[request.organisation.slug, report.pk])
    return redirect(url + "#comments")


# Investments --------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(MANAGE)
def investment_form(request: MemberRequest, period_id: int, investment_id: int) -> HttpResponse:
    """Record what an investment spent and achieved in the period."""
    organisation = request.organisation
    period = _period(period_id)
    investment = get_object_or_404(
        Investment.objects.select_related("target_vision"), pk=investment_id
    )
    request.access.require(MANAGE)
    existing = InvestmentFollowUp.objects.filter(period=period, investment=investment).first()
    initial = InvestmentFollowUpForm.initial_for(existing) if existing else {}
    form = InvestmentFollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_investment_followup(period, investment, request, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The follow-up of %(investment)s has been saved.")
                % {"investment": investment.title},
            )
            url = reverse("followup:period_detail", args=[organisation.slug, period.pk])
            return redirect(url + "#investments")
    return render(
        request,
        "followup/investment_form.html",
        {"form": form, "period": period, "investment": investment, "existing": existing},
    )


# Export -------------------------------------------------------------------------------------------


@require_safe
@member_view()
def export(request: MemberRequest) -> HttpResponse:
    """The goal tree and its follow-up as an Excel workbook, with what the person may read."""
    organisation = request.organisation
    content = workbook_bytes(organisation, request.access)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = f"malbild-uppfoljning-{organisation.slug}-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# A panel on the targets app's page ----------------------------------------------------------------


def investments_panel(
    *, request: HttpRequest, investments: list[Investment], **_signal: Any
) -> str:
    """Under the målbild's investments (`targets.signals.investment_panels`): what each spent
    and achieved, period by period (one query for them all; nothing without investments)."""
    if not investments:
        return ""
    by_investment: dict[int, list[InvestmentFollowUp]] = defaultdict(list)
    rows = (
        InvestmentFollowUp.objects.filter(investment__in=[i.pk for i in investments])
        .select_related("period")
        .order_by("-period__starts_on", "id")
    )
    for row in rows:
        by_investment[row.investment_id].append(row)
    return render_to_string(
        "followup/_investments.html",
        {"followed_up": [(i, by_investment[i.pk]) for i in investments if by_investment[i.pk]]},
        request,
    )
