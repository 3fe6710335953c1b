"""Communication at every level (DESIGN.md R6): announcements to audiences and each person's
subscription (a personal feed token and the weekly digest)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from malbild.tenants.models import Membership, Organisation, OrgUnit
from malbild.tenants.scope import TenantManager

Role = Membership.Role


class Audience(models.TextChoices):
    """Who an announcement is for. The first four are members (by role); the last two read
    without logging in."""

    ELECTED = "elected", _("elected members")
    ADMINISTRATION = "administration", _("the administration")
    UNIT_LEADS = "unit_leads", _("principals and preschool heads")
    STAFF = "staff", _("staff")
    GUARDIANS = "guardians", _("guardians and pupils")
    PUBLIC = "public", _("the public")


# The audiences readable without login, and the slug of each one's public feed.
PUBLIC_AUDIENCES = {Audience.GUARDIANS: "vardnadshavare", Audience.PUBLIC: "allmanheten"}
# The audience each role belongs to (a reader belongs to none but reads the public ones).
ROLE_AUDIENCE: dict[str, str] = {
    Role.ELECTED: Audience.ELECTED,
    Role.ADMIN: Audience.ADMINISTRATION,
    Role.UNIT_LEAD: Audience.UNIT_LEADS,
    Role.STAFF: Audience.STAFF,
}


class Announcement(models.Model):
    """News, a decision or a coming change, addressed to one or more audiences and, optionally,
    to one unit's subtree. Drafts are seen by editors only; published ones reach their feeds.

    Drafted automatically (`origin`) when a målbild is adopted or a goal changes status, for an
    administrator to review and publish."""

    class Kind(models.TextChoices):
        NEWS = "news", _("news")
        DECISION = "decision", _("decision")
        CHANGE = "change", _("coming change")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    class Origin(models.TextChoices):
        WRITTEN = "written", _("written by a person")
        TARGET_ADOPTED = "target_adopted", _("drafted when a målbild was adopted")
        GOAL_STATUS = "goal_status", _("drafted when a goal changed status")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("headline"), max_length=200)
    summary = models.CharField(
        _("summary"), max_length=300, blank=True,
        help_text=_("One or two sentences, shown in lists, feeds and when the page is shared."),
    )  # fmt: skip
    body = models.TextField(_("text"), help_text=_("Markdown: **bold**, lists, links."))
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("for the unit"),
        help_text=_("Only this unit and the units under it. Empty: the whole organisation."),
    )  # fmt: skip
    to_elected = models.BooleanField(Audience.ELECTED.label, default=False)
    to_administration = models.BooleanField(Audience.ADMINISTRATION.label, default=False)
    to_unit_leads = models.BooleanField(Audience.UNIT_LEADS.label, default=False)
    to_staff = models.BooleanField(Audience.STAFF.label, default=False)
    to_guardians = models.BooleanField(Audience.GUARDIANS.label, default=False)
    to_public = models.BooleanField(Audience.PUBLIC.label, default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.WRITTEN
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("written by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [
            models.Index(fields=["organisation", "status", "published_at"], name="comm_ann_pub"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audiences(self) -> list[str]:
        return [a.value for a in Audience if getattr(self, f"to_{a.value}")]

    def audience_labels(self) -> list[str]:
        return [str(a.label) for a in Audience if getattr(self, f"to_{a.value}")]

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED and (self.to_guardians or self.to_public)

    @staticmethod
    def for_audience(audience: str) -> Q:
        return Q(**{f"to_{audience}": True})


class Subscription(models.Model):
    """What one person receives from one organisation: a personal Atom feed behind a secret
    token (only its hash is stored; a new token revokes the old) and the weekly e-mail digest."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("person"),
    )  # fmt: skip
    feed_token_hash = models.CharField(max_length=64, blank=True, editable=False)
    feed_token_created_at = models.DateTimeField(_("feed address created"), null=True, blank=True)
    digest = models.BooleanField(
        _("weekly e-mail digest"), default=True,
        help_text=_("A summary every Monday morning of what concerns you."),
    )  # fmt: skip
    digest_sent_at = models.DateTimeField(_("digest last sent"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="comm_subscription_one"),
        ]
        indexes = [models.Index(fields=["feed_token_hash"], name="comm_sub_token")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


# Celebrating --------------------------------------------------------------------------------------


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
        "goals.Goal", blank=True, related_name="stories", verbose_name=_("goals")
    )
    values = models.ManyToManyField(
        "platform.Value", blank=True, related_name="stories", verbose_name=_("values")
    )
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
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation to tell a story")
        verbose_name_plural = _("invitations to tell a story")
        constraints = [
            models.UniqueConstraint(fields=["goal", "target_key"], name="comm_invitation_once"),
        ]

    def __str__(self) -> str:
        return str(self.goal)


# Listening ----------------------------------------------------------------------------------------


class Feedback(models.Model):
    """What someone outside said through the public form. No account and no personal data: an
    e-mail address only if they want the answer by mail (never shown). Moderated; an approved
    one shows publicly with the organisation's answer, and may become a signal."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for moderation")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    message = models.TextField(_("feedback"), max_length=3000)
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("about the unit"),
    )  # fmt: skip
    contact_email = models.EmailField(_("e-mail for an answer"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answer = models.TextField(_("our answer"), max_length=5000, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("moderated by"),
    )  # fmt: skip
    signal = models.ForeignKey(
        "scanning.Signal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("signal"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        indexes = [
            models.Index(fields=["organisation", "status", "answered_at"], name="comm_fb_status"),
        ]

    def __str__(self) -> str:
        return self.message[:60]
