"""Action plans: a unit's activities that serve its goals, their milestones and every revision."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from malbild.goals.models import Goal
from malbild.platforms.models import Value
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import TenantManager


class Activity(models.Model):
    """Something a unit does to reach its goals: one line of the unit's action plan.

    `goals` are goals of the unit or of the units above it (the breakdown chain); `values` the
    values of the värdegrund it expresses. Every change is kept as an :class:`ActivityRevision`,
    written by `plans.services` in the same transaction.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        PAUSED = "paused", _("paused")
        CANCELLED = "cancelled", _("cancelled")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="activities", verbose_name=_("unit")
    )
    title = models.CharField(pgettext_lazy("activity", "activity"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    goals = models.ManyToManyField(
        Goal, blank=True, related_name="activities", verbose_name=_("goals it serves")
    )
    values = models.ManyToManyField(
        Value, blank=True, related_name="activities", verbose_name=_("values it expresses")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("responsible"),
    )  # fmt: skip
    starts_on = models.DateField(_("start date"))
    ends_on = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["starts_on", "title", "id"]
        verbose_name = pgettext_lazy("activity", "activity")
        verbose_name_plural = pgettext_lazy("activity", "activities")
        indexes = [
            models.Index(fields=["organisation", "unit", "starts_on"], name="plans_activity_unit"),
            models.Index(fields=["organisation", "status"], name="plans_activity_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="plans_activity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="plans_activity_progress_max"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_late(self) -> bool:
        """Past its end date and neither done nor cancelled."""
        open_ = self.status not in (self.Status.DONE, self.Status.CANCELLED)
        return open_ and self.ends_on < timezone.localdate()

    def next_milestone(self) -> "Milestone | None":
        """The first milestone not done yet (from prefetched milestones when there are)."""
        return next((m for m in self.milestones.all() if m.done_on is None), None)


class Milestone(models.Model):
    """A dated step of an activity; done when `done_on` is set. Due within the activity's dates."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="milestones",
        verbose_name=pgettext_lazy("activity", "activity"),
    )  # fmt: skip
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due date"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["due_on", "title", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [
            models.Index(fields=["organisation", "activity"], name="plans_milestone_activity"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    @property
    def is_late(self) -> bool:
        return self.done_on is None and self.due_on < timezone.localdate()


class ActivityRevision(models.Model):
    """One kept change of an activity: who, when, what (field by field, before and after) and why.

    `changes` maps a field name to `{"before": …, "after": …}` with readable values (names, not
    ids; ISO dates), so the history reads the same after goals or people have changed. Creating the
    activity is its first revision.
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("created")
        CHANGED = "changed", _("changed")
        STATUS = "status", _("status or progress updated")
        MILESTONE = "milestone", _("milestone")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="revisions",
        verbose_name=pgettext_lazy("activity", "activity"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("changed by"),
    )  # fmt: skip
    changed_at = models.DateTimeField(_("changed"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("revision of an activity")
        verbose_name_plural = _("revisions of activities")
        indexes = [
            models.Index(
                fields=["organisation", "activity", "changed_at"], name="plans_revision_activity"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} – {self.changed_at:%Y-%m-%d %H:%M}"

    @property
    def milestone(self) -> str:
        """The milestone a milestone revision is about ("" for other kinds)."""
        change = self.changes.get("milestone") or {}
        return str(change.get("after") or change.get("before") or "")

    def rows(self) -> list["ChangeRow"]:
        """What changed, field by field, in words for people (no query)."""
        found = []
        for name, label in FIELD_LABELS.items():
            change = self.changes.get(name)
            if change is None:
                continue
            before, after = change.get("before"), change.get("after")
            if name == "milestone" and before == after:
                continue  # only says which milestone (see `milestone`)
            found.append(ChangeRow(str(label), _readable(name, before), _readable(name, after)))
        return found


@dataclass(frozen=True)
class ChangeRow:
    label: str
    before: str
    after: str


# The order in which a revision's changes are shown, with the words for each.
FIELD_LABELS = {
    "title": pgettext_lazy("activity", "activity"),
    "description": _("description"),
    "goals": _("goals it serves"),
    "values": _("values it expresses"),
    "owner": _("responsible"),
    "starts_on": _("start date"),
    "ends_on": _("end date"),
    "status": _("status"),
    "progress": _("progress"),
    "milestone": _("milestone"),
    "milestone_due_on": _("due date"),
    "milestone_done_on": _("done on"),
}
DATE_FIELDS = frozenset({"starts_on", "ends_on", "milestone_due_on", "milestone_done_on"})


def _readable(name: str, value: Any) -> str:
    """A kept value as it is shown: dates in words, a status by its label, lists joined, and
    "" for nothing (the template says "–")."""
    if value in (None, "", []):
        return ""
    if name in DATE_FIELDS:
        try:
            return date_format(date.fromisoformat(str(value)), "j F Y")
        except ValueError:
            return str(value)
    if name == "status":
        try:
            return str(Activity.Status(value).label)
        except ValueError:
            return str(value)
    if name == "progress":
        return f"{value} %"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
