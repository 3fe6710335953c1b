"""Communication at every level (DESIGN.md R6): announcements to audiences and each person's
subscription (a personal feed token and the weekly digest).

The tables keep the names they had in the communication app, which held announcements, stories
and feedback until they became apps of their own (communication/migrations/0004)."""

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
        db_table = "communication_announcement"
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
        db_table = "communication_subscription"
        ordering = ["organisation", "user"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="comm_subscription_one"),
        ]
        indexes = [models.Index(fields=["feed_token_hash"], name="comm_sub_token")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"
