"""Every write of the communication app: announcements (and the drafts that adopting a målbild
or changing a goal's status leaves for an administrator), subscriptions with their feed tokens
and digest choice, success stories with pupils' voices and consent, and public feedback.

Each function writes inside one transaction and records an audit event ("communication.<verb>")
in it. Reads that several views share live here too (`concerning`, `public_announcements`).
"""

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.communication import images, signals
from malbild.communication.models import (
    ROLE_AUDIENCE,
    Announcement,
    Audience,
    ConsentBy,
    Feedback,
    Quote,
    Story,
    StoryImage,
    Subscription,
)
from malbild.goals.models import Goal
from malbild.targets.models import TargetVision
from malbild.tenants.models import (
    CONSENT_AGE_MAX,
    CONSENT_AGE_MIN,
    Membership,
    Organisation,
    OrgUnit,
)

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


def concerning(memberships: list[Membership]) -> Q:
    """The announcements that concern a person with these roles: those to the audience of one of
    their roles, for the whole organisation or for a unit their role overlaps (above or below
    it), and those to the public. No query: units come from the memberships' paths."""
    q = Q(to_public=True, unit__isnull=True)
    for membership in memberships:
        audience = ROLE_AUDIENCE.get(membership.role)
        if audience is None:
            continue
        if membership.unit is None:
            q |= Announcement.for_audience(audience)
            continue
        unit = membership.unit
        overlap = (
            Q(unit__isnull=True)
            | Q(unit__path__startswith=unit.path)
            | Q(unit_id__in=unit.ancestor_ids())
        )
        q |= Announcement.for_audience(audience) & overlap
    return q


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
    *, version: TargetVision, request: HttpRequest | None, **_: Any
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


def draft_for_goal_status(*, goal: Goal, request: HttpRequest | None, **_: Any) -> Announcement:
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


# Success stories --------------------------------------------------------------------------------

StoryStatus = Story.Status


def published_stories() -> QuerySet[Story]:
    return Story.objects.filter(status=StoryStatus.PUBLISHED)


def live_quotes() -> QuerySet[Quote]:
    """Quotes whose consent stands: the only ones any page or feed shows."""
    return Quote.objects.filter(withdrawn_at__isnull=True)


def live_images() -> QuerySet[StoryImage]:
    return StoryImage.objects.filter(withdrawn_at__isnull=True)


def _story_state(story: Story) -> dict[str, Any]:
    return {
        "title": story.title,
        "summary": story.summary,
        "unit": story.unit_id,
        "status": story.status,
    }


def _set_links(story: Story, goals: Any, values: Any) -> None:
    goals = list(goals or [])
    values = list(values or [])
    _same_organisation(story.organisation_id, *goals, *values)
    story.goals.set(goals)
    story.values.set(values)


@transaction.atomic
def create_story(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    goals: Any = (),
    values: Any = (),
    **fields: Any,
) -> Story:
    """A new draft story written by a member."""
    _same_organisation(organisation.pk, fields.get("unit"))
    story = Story.objects.create(organisation=organisation, created_by=_user(request), **fields)
    _set_links(story, goals, values)
    audit.record(
        "communication.story_created",
        request=request,
        target=story,
        summary=story.title,
        after=_story_state(story),
    )
    return story


@transaction.atomic
def update_story(
    story: Story, request: HttpRequest | None, *, goals: Any = (), values: Any = (), **fields: Any
) -> Story:
    _same_organisation(story.organisation_id, fields.get("unit"))
    before = _story_state(story)
    for name, value in fields.items():
        setattr(story, name, value)
    story.save()
    _set_links(story, goals, values)
    audit.record(
        "communication.story_changed",
        request=request,
        target=story,
        summary=story.title,
        before=before,
        after=_story_state(story),
    )
    return story


@transaction.atomic
def submit_story(
    organisation: Organisation,
    *,
    title: str,
    text: str,
    speaker: str,
    consent_by: str,
    unit: OrgUnit | None,
    request: HttpRequest | None,
    image: Any = None,
    alt_text: str = "",
) -> Story:
    """A pupil's or guardian's own experience from the public form: a story waiting for review,
    whose text is the pupil's voice as a quote with the consent given in the form, and the
    picture sent with it (if any) under the same consent."""
    _same_organisation(organisation.pk, unit)
    story = Story.objects.create(
        organisation=organisation,
        title=title,
        unit=unit,
        status=StoryStatus.SUBMITTED,
        origin=Story.Origin.SUBMITTED,
    )
    Quote.objects.create(
        organisation=organisation,
        story=story,
        text=text,
        speaker=speaker,
        consent_by=consent_by,
        consent_at=timezone.now(),
    )
    audit.record(
        "communication.story_submitted",
        request=request,
        target=story,
        summary=story.title,
        after={**_story_state(story), "consent_by": consent_by, "image": bool(image)},
        organisation=organisation,
    )
    if image:
        add_image(
            story,
            request,
            upload=image,
            alt_text=alt_text,
            shows_pupil=True,  # sent by the pupil or a guardian: consent is recorded either way
            consent_by=consent_by,
        )
    return story


@transaction.atomic
def add_quote(
    story: Story,
    request: HttpRequest | None,
    *,
    text: str,
    speaker: str,
    consent_by: str,
    consent_at: Any = None,
) -> Quote:
    if consent_by not in ConsentBy.values:
        raise ValidationError(_("Say who gave consent to show the quote."))
    quote = Quote.objects.create(
        organisation_id=story.organisation_id,
        story=story,
        text=text,
        speaker=speaker,
        consent_by=consent_by,
        consent_at=consent_at or timezone.now(),
    )
    story.save(update_fields=["updated_at"])  # the public pages' ETag follows the story
    audit.record(
        "communication.quote_added",
        request=request,
        target=story,
        summary=story.title,
        after={"quote": quote.pk, "consent_by": consent_by},
    )
    return quote


@transaction.atomic
def add_image(
    story: Story,
    request: HttpRequest | None,
    *,
    upload: Any,
    alt_text: str,
    shows_pupil: bool,
    consent_by: str = "",
) -> StoryImage:
    """A picture for the story, checked by its content (PNG, JPEG or WebP, at most 5 MB).
    Alt text is required; a picture that shows a pupil needs a consent."""
    if not alt_text.strip():
        raise ValidationError({"alt_text": _("Describe the image for those who cannot see it.")})
    if shows_pupil and consent_by not in ConsentBy.values:
        raise ValidationError(
            {"consent_by": _("A picture that shows a pupil needs consent. Say who gave it.")}
        )
    content_type = images.check(upload)
    image = StoryImage(
        organisation_id=story.organisation_id,
        story=story,
        content_type=content_type,
        alt_text=alt_text.strip(),
        shows_pupil=shows_pupil,
        consent_by=consent_by if shows_pupil else "",
        consent_at=timezone.now() if shows_pupil else None,
    )
    image.file.save(upload.name, upload, save=False)
    try:
        image.save()
    except Exception:
        images.delete_file(image.file)
        raise
    story.save(update_fields=["updated_at"])
    audit.record(
        "communication.image_added",
        request=request,
        target=story,
        summary=story.title,
        after={"image": image.pk, "shows_pupil": shows_pupil, "consent_by": image.consent_by},
    )
    return image


@transaction.atomic
def publish_story(story: Story, request: HttpRequest | None) -> Story:
    """Approve the story: it reaches the public pages, the members' pages and the feed."""
    if story.status == StoryStatus.PUBLISHED:
        raise ValidationError(_("The story has already been published."))
    if not story.body.strip() and not live_quotes().filter(story=story).exists():
        raise ValidationError(_("Write the story or add a quote before publishing it."))
    before = story.status
    story.status = StoryStatus.PUBLISHED
    story.published_at = timezone.now()
    story.reviewed_by = _user(request)
    story.save(update_fields=["status", "published_at", "reviewed_by", "updated_at"])
    audit.record(
        "communication.story_published",
        request=request,
        target=story,
        summary=story.title,
        before={"status": before},
        after={"status": story.status},
    )
    return story


@transaction.atomic
def reject_story(story: Story, request: HttpRequest | None) -> Story:
    """Decline a story sent in from outside (or take a published one down)."""
    if story.status == StoryStatus.REJECTED:
        raise ValidationError(_("The story has already been declined."))
    before = story.status
    story.status = StoryStatus.REJECTED
    story.highlighted = False  # taken down, it leaves the dashboards and the start page too
    story.reviewed_by = _user(request)
    story.save(update_fields=["status", "highlighted", "reviewed_by", "updated_at"])
    audit.record(
        "communication.story_rejected",
        request=request,
        target=story,
        summary=story.title,
        before={"status": before},
        after={"status": story.status},
    )
    return story


@transaction.atomic
def set_highlight(story: Story, request: HttpRequest | None, on: bool) -> Story:
    """Lift a published story onto the dashboards and the public start page, or take it off.
    Audited, so the cached dashboards show the change at once."""
    if on and story.status != StoryStatus.PUBLISHED:
        raise ValidationError(_("Only a published story can be highlighted."))
    if story.highlighted == on:
        raise ValidationError(
            _("The story is already highlighted.") if on else _("The story is not highlighted.")
        )
    story.highlighted = on
    story.save(update_fields=["highlighted", "updated_at"])
    audit.record(
        "communication.story_highlighted" if on else "communication.story_unhighlighted",
        request=request,
        target=story,
        summary=story.title,
        before={"highlighted": not on},
        after={"highlighted": on},
    )
    return story


HIGHLIGHTS = 3  # highlighted stories shown on a dashboard or the public start page


def highlights(unit: OrgUnit | None = None, limit: int = HIGHLIGHTS) -> list[Story]:
    """The newest highlighted, published stories (of `unit`'s subtree, if given), each with
    the first quote whose consent stands as `quote_text` and `quote_speaker`: one query.
    A quote whose consent is withdrawn is never shown; a story taken down drops out."""
    first_quote = live_quotes().filter(story=OuterRef("pk")).order_by("id")
    stories = published_stories().filter(highlighted=True)
    if unit is not None:
        stories = stories.filter(unit__path__startswith=unit.path)
    return list(
        stories.select_related("unit")
        .annotate(
            quote_text=Subquery(first_quote.values("text")[:1]),
            quote_speaker=Subquery(first_quote.values("speaker")[:1]),
        )
        .order_by("-published_at", "-id")[:limit]
    )


def highlight_parts(stories: list[Story]) -> list[tuple[Any, ...]]:
    """What a page's ETag needs of the highlights it shows."""
    return [
        (s.pk, s.updated_at, getattr(s, "quote_text", None), getattr(s, "quote_speaker", None))
        for s in stories
    ]


@transaction.atomic
def set_consent_age(organisation: Organisation, request: HttpRequest | None, age: int) -> None:
    """The age from which a pupil consents for themselves (below it a guardian does)."""
    before = organisation.consent_age
    if not CONSENT_AGE_MIN <= age <= CONSENT_AGE_MAX:
        raise ValidationError(
            {
                "consent_age": gettext("Give an age from {min} to {max}.").format(
                    min=CONSENT_AGE_MIN, max=CONSENT_AGE_MAX
                )
            }
        )
    organisation.consent_age = age
    organisation.save(update_fields=["consent_age"])
    audit.record(
        "communication.consent_age_changed",
        request=request,
        target=organisation,
        before={"consent_age": before},
        after={"consent_age": age},
        organisation=organisation,
    )


@transaction.atomic
def withdraw_quote(quote: Quote, request: HttpRequest | None) -> Quote:
    """Consent withdrawn: the words leave every page and feed for good (the text is erased);
    the row stays so that reports can say a quote was removed after withdrawn consent."""
    if quote.withdrawn_at is not None:
        raise ValidationError(_("The consent for this quote has already been withdrawn."))
    quote.text = ""
    quote.withdrawn_at = timezone.now()
    quote.save(update_fields=["text", "withdrawn_at"])
    quote.story.save(update_fields=["updated_at"])
    audit.record(
        "communication.quote_withdrawn",
        request=request,
        target=quote.story,
        summary=quote.story.title,
        before={"quote": quote.pk},
        after={"quote": quote.pk, "withdrawn": True},
    )
    signals.consent_withdrawn.send(sender=Story, quote_id=quote.pk)
    return quote


@transaction.atomic
def withdraw_image(image: StoryImage, request: HttpRequest | None) -> StoryImage:
    """Consent withdrawn: the picture leaves every page and its file is deleted (after the
    transaction commits, so a rollback keeps it)."""
    if image.withdrawn_at is not None:
        raise ValidationError(_("The consent for this image has already been withdrawn."))
    name, storage = image.file.name, image.file.storage
    image.file = ""
    image.withdrawn_at = timezone.now()
    image.save(update_fields=["file", "withdrawn_at"])
    image.story.save(update_fields=["updated_at"])
    audit.record(
        "communication.image_withdrawn",
        request=request,
        target=image.story,
        summary=image.story.title,
        before={"image": image.pk},
        after={"image": image.pk, "withdrawn": True},
    )
    if name:
        transaction.on_commit(lambda: storage.exists(name) and storage.delete(name))
    signals.consent_withdrawn.send(sender=Story, image_id=image.pk)
    return image


# Feedback ---------------------------------------------------------------------------------------

FeedbackStatus = Feedback.Status


def answered_feedback() -> QuerySet[Feedback]:
    return Feedback.objects.filter(status=FeedbackStatus.PUBLISHED).order_by(
        "-answered_at", "-created_at", "-id"
    )


@transaction.atomic
def leave_feedback(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    message: str,
    unit: OrgUnit | None = None,
    contact_email: str = "",
) -> Feedback:
    """Feedback from the public form, waiting for moderation. The audit event carries no text
    and no address: the person is anonymous."""
    _same_organisation(organisation.pk, unit)
    feedback = Feedback.objects.create(
        organisation=organisation, message=message, unit=unit, contact_email=contact_email
    )
    audit.record(
        "communication.feedback_received",
        request=request,
        target=feedback,
        after={"unit": getattr(unit, "pk", None), "wants_answer": bool(contact_email)},
        organisation=organisation,
    )
    return feedback


@transaction.atomic
def answer_feedback(feedback: Feedback, request: HttpRequest | None, answer: str) -> Feedback:
    """Approve the feedback and publish it with the organisation's answer (which may follow
    later: answering again replaces it)."""
    if feedback.status == FeedbackStatus.REJECTED:
        raise ValidationError(_("Rejected feedback cannot be published."))
    before = {"status": feedback.status, "answered": bool(feedback.answer)}
    feedback.status = FeedbackStatus.PUBLISHED
    feedback.answer = answer.strip()
    feedback.answered_at = timezone.now() if feedback.answer else None
    feedback.moderated_by = _user(request)
    feedback.save(update_fields=["status", "answer", "answered_at", "moderated_by", "updated_at"])
    audit.record(
        "communication.feedback_answered",
        request=request,
        target=feedback,
        before=before,
        after={"status": feedback.status, "answered": bool(feedback.answer)},
    )
    return feedback


@transaction.atomic
def reject_feedback(feedback: Feedback, request: HttpRequest | None) -> Feedback:
    """Spam, abuse or personal data about others: never shown."""
    if feedback.status == FeedbackStatus.REJECTED:
        raise ValidationError(_("The feedback has already been rejected."))
    before = feedback.status
    feedback.status = FeedbackStatus.REJECTED
    feedback.moderated_by = _user(request)
    feedback.save(update_fields=["status", "moderated_by", "updated_at"])
    audit.record(
        "communication.feedback_rejected",
        request=request,
        target=feedback,
        before={"status": before},
        after={"status": feedback.status},
    )
    return feedback


@transaction.atomic
def feedback_to_signal(feedback: Feedback, request: HttpRequest | None) -> Any:
    """Carry the feedback into omvärldsbevakning as a new signal (scanning's own service)."""
    from malbild.scanning import services as scanning
    from malbild.scanning.models import Signal

    if feedback.signal_id is not None:
        raise ValidationError(_("This feedback is already a signal."))
    first_line = feedback.message.strip().splitlines()[0] if feedback.message.strip() else ""
    title = gettext("Feedback from the public: %(start)s") % {"start": first_line[:120]}
    signal = scanning.create_signal(
        feedback.organisation,
        request,
        title=title[:200],
        kind=Signal.Kind.NEWS,
        horizon=Signal.Horizon.NOW,
        summary=feedback.message,
    )
    feedback.signal = signal
    feedback.save(update_fields=["signal", "updated_at"])
    audit.record(
        "communication.feedback_signal",
        request=request,
        target=feedback,
        after={"signal": signal.pk},
    )
    return signal
