"""The practice library: what an organisation learnt and shares with the others (DESIGN.md §3).

A practice starts as a draft that only its own organisation reads. Shared, every organisation on
the installation reads it under `/delat/praxis/`, through `tenants.shared` only; public, anyone
also reads it under `/offentlig/<slug>/praxis/` without logging in. Comments and questions from
other organisations are stored with the commenter's organisation; what an organisation took from a
practice into its own work is kept as a :class:`PracticeUse` of its own.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from malbild.goals.models import Goal
from malbild.indicators.models import Indicator
from malbild.targets.models import FocusArea
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import TenantManager

# The states in which other organisations read a practice (and its tips and comments).
SHARED_STATES = ("shared", "public")


class Practice(models.Model):
    """Something that worked for an organisation, in one key area, told so others can use it.

    `search_text` is the normalised text the full-text search indexes (written by
    `practices.services`, which also keeps SQLite's FTS5 table in step). `results` is what the
    other organisations and the public see of the linked goals and indicators: a snapshot taken
    when the practice is saved, since those goals are the organisation's own and never cross.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SHARED = "shared", _("shared with all organisations")
        PUBLIC = "public", _("public")

    # Read by tenants.shared.published: what other organisations may see.
    SHARED_WHEN = {"state__in": SHARED_STATES}

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="practices",
        verbose_name=_("where it was done"),
    )  # fmt: skip
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, related_name="practices", verbose_name=_("key area")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(
        _("summary"), max_length=1000, help_text=_("Two or three sentences: what worked, and why.")
    )
    details = models.TextField(
        _("details"), blank=True,
        help_text=_("How you did it, what it cost and what you would do differently. Markdown."),
    )  # fmt: skip
    contact_role = models.CharField(
        _("contact (role)"), max_length=150,
        help_text=_("A role others can ask for, such as “IT strategist at the education office”."),
    )  # fmt: skip
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True,
        help_text=_("Optional. Prefer a shared mailbox to a person's own address."),
    )  # fmt: skip
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="practices", verbose_name=_("goals it came from")
    )
    indicators = models.ManyToManyField(
        Indicator, blank=True, related_name="practices", verbose_name=_("results it shows in")
    )
    results = models.JSONField(_("results as shared"), default=list, blank=True, editable=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    shared_at = models.DateTimeField(_("shared"), null=True, blank=True, editable=False)
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-updated_at", "id"]
        verbose_name = _("practice")
        verbose_name_plural = _("practices")
        indexes = [
            models.Index(fields=["organisation", "state"], name="practices_practice_state"),
            models.Index(fields=["state", "shared_at"], name="practices_practice_shared"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "title"], name="practices_practice_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.state in SHARED_STATES


class Tip(models.Model):
    """One tip of a practice, in the order the organisation wrote them."""

    SHARED_WHEN = {"practice__state__in": SHARED_STATES}

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="tips", verbose_name=_("practice")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("tip"), max_length=500)

    objects = TenantManager()

    class Meta:
        ordering = ["practice", "position", "id"]
        verbose_name = _("tip")
        verbose_name_plural = _("tips")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "practice", "position"], name="practices_tip_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class PracticeComment(models.Model):
    """A comment on, or a question about, a shared practice, to its organisation.

    `organisation` is the commenter's (it is their row); the practice may be another's. Everyone
    who reads the shared practice reads its comments, the publishing organisation included.
    """

    class Kind(models.TextChoices):
        COMMENT = "comment", pgettext_lazy("practice", "comment")
        QUESTION = "question", _("question")

    SHARED_WHEN = {"practice__state__in": SHARED_STATES}

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("commenter's organisation"),
    )  # fmt: skip
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="comments", verbose_name=_("practice")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default="comment")
    body = models.TextField(pgettext_lazy("practice", "comment"), max_length=3000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("written by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["practice", "created_at", "id"]
        verbose_name = _("comment on a practice")
        verbose_name_plural = _("comments on practices")
        indexes = [
            models.Index(fields=["practice", "created_at"], name="practices_comment_practice"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class PracticeUse(models.Model):
    """What an organisation took from a practice (its own or another's) into its own work: an
    activity suggested in a unit's action plan, or a note in the målbild discussion."""

    class Kind(models.TextChoices):
        ACTIVITY = "activity", _("an activity in the action plan")
        NOTE = "note", _("a note in the målbild discussion")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="uses", verbose_name=_("practice")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    activity = models.ForeignKey(
        "plans.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=pgettext_lazy("activity", "activity"),
    )  # fmt: skip
    note = models.ForeignKey(
        "targets.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("note"),
    )  # fmt: skip
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("used by"),
    )  # fmt: skip
    used_at = models.DateTimeField(_("used"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-used_at", "id"]
        verbose_name = _("use of a practice")
        verbose_name_plural = _("uses of practices")
        indexes = [
            models.Index(fields=["organisation", "practice"], name="practices_use_practice"),
        ]

    def __str__(self) -> str:
        return f"{self.practice_id}: {self.kind}"
