"""Follow-up: periods, the reports of goals and their way from draft to approved, comments, and
the follow-up of investments.

Every function checks its rules first and raises ValidationError with a Swedish message (via
the catalogue) before anything is written, then writes inside one transaction and records an
audit event ("followup.<verb>") in it. Reporting after the deadline is allowed, but only when
the writer says so; the report is then marked late for good, and a separate
"followup.reported_late" event makes it easy to find in the audit log.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.template import loader
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.accounts.tasks import send_email
from malbild.followup.access import PUBLISHED
from malbild.followup.models import (
    InvestmentFollowUp,
    LateReminder,
    Period,
    Report,
    ReportComment,
)
from malbild.goals import services as goal_services
from malbild.goals.models import Goal
from malbild.plans.models import Activity
from malbild.targets.models import Investment
from malbild.tenants.models import Membership, Organisation, OrgUnit

State = Report.State
REPORT_FIELDS = ("light", "analysis", "decision", "reasoning", "revised_plan")


def _user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _date(value: date) -> str:
    return formats.date_format(value, "j F Y")


# Periods ------------------------------------------------------------------------------------------


def check_period(
    organisation: Organisation,
    name: str,
    starts_on: date,
    ends_on: date,
    deadline: date,
    period: Period | None = None,
) -> None:
    errors: dict[str, Any] = {}
    if ends_on < starts_on:
        errors["ends_on"] = _("The period cannot end before it starts.")
    elif deadline < ends_on:
        errors["deadline"] = _(
            "The reports are due after the period has ended: choose a deadline on or after "
            "the last day of the period."
        )
    same_name = Period.objects.filter(name__iexact=name)
    if period is not None:
        same_name = same_name.exclude(pk=period.pk)
    if same_name.exists():
        errors["name"] = ValidationError(
            _("There is already a period called %(name)s. Give this one another name."),
            params={"name": name},
        )
    if errors:
        raise ValidationError(errors)


def _period_state(period: Period) -> dict[str, Any]:
    return {
        "name": period.name,
        "starts_on": period.starts_on.isoformat(),
        "ends_on": period.ends_on.isoformat(),
        "deadline": period.deadline.isoformat(),
    }


@transaction.atomic
def create_period(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    deadline: date,
) -> Period:
    check_period(organisation, name, starts_on, ends_on, deadline)
    period = Period.objects.create(
        organisation=organisation,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        deadline=deadline,
        created_by=_user(request),
    )
    audit.record(
        "followup.period_created",
        request=request,
        target=period,
        summary=period.name,
        after=_period_state(period),
        organisation=organisation,
    )
    return period


@transaction.atomic
def update_period(
    period: Period,
    request: HttpRequest | None,
    *,
    name: str,
    starts_on: date,
    ends_on: date,
    deadline: date,
) -> Period:
    """Change a period; a new deadline means a new reminder before it."""
    check_period(period.organisation, name, starts_on, ends_on, deadline, period)
    before = _period_state(period)
    if deadline != period.deadline:
        period.reminded_on = None
    period.name, period.starts_on, period.ends_on, period.deadline = (
        name,
        starts_on,
        ends_on,
        deadline,
    )
    period.save()
    audit.record(
        "followup.period_changed",
        request=request,
        target=period,
        summary=period.name,
        before=before,
        after=_period_state(period),
    )
    return period


# Reports ------------------------------------------------------------------------------------------


def _report_state(report: Report, activities: Iterable[int] | None = None) -> dict[str, Any]:
    state = {name: getattr(report, name) for name in REPORT_FIELDS}
    state["state"] = report.state
    state["late"] = report.late
    if activities is not None:
        state["activities"] = sorted(activities)
    return state


def check_late(period: Period, late: bool, today: date) -> bool:
    """Whether the write is late; refuses one after the deadline that does not say so."""
    if not period.is_closed(today):
        return False
    if not late:
        raise ValidationError(
            {
                "late": ValidationError(
                    _("The deadline for %(period)s was %(deadline)s. You may still report, but "
                      "the report will be marked as late: tick “Report late” to go on."),
                    params={"period": period.name, "deadline": _date(period.deadline)},
                )
            }
        )  # fmt: skip
    return True


def check_report(
    period: Period,
    goal: Goal,
    report: Report | None,
    *,
    decision: str,
    revised_plan: str,
    activities: list[Activity],
    late: bool,
    today: date,
) -> bool:
    """The rules of writing a report; answers whether it is late."""
    if report is not None and report.state != State.DRAFT:
        raise ValidationError(
            _("The report is %(state)s and can no longer be changed. The administration can "
              "send it back to the unit if something needs to change."),
            params={"state": report.get_state_display()},
        )  # fmt: skip
    if goal.status == Goal.Status.DRAFT:
        raise ValidationError(_("The goal is still a draft. Only active goals are followed up."))
    if today < period.starts_on:
        raise ValidationError(
            _("%(period)s starts on %(date)s. Reports can be written from then."),
            params={"period": period.name, "date": _date(period.starts_on)},
        )
    errors: dict[str, Any] = {}
    if decision == Report.Decision.ADJUST and not revised_plan.strip():
        errors["revised_plan"] = _(
            "You decided to adjust: describe the revised action plan, what the unit will do "
            "differently from now on."
        )
    wrong = [a for a in activities if a.unit_id != goal.unit_id]
    if wrong:
        errors["activities"] = _("Only the unit's own activities for this goal can be linked.")
    if errors:
        raise ValidationError(errors)
    return check_late(period, late, today)


def _record_late(report: Report, request: HttpRequest | None, step: str) -> None:
    audit.record(
        "followup.reported_late",
        request=request,
        target=report,
        summary=f"{report.goal.title} ({report.period.name})",
        after={"step": step, "deadline": report.period.deadline.isoformat()},
    )


@transaction.atomic
def save_report(
    period: Period,
    goal: Goal,
    request: HttpRequest | None,
    *,
    light: str,
    analysis: str,
    decision: str,
    reasoning: str,
    revised_plan: str = "",
    activities: Iterable[Activity] = (),
    late: bool = False,
    today: date | None = None,
) -> Report:
    """Write (or rewrite) the draft report of `goal` for `period`. With a decision other than
    "adjust" the revised plan and its activities are not kept."""
    today = today or timezone.localdate()
    activities = list(activities)
    report = Report.objects.filter(period=period, goal=goal).first()
    is_late = check_report(
        period, goal, report, decision=decision, revised_plan=revised_plan,
        activities=activities, late=late, today=today,
    )  # fmt: skip
    if decision != Report.Decision.ADJUST:
        revised_plan, activities = "", []
    before = None
    if report is None:
        report = Report(
            organisation_id=goal.organisation_id,
            period=period,
            goal=goal,
            unit_id=goal.unit_id,
            created_by=_user(request),
        )
    else:
        before = _report_state(report, report.activities.values_list("pk", flat=True))
    report.light, report.analysis, report.decision = light, analysis, decision
    report.reasoning, report.revised_plan = reasoning, revised_plan
    report.late = report.late or is_late
    report.updated_by = _user(request)
    report.save()
    report.activities.set(activities)
    audit.record(
        "followup.report_saved",
        request=request,
        target=report,
        summary=f"{goal.title} ({period.name})",
        before=before,
        after=_report_state(report, [a.pk for a in activities]),
    )
    if is_late:
        _record_late(report, request, "saved")
    return report


@transaction.atomic
def mark_ready(
    report: Report, request: HttpRequest | None, *, late: bool = False, today: date | None = None
) -> Report:
    """The unit lead says the report is done: from now on every member reads it."""
    today = today or timezone.localdate()
    if report.state != State.DRAFT:
        raise ValidationError(
            _("The report is already %(state)s."), params={"state": report.get_state_display()}
        )
    is_late = check_late(report.period, late or report.late, today)
    report.state = State.READY
    report.ready_by, report.ready_at = _user(request), timezone.now()
    report.late = report.late or is_late
    report.save(update_fields=["state", "ready_by", "ready_at", "late", "updated_at"])
    audit.record(
        "followup.report_ready",
        request=request,
        target=report,
        summary=f"{report.goal.title} ({report.period.name})",
        before={"state": State.DRAFT},
        after={"state": State.READY, "late": report.late},
    )
    if is_late:
        _record_late(report, request, "ready")
    refresh_assessment(report.goal)
    return report


def refresh_assessment(goal: Goal) -> None:
    """Keep on the goal the light of its latest report marked ready (the lead's assessment),
    after a report is marked ready or sent back (two queries)."""
    latest = (
        Report.objects.filter(goal=goal, state__in=PUBLISHED)
        .order_by("-period__ends_on", "-period_id")
        .values_list("light", flat=True)
        .first()
    )
    goal_services.set_assessment(goal, latest or "")


def refresh_all_assessments() -> None:
    """Every goal's assessment from its reports (for the demo, which writes reports directly)."""
    for goal in Goal.objects.filter(Exists(Report.objects.filter(goal=OuterRef("pk")))):
        refresh_assessment(goal)


@transaction.atomic
def approve(report: Report, request: HttpRequest | None) -> Report:
    """The administration approves a ready report."""
    if report.state != State.READY:
        raise ValidationError(
            _("Only a report that the unit has marked ready can be approved. This one is "
              "%(state)s."),
            params={"state": report.get_state_display()},
        )  # fmt: skip
    report.state = State.APPROVED
    report.approved_by, report.approved_at = _user(request), timezone.now()
    report.save(update_fields=["state", "approved_by", "approved_at", "updated_at"])
    audit.record(
        "followup.report_approved",
        request=request,
        target=report,
        summary=f"{report.goal.title} ({report.period.name})",
        before={"state": State.READY},
        after={"state": State.APPROVED},
    )
    return report


@transaction.atomic
def send_back(report: Report, request: HttpRequest | None, comment: str) -> ReportComment:
    """The administration returns a ready report to the unit as a draft, saying why."""
    if report.state != State.READY:
        raise ValidationError(
            _("Only a report that the unit has marked ready can be sent back. This one is "
              "%(state)s."),
            params={"state": report.get_state_display()},
        )  # fmt: skip
    comment = comment.strip()
    if not comment:
        raise ValidationError(
            {"body": _("Write what the unit should change, so that they know why it came back.")}
        )
    report.state = State.DRAFT
    report.ready_by, report.ready_at = None, None
    report.save(update_fields=["state", "ready_by", "ready_at", "updated_at"])
    refresh_assessment(report.goal)
    note = ReportComment.objects.create(
        organisation_id=report.organisation_id,
        report=report,
        kind=ReportComment.Kind.SENT_BACK,
        author=_user(request),
        body=comment,
    )
    audit.record(
        "followup.report_sent_back",
        request=request,
        target=report,
        summary=f"{report.goal.title} ({report.period.name})",
        before={"state": State.READY},
        after={"state": State.DRAFT, "comment": comment},
    )
    return note


@transaction.atomic
def add_comment(report: Report, request: HttpRequest | None, body: str) -> ReportComment:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    comment = ReportComment.objects.create(
        organisation_id=report.organisation_id, report=report, author=_user(request), body=body
    )
    audit.record(
        "followup.commented",
        request=request,
        target=report,
        summary=body[:120],
        after={"comment": comment.pk},
    )
    return comment


# Investments --------------------------------------------------------------------------------------


@transaction.atomic
def save_investment_followup(
    period: Period,
    investment: Investment,
    request: HttpRequest | None,
    *,
    spent: Decimal,
    achieved: str,
    gains: str,
    gains_note: str = "",
) -> InvestmentFollowUp:
    """Record (or correct) what an investment spent and achieved in the period."""
    if spent is None or spent < 0:
        raise ValidationError({"spent": _("The amount spent cannot be negative.")})
    if not achieved.strip():
        raise ValidationError({"achieved": _("Write what the investment achieved.")})
    followup = InvestmentFollowUp.objects.filter(period=period, investment=investment).first()
    before = None
    if followup is None:
        followup = InvestmentFollowUp(
            organisation_id=period.organisation_id, period=period, investment=investment
        )
    else:
        before = {
            "spent": str(followup.spent),
            "achieved": followup.achieved,
            "gains": followup.gains,
            "gains_note": followup.gains_note,
        }
    followup.spent, followup.achieved = spent, achieved
    followup.gains, followup.gains_note = gains, gains_note
    followup.updated_by = _user(request)
    followup.save()
    audit.record(
        "followup.investment_saved",
        request=request,
        target=followup,
        summary=f"{investment.title} ({period.name})",
        before=before,
        after={"spent": str(spent), "achieved": achieved, "gains": gains,
               "gains_note": gains_note},
    )  # fmt: skip
    return followup


# Late reports -------------------------------------------------------------------------------------


def to_report(period: Period | OuterRef) -> Q:
    """The goals a period follows up: the active ones, and any goal already reported on.
    `period` may be an `OuterRef` to a period, for subqueries."""
    of_period: dict[str, Any] = {"period": period}  # the stubs know no OuterRef here
    reported = Report.objects.filter(**of_period, goal=OuterRef("pk"))
    return Q(status=Goal.Status.ACTIVE) | Q(Exists(reported))


def outstanding(period: Period | OuterRef) -> Q:
    """The goals of `to_report(period)` without a report marked ready: after the deadline, late."""
    of_period: dict[str, Any] = {"period": period}
    done = Report.objects.filter(**of_period, goal=OuterRef("pk"), state__in=PUBLISHED)
    return to_report(period) & ~Q(Exists(done))


def leads_of(unit: OrgUnit) -> list[Membership]:
    """The active unit leads nearest to `unit`: those of the unit itself, or else of the closest
    unit above it that has any (one query)."""
    leads = [
        m
        for m in Membership.objects.filter(
            role=Membership.Role.UNIT_LEAD, unit__isnull=False, user__is_active=True
        ).select_related("user", "unit")
        if m.unit is not None and m.unit.contains(unit)
    ]
    if not leads:
        return []
    nearest = max(len(m.unit.path) for m in leads if m.unit is not None)
    return [m for m in leads if m.unit is not None and len(m.unit.path) == nearest]


def reminded_today(period: Period, unit: OrgUnit, today: date) -> LateReminder | None:
    return (
        LateReminder.objects.filter(period=period, unit=unit, sent_on=today)
        .select_related("sent_by")
        .first()
    )


def _already_reminded(reminder: LateReminder) -> ValidationError:
    return ValidationError(
        _("%(unit)s was already reminded today, at %(time)s. You can remind them again "
          "tomorrow."),
        params={
            "unit": reminder.unit.name,
            "time": formats.time_format(timezone.localtime(reminder.sent_at), "H.i"),
        },
        code="already_reminded",
    )  # fmt: skip


def remind_late(
    period: Period, unit: OrgUnit, request: HttpRequest | None, *, today: date | None = None
) -> list[str]:
    """E-mail the lead of `unit` that its reports for `period` are late, at most once a day
    per unit and period; answers the addresses it was sent to."""
    today = today or timezone.localdate()
    if not period.is_closed(today):
        raise ValidationError(
            _("The reports of %(period)s are due on %(date)s: nothing is late yet."),
            params={"period": period.name, "date": _date(period.deadline)},
        )
    late = Goal.objects.filter(outstanding(period), unit=unit)
    total = late.count()
    if not total:
        raise ValidationError(
            _("%(unit)s has no late reports in %(period)s."),
            params={"unit": unit.name, "period": period.name},
        )
    if (earlier := reminded_today(period, unit, today)) is not None:
        raise _already_reminded(earlier)
    leads = leads_of(unit)
    if not leads:
        raise ValidationError(
            _("%(unit)s has no unit lead in Målbild to remind. Give someone the role of unit "
              "lead for the unit first."),
            params={"unit": unit.name},
        )  # fmt: skip
    goals = list(late.order_by("title", "id")[:20])
    try:
        with transaction.atomic():
            reminder = LateReminder.objects.create(
                organisation=period.organisation,
                period=period,
                unit=unit,
                sent_on=today,
                sent_by=_user(request),
                recipients=len(leads),
            )
            for membership in leads:
                context = {
                    "organisation": period.organisation,
                    "period": period,
                    "unit": unit,
                    "goals": goals,
                    "total": total,
                    "more": total - len(goals),
                    "person": membership.user,
                }
                with translation.override(membership.user.language):
                    subject = loader.render_to_string("followup/email/late_subject.txt", context)
                    body = loader.render_to_string("followup/email/late.txt", context)
                send_email.enqueue(
                    to=[membership.user.email], subject=" ".join(subject.split()), body=body
                )
            emails = [m.user.email for m in leads]
            audit.record(
                "followup.late_reminder_sent",
                request=request,
                target=reminder,
                summary=f"{unit.name} ({period.name}): {', '.join(emails)}"[:300],
                after={"period": period.pk, "unit": unit.pk, "late_goals": total,
                       "recipients": len(emails)},
            )  # fmt: skip
    except IntegrityError:  # someone else pressed the button at the same moment
        earlier = reminded_today(period, unit, today)
        if earlier is None:
            raise
        raise _already_reminded(earlier) from None
    return emails
