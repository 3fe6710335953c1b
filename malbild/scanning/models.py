"""Omvärldsbevakning: signals from the outside world that every member of the organisation,
politicians included, adds, discusses and rates in the open; the RSS and Atom sources whose items
become signal candidates; and what each signal led to.

A signal that led to a goal is cited by the goal's `goals.Evidence` (kind "signal", with its
`signal` foreign key); what it led to in the målbild or in an action plan is a :class:`SignalLink`.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.plans.models import Activity
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.models import Organisation
from malbild.tenants.scope import TenantManager

SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class FeedSource(models.Model):
    """An RSS or Atom feed that an administrator added; fetched on a schedule
    (`scanning.tasks.fetch_feeds`), each fetch leaving its outcome here."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("feed address"), max_length=500)
    is_active = models.BooleanField(_("fetched"), default=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("added by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last fetched without error"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    last_new_items = models.PositiveIntegerField(_("new items in the last fetch"), default=0)

    objects = TenantManager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("feed source")
        verbose_name_plural = _("feed sources")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "url"], name="scanning_source_url"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def failing(self) -> bool:
        """Whether the last fetch ended in an error."""
        return bool(self.last_error) and (
            self.last_success_at is None
            or (self.last_error_at is not None and self.last_error_at >= self.last_success_at)
        )


class Signal(models.Model):
    """Something in the outside world that may matter for the schools' digital transformation:
    a trend, research, policy, technology or news. Visible to every member; moves from new to
    discussed, acted on or archived."""

    class Kind(models.TextChoices):
        TREND = "trend", _("trend")
        RESEARCH = "research", _("research")
        POLICY = "policy", _("policy")
        TECHNOLOGY = "technology", _("technology")
        NEWS = "news", _("news")

    class Horizon(models.TextChoices):
        NOW = "now", _("now (within a year)")
        SOON = "soon", _("soon (1–3 years)")
        LATER = "later", _("later (3 years or more)")

    class State(models.TextChoices):
        NEW = "new", _("new")
        DISCUSSED = "discussed", _("discussed")
        ACTED_ON = "acted_on", _("acted on")
        ARCHIVED = "archived", _("archived")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="signals", verbose_name=_("focus areas")
    )
    horizon = models.CharField(_("time horizon"), max_length=8, choices=Horizon.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NEW)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("added by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    active_at = models.DateTimeField(
        _("last activity"), help_text=_("When it was last added, changed, discussed or rated.")
    )

    objects = TenantManager()

    class Meta:
        ordering = ["-active_at", "-id"]
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        indexes = [
            models.Index(
                fields=["organisation", "state", "active_at"], name="scanning_signal_state"
            ),
            models.Index(fields=["organisation", "created_at"], name="scanning_signal_created"),
        ]

    def __str__(self) -> str:
        return self.title


class SignalComment(models.Model):
    """A contribution to a signal's discussion. A reply hangs on the comment that opened its
    thread (`parent`), so a thread is one level deep and reads in order."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    signal = models.ForeignKey(
        Signal, on_delete=models.CASCADE, related_name="comments", verbose_name=_("signal")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies",
        verbose_name=_("reply to"),
    )  # fmt: skip
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment on a signal")
        verbose_name_plural = _("comments on signals")
        indexes = [
            models.Index(fields=["organisation", "signal"], name="scanning_comment_signal"),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Mention(models.Model):
    """A member named with @ in a comment, who was notified by e-mail. Only members of the
    organisation are ever recorded (or notified)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    comment = models.ForeignKey(
        SignalComment, on_delete=models.CASCADE, related_name="mentions",
        verbose_name=_("comment"),
    )  # fmt: skip
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("person"),
    )  # fmt: skip

    objects = TenantManager()

    class Meta:
        ordering = ["comment", "id"]
        verbose_name = _("mention")
        verbose_name_plural = _("mentions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "comment", "person"], name="scanning_mention_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.person}"


class Rating(models.Model):
    """One member's view of a signal: how relevant it is to us and how great its impact would
    be, each from 1 (very low) to 5 (very high). A member rates once and may change it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    signal = models.ForeignKey(
        Signal, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("signal")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("person"),
    )  # fmt: skip
    relevance = models.PositiveSmallIntegerField(_("relevance"), validators=SCALE)
    impact = models.PositiveSmallIntegerField(_("impact"), validators=SCALE)
    rated_at = models.DateTimeField(_("rated"), auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["signal", "rated_at"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "signal", "person"], name="scanning_rating_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    relevance__gte=1, relevance__lte=5, impact__gte=1, impact__lte=5
                ),
                name="scanning_rating_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.relevance}/{self.impact}"


class SignalLink(models.Model):
    """What a signal led to in the målbild (a version) or in an action plan (an activity).
    Goals cite signals as their evidence instead (`goals.Evidence.signal`)."""

    class Kind(models.TextChoices):
        TARGET_VISION = "target_vision", _("a version of the målbild")
        ACTIVITY = "activity", _("an activity in an action plan")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    signal = models.ForeignKey(
        Signal, on_delete=models.CASCADE, related_name="links", verbose_name=_("signal")
    )
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    target_vision = models.ForeignKey(
        TargetVision, on_delete=models.CASCADE, null=True, blank=True, related_name="signal_links",
        verbose_name=_("målbild"),
    )  # fmt: skip
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, null=True, blank=True, related_name="signal_links",
        verbose_name=_("activity in an action plan"),
    )  # fmt: skip
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("added by"),
    )  # fmt: skip
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["signal", "added_at"]
        verbose_name = _("what a signal led to")
        verbose_name_plural = _("what signals led to")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind="target_vision", target_vision__isnull=False, activity__isnull=True
                    )
                    | models.Q(kind="activity", activity__isnull=False, target_vision__isnull=True)
                ),
                name="scanning_link_one_target",
            ),
            models.UniqueConstraint(
                fields=["organisation", "signal", "target_vision"],
                condition=models.Q(target_vision__isnull=False),
                name="scanning_link_target_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "signal", "activity"],
                condition=models.Q(activity__isnull=False),
                name="scanning_link_activity_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.signal} → {self.target_vision or self.activity}"


class FeedItem(models.Model):
    """An item of a feed source: a signal candidate until a member turns it into a signal or
    dismisses it. `key` (the item's guid, else its link) keeps a fetch from adding it twice."""

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        TAKEN = "taken", _("turned into a signal")
        DISMISSED = "dismissed", _("dismissed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    source = models.ForeignKey(
        FeedSource, on_delete=models.CASCADE, related_name="items", verbose_name=_("feed source")
    )
    key = models.CharField(_("identifier"), max_length=500)
    title = models.CharField(_("title"), max_length=300)
    link = models.URLField(_("link"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CANDIDATE
    )
    signal = models.ForeignKey(
        Signal, on_delete=models.SET_NULL, null=True, blank=True, related_name="feed_items",
        verbose_name=_("signal"),
    )  # fmt: skip
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("decided by"),
    )  # fmt: skip

    objects = TenantManager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("feed item")
        verbose_name_plural = _("feed items")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "source", "key"], name="scanning_item_key"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "status"], name="scanning_item_status"),
            models.Index(fields=["organisation", "link"], name="scanning_item_link"),
        ]

    def __str__(self) -> str:
        return self.title
