"""Pages reached without a session, by a secret: the personal Atom and iCalendar feeds (the
token in the address, revocable on the subscription page) and the signed link in each digest
that turns it off (a page with one button: no GET changes anything)."""

from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from malbild.accounts.models import User
from malbild.communication import calendar, feeds, invitations, services
from malbild.communication.models import Subscription
from malbild.communication.public import cached_bytes, newest
from malbild.tenants.models import Membership, Organisation
from malbild.tenants.scope import scope

FEED_SIZE = 50
INVITATIONS = 10  # invitations to tell a story at the top of a personal feed
DIGEST_SALT = "communication.digest-off"


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
            services.published()
            .filter(services.concerning(memberships))
            .select_related("unit")[:FEED_SIZE]
        )
        invited = list(invitations.for_person(subscription.user, memberships)[:INVITATIONS])
    language = subscription.user.language
    write = request.build_absolute_uri(
        reverse("communication:story_create", args=[organisation.slug])
    )
    with translation.override(language):
        notices = [
            feeds.Notice(
                title=_("A goal has been reached: %(goal)s. Tell the story!")
                % {"goal": invitation.goal.title},
                link=f"{write}?mal={invitation.goal_id}",
                description=_(
                    "The goal %(goal)s of %(unit)s has reached its target. Tell the story of how "
                    "you got there, best with the pupils' own words."
                )
                % {"goal": invitation.goal.title, "unit": invitation.goal.unit.name},
                published=invitation.created_at,
            )
            for invitation in invited
        ]

    def link(item: object) -> str:
        return request.build_absolute_uri(
            reverse("communication:announcement_detail", args=[organisation.slug, item.pk])  # type: ignore[attr-defined]
        )

    body = feeds.atom(
        title=_("%(organisation)s: news for you") % {"organisation": organisation.name},
        link=request.build_absolute_uri(reverse("communication:news", args=[organisation.slug])),
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
        parts=[*((a.pk, a.updated_at) for a in items), *((i.pk, i.goal_id) for i in invited)],
        last_modified=newest(*(a.updated_at for a in items), *(i.created_at for i in invited)),
    )


@require_safe
def ical(request: HttpRequest, org: str, token: str) -> HttpResponse:
    organisation, _subscription, _memberships = _subscriber(org, token)
    with scope(organisation):
        found = calendar.events(organisation)
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
        "communication/digest_off.html",
        {"organisation": organisation, "on": found.digest if found else True},
    )
