"""The weekly e-mail digest: for each person, the announcements of the week that concern them
and the organisation's omvärld digest, in their language, with a signed link that turns it off."""

from datetime import datetime, timedelta
from typing import Any

from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task

from malbild import audit
from malbild.accounts.tasks import send_email
from malbild.announcements import services
from malbild.announcements.access import concerning
from malbild.announcements.models import Subscription
from malbild.announcements.personal_views import digest_off_token
from malbild.scanning import services as scanning
from malbild.tenants.models import Membership, Organisation
from malbild.tenants.scope import scope

WEEK = timedelta(days=7)
RESENT_AFTER = timedelta(days=6)  # a second run in the same week sends nothing


@task()
def send_digests(now: str | None = None) -> int:
    """Send this week's digests; returns how many were sent. `now` (ISO) for tests."""
    moment = datetime.fromisoformat(now) if now else timezone.now()
    sent = 0
    for organisation in Organisation.objects.all():
        sent += _digests_of(organisation, moment)
    return sent


def _digests_of(organisation: Organisation, now: datetime) -> int:
    outlook = scanning.digest(organisation, now=now, limit=10)
    sent = 0
    with scope(organisation):
        memberships: dict[int, list[Membership]] = {}
        for m in Membership.objects.select_related("user", "unit").filter(user__is_active=True):
            memberships.setdefault(m.user_id, []).append(m)
        choices = {s.user_id: s for s in Subscription.objects.all()}
        week = services.published().filter(published_at__gt=now - WEEK, published_at__lte=now)
        for user_id, roles in memberships.items():
            subscription = choices.get(user_id)
            if subscription is not None and (
                not subscription.digest
                or (
                    subscription.digest_sent_at and subscription.digest_sent_at > now - RESENT_AFTER
                )
            ):
                continue
            news = list(week.filter(concerning(roles)).select_related("unit")[:20])
            if not news and not outlook.new and not outlook.hot:
                continue
            _send(organisation, roles[0].user, news, outlook)
            Subscription.objects.update_or_create(
                organisation=organisation, user_id=user_id, defaults={"digest_sent_at": now}
            )
            sent += 1
        if sent:
            audit.record("communication.digest_sent", summary=str(sent), organisation=organisation)
    return sent


def _send(organisation: Organisation, user: Any, news: list[Any], outlook: Any) -> None:
    context = {
        "organisation": organisation,
        "person": user,
        "news": news,
        "outlook": outlook,
        "off_path": reverse(
            "announcements_personal:digest_off",
            args=[organisation.slug, digest_off_token(organisation, user)],
        ),
    }
    with translation.override(user.language):
        subject = loader.render_to_string("announcements/email/digest_subject.txt", context)
        body = loader.render_to_string("announcements/email/digest.txt", context)
    send_email.enqueue(to=[user.email], subject=" ".join(subject.split()), body=body)
