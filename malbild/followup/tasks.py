"""Reminders before a follow-up period's deadline, which the schedule runs every morning."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q
from django.template import loader
from django.utils import timezone, translation
from django_tasks import task

from malbild import audit
from malbild.accounts.tasks import send_email
from malbild.followup.access import PUBLISHED
from malbild.followup.models import Period, Report
from malbild.goals.models import Goal
from malbild.tenants.models import Membership, Organisation
from malbild.tenants.scope import scope

REMIND_DAYS_BEFORE = 7
GOALS_NAMED = 20  # in one e-mail; the rest are counted


@task()
def remind_deadlines() -> int:
    """E-mail every unit lead whose units still have goals without a ready report, once per
    period, when its deadline is at most REMIND_DAYS_BEFORE days away; returns how many
    e-mails were sent."""
    today = timezone.localdate()
    sent = 0
    for organisation in Organisation.objects.all():
        with scope(organisation):
            due = Period.objects.filter(
                deadline__gte=today,
                deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
                starts_on__lte=today,
                reminded_on__isnull=True,
            )
            for period in due:
                sent += _remind(organisation, period)
                period.reminded_on = today
                period.save(update_fields=["reminded_on"])
    return sent


def _remind(organisation: Organisation, period: Period) -> int:
    leads = (
        Membership.objects.filter(role=Membership.Role.UNIT_LEAD, unit__isnull=False)
        .filter(user__is_active=True)
        .select_related("user", "unit")
    )
    done = Report.objects.filter(period=period, goal=OuterRef("pk"), state__in=PUBLISHED)
    reported = Report.objects.filter(period=period, goal=OuterRef("pk"))
    sent_to = []
    for membership in leads:
        if membership.unit is None:  # the query rules it out; this tells the type checker
            continue
        todo = (
            Goal.objects.filter(unit__path__startswith=membership.unit.path)
            .filter(Q(status=Goal.Status.ACTIVE) | Q(Exists(reported)))
            .exclude(Exists(done))
        )
        total = todo.count()
        if not total:
            continue
        goals = list(todo.select_related("unit").order_by("unit__path", "title")[:GOALS_NAMED])
        context = {
            "organisation": organisation,
            "period": period,
            "unit": membership.unit,
            "goals": goals,
            "total": total,
            "more": total - len(goals),
            "person": membership.user,
        }
        with translation.override(membership.user.language):
            subject = loader.render_to_string("followup/email/reminder_subject.txt", context)
            body = loader.render_to_string("followup/email/reminder.txt", context)
        send_email.enqueue(to=[membership.user.email], subject=" ".join(subject.split()), body=body)
        sent_to.append(membership.user.email)
    audit.record(
        "followup.reminder_sent",
        target=period,
        summary=", ".join(sent_to)[:300] or period.name,
        after={"recipients": len(sent_to)},
    )
    return len(sent_to)
