"""Pages reached without a session, by a secret: the personal Atom and iCalendar feeds (the
token in the address, revocable on the subscription page) and the signed link in each digest
that turns it off (a page with one button: no GET changes anything)."""

from typing import cast

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from malbild.accounts.models import User
from malbild.announcements import calendar, feeds, services, signals
from malbild.announcements.access import concerning
from malbild.announcements.models import Announcement, Subscription
from malbild.lib.cacheable import cached_bytes, newest
from malbild.tenants.models import Membership, Organisation
from malbild.tenants.scope import scope

FEED_SIZE = 50
DIGEST_SALT = "communication.digest-off"  # as before the split: links already sent still work


def _subscriber(org: str, token: str) -> tuple[Organisation, Subscription, list[Membership]]:
    """The organisation, subscription and roles behind a feed token; 404 for an unknown or
    revoked token, or a person who no longer has a role there. Call inside the scope."""
    organisation = get_object_or_404(Organisation, slug=org)
    if not token or len(token) > 100:
        raise Http404
    with scope(organisation):
        found = (
            Subscription.objects.filter(feed_token_hash=services.token_hash(token))
            .select_related("user")
            .first()
        )
        if found is None or not found.user.is_active:
            raise Http404
        memberships = list(Membership.objects.filter(user=found.user).select_related("unit"))
    if not memberships:
        raise Http404
    return organisation, found, memberships


@require_safe
def atom(request: HttpRequest, org: str, token: str) -> HttpResponse:
    organisation, subscription, memberships = _subscriber(org, token)
    with scope(organisation):
        items = list(
            services.published().filter(concerning(memberships)).select_related("unit")[:FEED_SIZE]
        )
        # What the apps above have for the person (stories: invitations to tell a story).
        answers = signals.personal_notices.send(
            Subscription,
            request=request,
            organisation=organisation,
            user=subscription.user,
            memberships=memberships,
        )
        notices = [n for _receiver, found in answers for n in cast(list[feeds.Notice], found)]
    language = subscription.user.language

    def link(item: Announcement) -> str:
        return request.build_absolute_uri(
            reverse("announcements:announcement_detail", args=[organisation.slug, item.pk])
        )

    body = feeds.atom(
        title=_("%(organisation)s: news for you") % {"organisation": organisation.name},
        link=request.build_absolute_uri(reverse("announcements:news", args=[organisation.slug])),
        feed_url=request.build_absolute_uri(),
        description=_("Announcements that concern you."),
        announcements=items,
        item_link=link,
        language=language,
        notices=notices,
    )
    return cached_bytes(
        request,
        body,
        "application/atom+xml; charset=utf-8",
        parts=[*((a.pk, a.updated_at) for a in items), *((n.link, n.published) for n in notices)],
        last_modified=newest(*(a.updated_at for a in items), *(n.published for n in notices)),
    )


@require_safe
def ical(request: HttpRequest, org: str, token: str) -> HttpResponse:
    organisation, subscription, _memberships = _subscriber(org, token)
    with scope(organisation):
        found = calendar.events(organisation, subscription.user_id)
    body = feeds.ical(_("%(organisation)s: deadlines") % {"organisation": organisation.name}, found)
    return cached_bytes(
        request,
        body,
        "text/calendar; charset=utf-8",
        parts=[(e.uid, e.day, e.summary) for e in found],
        last_modified=None,
    )


def digest_off_token(organisation: Organisation, user: User) -> str:
    return signing.dumps([organisation.pk, user.pk], salt=DIGEST_SALT, compress=True)


@require_http_methods(["GET", "POST"])
def digest_off(request: HttpRequest, org: str, signed: str) -> HttpResponse:
    """Turn the weekly digest off from the link in the e-mail, without logging in."""
    organisation = get_object_or_404(Organisation, slug=org)
    try:
        organisation_id, user_id = signing.loads(signed, salt=DIGEST_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        raise Http404 from None
    if organisation_id != organisation.pk:
        raise Http404
    user = get_object_or_404(User, pk=user_id, is_active=True)
    with scope(organisation):
        if request.method == "POST":
            services.set_digest(organisation, user, False, request)
            messages.success(request, _("You will no longer receive the weekly digest."))
            return redirect(request.path)
        found = services.subscription_of(organisation, user)
    return render(
        request,
        "announcements/digest_off.html",
        {"organisation": organisation, "on": found.digest if found else True},
    )
