"""Success stories with pupils' own voices (DESIGN.md R8): stories linked to goals, a unit and
values, quotes and pictures shown only while their consent stands, and the invitations to tell
the story of a goal that reached its target.

The tables keep the names they had in the communication app (communication/migrations/0004)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import TenantManager


class ConsentBy(models.TextChoices):
    """Who gave consent for a quote or an image that shows a pupil: the pupil from the age the
    organisation sets (`Organisation.consent_age`, 16 unless changed), a guardian below it."""

    PUPIL = "pupil", _("the pupil")
    GUARDIAN = "guardian", _("a guardian")


class Story(models.Model):
    """A success story: what went well, linked to goals, a unit and the values it expresses,
    with pupils' own words (`Quote`) and pictures (`StoryImage`).

    Written by members (`origin=written`) or sent in by a pupil or guardian through the public
    form (`origin=submitted`); either way someone who may publish for the unit approves it
    before it reaches the public pages."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("waiting for review")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("not published")

    class Origin(models.TextChoices):
        WRITTEN = "written", _("written by a member")
        SUBMITTED = "submitted", _("sent in by a pupil or guardian")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    title = models.CharField(_("headline"), max_length=200)
    summary = models.CharField(
        _("summary"), max_length=300, blank=True,
        help_text=_("One or two sentences, shown in lists, feeds and when the page is shared."),
    )  # fmt: skip
    body = models.TextField(
        _("story"), blank=True, help_text=_("Markdown: **bold**, lists, links.")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("unit"),
    )  # fmt: skip
    goals = models.ManyToManyField(
        "goals.Goal", blank=True, related_name="stories", verbose_name=_("goals"),
        db_table="communication_story_goals",
    )  # fmt: skip
    values = models.ManyToManyField(
        "platform.Value", blank=True, related_name="stories", verbose_name=_("values"),
        db_table="communication_story_values",
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.WRITTEN
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    highlighted = models.BooleanField(
        _("highlighted"), default=False,
        help_text=_("Shown on the dashboards and the public start page while it is published."),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("written by"),
    )  # fmt: skip
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("reviewed by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = TenantManager()

    class Meta:
        db_table = "communication_story"
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")
        indexes = [
            models.Index(fields=["organisation", "status", "published_at"], name="comm_story_pub"),
        ]

    def __str__(self) -> str:
        return self.title


class Quote(models.Model):
    """A pupil's own words in a story, shown only while its consent stands. Withdrawing the
    consent empties the text and keeps the row, so stored reports can say it was removed."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="quotes", verbose_name=_("story")
    )
    text = models.TextField(_("quote"), max_length=2000, blank=True)
    speaker = models.CharField(
        _("who said it"), max_length=100, blank=True,
        help_text=_("As it should be shown, without a full name: for example “Pupil in year 5”."),
    )  # fmt: skip
    consent_by = models.CharField(_("consent given by"), max_length=10, choices=ConsentBy.choices)
    consent_at = models.DateTimeField(_("consent given"))
    withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        db_table = "communication_quote"
        ordering = ["story", "id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self) -> str:
        return self.speaker or str(_("quote"))


class StoryImage(models.Model):
    """A picture in a story, kept in the database (`server.storage`) and served only by views that
    check the story's organisation and publication. A picture that shows a pupil needs consent;
    withdrawing it deletes the file."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    story = models.ForeignKey(
        Story, on_delete=models.CASCADE, related_name="images", verbose_name=_("story")
    )
    file = models.FileField(_("image"), upload_to="stories/%Y/", blank=True)
    content_type = models.CharField(max_length=20, editable=False)
    alt_text = models.CharField(_("description of the image"), max_length=300)
    shows_pupil = models.BooleanField(_("shows a pupil"), default=False)
    consent_by = models.CharField(
        _("consent given by"), max_length=10, choices=ConsentBy.choices, blank=True
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        db_table = "communication_storyimage"
        ordering = ["story", "id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self) -> str:
        return self.alt_text


class StoryInvitation(models.Model):
    """The record that a goal's owner unit was invited to tell the story of a reached target:
    one per goal and final target value, so a goal that dips below its target and reaches it
    again is not announced twice, while a raised target can be celebrated anew."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    goal = models.ForeignKey(
        "goals.Goal", on_delete=models.CASCADE, related_name="+", verbose_name=_("goal")
    )
    target_key = models.CharField(
        _("target"), max_length=64, editable=False,
        help_text=_("A fingerprint of the goal's final indicator targets when it was reached."),
    )  # fmt: skip
    recipients = models.PositiveIntegerField(_("people invited"), default=0)
    created_at = models.DateTimeField(_("invited"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        db_table = "communication_storyinvitation"
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation to tell a story")
        verbose_name_plural = _("invitations to tell a story")
        constraints = [
            models.UniqueConstraint(fields=["goal", "target_key"], name="comm_invitation_once"),
        ]

    def __str__(self) -> str:
        return str(self.goal)
