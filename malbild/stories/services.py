"""Every write of the stories app: success stories written by members or sent in from the
public form, pupils' quotes and pictures with their consent, publishing, highlighting, the
organisation's age of consent, and withdrawing a consent (`signals.consent_withdrawn`).

Each function writes inside one transaction and records an audit event in it; the action codes
keep the prefix "communication." they had before stories became an app of its own.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.stories import images, signals
from malbild.stories.models import ConsentBy, Quote, Story, StoryImage
from malbild.tenants.models import CONSENT_AGE_MAX, CONSENT_AGE_MIN, Organisation, OrgUnit


def _user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _same_organisation(organisation_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation_id:
            raise ValueError(f"{obj!r} belongs to another organisation")


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
    """A picture for the story, checked by its content (PNG, JPEG or WebP, at most 5 MB) and
    stored as written anew by `images.clean`, without any metadata. Alt text is required; a
    picture that shows a pupil needs a consent."""
    if not alt_text.strip():
        raise ValidationError({"alt_text": _("Describe the image for those who cannot see it.")})
    if shows_pupil and consent_by not in ConsentBy.values:
        raise ValidationError(
            {"consent_by": _("A picture that shows a pupil needs consent. Say who gave it.")}
        )
    picture = images.clean(upload)
    image = StoryImage(
        organisation_id=story.organisation_id,
        story=story,
        content_type=picture.content_type,
        alt_text=alt_text.strip(),
        shows_pupil=shows_pupil,
        consent_by=consent_by if shows_pupil else "",
        consent_at=timezone.now() if shows_pupil else None,
    )
    image.file.save(picture.name, picture, save=False)
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
