"""Reminders to revisit the målbild, which the schedule runs every morning."""

from datetime import timedelta

from django.template import loader
from django.utils import timezone, translation
from django_tasks import task

from malbild import audit
from malbild.accounts.tasks import send_email
from malbild.targets.models import TargetVision
from malbild.tenants.models import Membership, Organisation
from malbild.tenants.scope import scope

REMIND_DAYS_AHEAD = 30


@task()
def remind_reviews() -> int:
    """E-mail each organisation's administrators once when the adopted målbild's review date is
    within REMIND_DAYS_AHEAD days (or already past); returns how many målbild were reminded of."""
    today = timezone.localdate()
    reminded = 0
    for organisation in Organisation.objects.all():
        with scope(organisation):
            due = TargetVision.objects.filter(
                status=TargetVision.Status.ADOPTED,
                review_date__lte=today + timedelta(days=REMIND_DAYS_AHEAD),
                review_reminded_on__isnull=True,
            ).first()
            if due is None:
                continue
            admins = list(
                Membership.objects.filter(role=Membership.Role.ADMIN, unit__isnull=True)
                .select_related("user")
                .filter(user__is_active=True)
            )
            for membership in admins:
                _send(organisation, due, membership)
            due.review_reminded_on = today
            due.save(update_fields=["review_reminded_on"])
            audit.record(
                "targets.review_reminder_sent",
                target=due,
                summary=", ".join(m.user.email for m in admins),
            )
            reminded += 1
    return reminded


def _send(organisation: Organisation, version: TargetVision, membership: Membership) -> None:
    context = {"organisation": organisation, "version": version, "person": membership.user}
    with translation.override(membership.user.language):
        subject = loader.render_to_string("targets/email/review_subject.txt", context)
        body = loader.render_to_string("targets/email/review.txt", context)
    send_email.enqueue(to=[membership.user.email], subject=" ".join(subject.split()), body=body)
