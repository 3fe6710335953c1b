"""Every write of the announcements app: announcements (and the drafts that adopting a målbild
or changing a goal's status leaves for an administrator), and subscriptions with their feed
tokens and digest choice.

Each function writes inside one transaction and records an audit event in it. The action codes
keep the prefix "communication." they had before announcements, stories and feedback became
apps of their own: they are stable, and the audit log's filters rely on them. Reads that several
views share live here too (`published`, `public_announcements`).
"""

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.announcements.models import Announcement, Audience, Subscription
from malbild.goals.models import Goal
from malbild.targets.models import TargetVision
from malbild.tenants.models import Organisation, OrgUnit

Status = Announcement.Status
FIELDS = ("kind", "title", "summary", "body", "unit", *(f"to_{a}" for a in Audience.values))


def _user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _same_organisation(organisation_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation_id:
            raise ValueError(f"{obj!r} belongs to another organisation")


# Reading ------------------------------------------------------------------------------------------


def published() -> QuerySet[Announcement]:
    return Announcement.objects.filter(status=Status.PUBLISHED)


def public_announcements(audience: str | None = None) -> QuerySet[Announcement]:
    """Published announcements anyone may read: to guardians and pupils or to the public (or to
    the one of those two that `audience` names)."""
    if audience is not None:
        return published().filter(Announcement.for_audience(audience))
    return published().filter(Q(to_guardians=True) | Q(to_public=True))


# Announcements ------------------------------------------------------------------------------------


def check_announcement(fields: dict[str, Any]) -> None:
    if not any(fields.get(f"to_{a}") for a in Audience.values):
        raise ValidationError(_("Choose at least one audience for the announcement."))


def _state(announcement: Announcement) -> dict[str, Any]:
    return {
        "kind": announcement.kind,
        "title": announcement.title,
        "summary": announcement.summary,
        "body": announcement.body,
        "unit": announcement.unit_id,
        "audiences": announcement.audiences,
        "status": announcement.status,
    }


@transaction.atomic
def create_announcement(
    organisation: Organisation, request: HttpRequest | None, **fields: Any
) -> Announcement:
    """A new draft announcement."""
    check_announcement(fields)
    _same_organisation(organisation.pk, fields.get("unit"))
    announcement = Announcement.objects.create(
        organisation=organisation, created_by=_user(request), **fields
    )
    audit.record(
        "communication.announcement_created",
        request=request,
        target=announcement,
        summary=announcement.title,
        after=_state(announcement),
    )
    return announcement


@transaction.atomic
def update_announcement(
    announcement: Announcement, request: HttpRequest | None, **fields: Any
) -> Announcement:
    check_announcement({**{f: getattr(announcement, f) for f in FIELDS}, **fields})
    _same_organisation(announcement.organisation_id, fields.get("unit"))
    before = _state(announcement)
    for name, value in fields.items():
        setattr(announcement, name, value)
    announcement.save()
    audit.record(
        "communication.announcement_changed",
        request=request,
        target=announcement,
        summary=announcement.title,
        before=before,
        after=_state(announcement),
    )
    return announcement


@transaction.atomic
def publish(announcement: Announcement, request: HttpRequest | None) -> Announcement:
    if announcement.status == Status.PUBLISHED:
        raise ValidationError(_("The announcement has already been published."))
    check_announcement({f: getattr(announcement, f) for f in FIELDS})
    announcement.status = Status.PUBLISHED
    announcement.published_at = timezone.now()
    announcement.save(update_fields=["status", "published_at", "updated_at"])
    audit.record(
        "communication.announcement_published",
        request=request,
        target=announcement,
        summary=announcement.title,
        before={"status": Status.DRAFT},
        after={"status": Status.PUBLISHED, "audiences": announcement.audiences},
    )
    return announcement


@transaction.atomic
def unpublish(announcement: Announcement, request: HttpRequest | None) -> Announcement:
    """Take a published announcement back to a draft: it leaves every page and feed."""
    if announcement.status != Status.PUBLISHED:
        raise ValidationError(_("The announcement is not published."))
    announcement.status = Status.DRAFT
    announcement.save(update_fields=["status", "updated_at"])
    audit.record(
        "communication.announcement_unpublished",
        request=request,
        target=announcement,
        summary=announcement.title,
        before={"status": Status.PUBLISHED},
        after={"status": Status.DRAFT},
    )
    return announcement


@transaction.atomic
def delete_draft(announcement: Announcement, request: HttpRequest | None) -> None:
    if announcement.status != Status.DRAFT:
        raise ValidationError(_("Only a draft can be deleted. Unpublish it first."))
    audit.record(
        "communication.announcement_deleted",
        request=request,
        target=announcement,
        summary=announcement.title,
        before=_state(announcement),
    )
    announcement.delete()


def _draft(
    organisation: Organisation,
    request: HttpRequest | None,
    origin: str,
    unit: OrgUnit | None,
    **fields: Any,
) -> Announcement:
    """A draft left for an administrator, written in the organisation's first language."""
    announcement = Announcement.objects.create(
        organisation=organisation, origin=origin, unit=unit, created_by=_user(request), **fields
    )
    audit.record(
        "communication.announcement_drafted",
        request=request,
        target=announcement,
        summary=announcement.title,
        after=_state(announcement),
        organisation=organisation,
    )
    return announcement


def draft_for_adopted_target(
    *, version: TargetVision, request: HttpRequest | None, **_signal: Any
) -> Announcement:
    """A målbild was adopted (`targets.signals.adopted`, in that transaction): a draft to
    everyone."""
    with translation.override("sv"):
        title = gettext("New målbild adopted: %(title)s") % {"title": version.title}
        summary = gettext(
            "The målbild for %(start)s–%(end)s has been adopted. It guides the goals of every "
            "school and preschool."
        ) % {"start": version.start_year, "end": version.end_year}
        body = f"{summary}\n\n{version.statement}"
    return _draft(
        version.organisation,
        request,
        Announcement.Origin.TARGET_ADOPTED,
        None,
        kind=Announcement.Kind.DECISION,
        title=title[:200],
        summary=summary[:300],
        body=body,
        **{f"to_{a}": True for a in Audience.values},
    )


def draft_for_goal_status(
    *, goal: Goal, request: HttpRequest | None, **_signal: Any
) -> Announcement:
    """A goal became active or was closed (`goals.signals.status_changed`, in that
    transaction): a draft to the staff and unit leads of the goal's unit."""
    with translation.override("sv"):
        if goal.status == "active":
            title = gettext("New goal for %(unit)s: %(title)s")
        else:
            title = gettext("Goal closed for %(unit)s: %(title)s")
        title = title % {"unit": goal.unit.name, "title": goal.title}
        summary = gettext("The goal “%(title)s” is now %(status)s.") % {
            "title": goal.title,
            "status": goal.get_status_display(),
        }
    return _draft(
        goal.organisation,
        request,
        Announcement.Origin.GOAL_STATUS,
        goal.unit,
        kind=Announcement.Kind.CHANGE,
        title=title[:200],
        summary=summary[:300],
        body=f"{summary}\n\n{goal.description}".strip(),
        to_unit_leads=True,
        to_staff=True,
    )


# Subscriptions ------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def subscription_of(organisation: Organisation, user: Any) -> Subscription | None:
    """The person's subscription, or None while they have changed nothing (defaults apply)."""
    return Subscription.objects.filter(user=user).first()


def _subscription(organisation: Organisation, user: Any) -> Subscription:
    subscription, _created = Subscription.objects.select_for_update().get_or_create(
        organisation=organisation, user=user
    )
    return subscription


@transaction.atomic
def new_feed_token(organisation: Organisation, request: HttpRequest) -> str:
    """A new secret feed address for the person; the previous one stops working at once.
    Returns the token, which is shown once and stored only as a hash."""
    subscription = _subscription(organisation, request.user)
    token = secrets.token_urlsafe(32)
    had = bool(subscription.feed_token_hash)
    subscription.feed_token_hash = token_hash(token)
    subscription.feed_token_created_at = timezone.now()
    subscription.save(update_fields=["feed_token_hash", "feed_token_created_at"])
    audit.record(
        "communication.feed_token_created",
        request=request,
        target=subscription,
        before={"token": had},
        after={"token": True},
    )
    return token


@transaction.atomic
def revoke_feed_token(organisation: Organisation, request: HttpRequest) -> None:
    subscription = _subscription(organisation, request.user)
    if not subscription.feed_token_hash:
        raise ValidationError(_("You have no personal feed address to revoke."))
    subscription.feed_token_hash = ""
    subscription.feed_token_created_at = None
    subscription.save(update_fields=["feed_token_hash", "feed_token_created_at"])
    audit.record(
        "communication.feed_token_revoked",
        request=request,
        target=subscription,
        before={"token": True},
        after={"token": False},
    )


@transaction.atomic
def set_digest(
    organisation: Organisation, user: Any, on: bool, request: HttpRequest | None
) -> Subscription:
    subscription = _subscription(organisation, user)
    before = subscription.digest
    subscription.digest = on
    subscription.save(update_fields=["digest"])
    audit.record(
        "communication.digest_on" if on else "communication.digest_off",
        request=request,
        actor=user,
        target=subscription,
        before={"digest": before},
        after={"digest": on},
        organisation=organisation,
    )
    return subscription
