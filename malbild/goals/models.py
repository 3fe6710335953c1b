from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from malbild.indicators.models import Indicator
from malbild.indicators.progress import Light as TrafficLight
from malbild.platforms.models import Value
from malbild.steering.models import SteeringChange
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import TenantManager


class Goal(models.Model):
    """A goal of a unit, set under a version of the målbild, in one focus area.

    `parent` is the goal of a higher unit that this one breaks down (the breakdown chain);
    :class:`Contribution` says which other goals it also helps. `progress` (0–100) is stored and
    kept up to date by `goals.progress` in the same transaction as every change that moves it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
        CLOSED = "closed", _("closed")

    Light = TrafficLight

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    target_vision = models.ForeignKey(
        TargetVision, on_delete=models.PROTECT, related_name="goals",
        verbose_name=_("set under the målbild"),
    )  # fmt: skip
    focus_area = models.ForeignKey(
        FocusArea, on_delete=models.PROTECT, related_name="goals", verbose_name=_("focus area")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="goals", verbose_name=_("owned by")
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("breaks down"),
    )  # fmt: skip
    title = models.CharField(pgettext_lazy("goal", "goal"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("responsible"),
    )  # fmt: skip
    values = models.ManyToManyField(
        Value, blank=True, related_name="goals", verbose_name=_("values it expresses")
    )
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=1,
        validators=[MinValueValidator(0)],
        help_text=_("How much this goal counts in the goal it breaks down."),
    )  # fmt: skip
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    progress = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=1, null=True, blank=True, editable=False
    )
    expected = models.DecimalField(
        _("planned progress (%)"), max_digits=5, decimal_places=1, null=True, blank=True,
        editable=False,
    )  # fmt: skip
    light = models.CharField(
        _("status light"), max_length=10, choices=Light.choices, default=Light.NO_DATA,
        editable=False,
    )  # fmt: skip
    # Progress and planned progress at each of the latest periods (`goals.progress`): the goal's
    # trend, drawn on its page and in goal lists without a query of its own.
    series = models.JSONField(_("progress over time"), default=list, blank=True, editable=False)
    # The light of the latest follow-up report marked ready: the lead's own assessment, which
    # may differ from the measured `light`; both are shown side by side. Kept by the follow-up
    # (`followup.services.refresh_assessment` calls `goals.services.set_assessment`).
    assessed_light = models.CharField(
        _("assessed status light"), max_length=10, choices=Light.choices, blank=True,
        editable=False,
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["title", "id"]
        verbose_name = pgettext_lazy("goal", "goal")
        verbose_name_plural = pgettext_lazy("goal", "goals")
        indexes = [
            models.Index(fields=["organisation", "unit"], name="goals_goal_unit"),
            models.Index(fields=["organisation", "parent"], name="goals_goal_parent"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def voices_differ(self) -> bool:
        """Whether the lead's assessment says something else than the measured light."""
        return bool(self.assessed_light) and self.assessed_light != self.light


class GoalIndicator(models.Model):
    """An indicator that measures a goal, with its weight in the goal's progress."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="indicator_links",
        verbose_name=pgettext_lazy("goal", "goal"),
    )  # fmt: skip
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="goal_links",
        verbose_name=_("indicator"),
    )  # fmt: skip
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    progress = models.DecimalField(
        _("progress (%)"), max_digits=5, decimal_places=1, null=True, blank=True, editable=False
    )
    expected = models.DecimalField(
        _("planned progress (%)"), max_digits=5, decimal_places=1, null=True, blank=True,
        editable=False,
    )  # fmt: skip
    # The unit's latest values with the progress each gives, and the plan through the baseline
    # and targets (`goals.progress`): the trend drawn on the goal's page without a query.
    series = models.JSONField(_("values over time"), default=dict, blank=True, editable=False)

    objects = TenantManager()

    class Meta:
        ordering = ["goal", "indicator"]
        verbose_name = _("indicator of a goal")
        verbose_name_plural = _("indicators of goals")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "goal", "indicator"], name="goals_indicator_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} – {self.indicator}"


class Contribution(models.Model):
    """A goal that also helps a goal of another unit, with a weight in that goal's progress."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="contributions",
        verbose_name=pgettext_lazy("goal", "goal"),
    )  # fmt: skip
    to_goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="contributors",
        verbose_name=_("contributes to"),
    )  # fmt: skip
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )

    objects = TenantManager()

    class Meta:
        ordering = ["goal", "to_goal"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "goal", "to_goal"], name="goals_contribution_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.goal} → {self.to_goal}"


class Evidence(models.Model):
    """What a goal rests on: data (an indicator), research, a change in a steering document, a
    self-assessment result or a signal from the outside world. A goal becomes active only with at
    least one piece of evidence; the later kinds refer to their object by `reference`."""

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("data (an indicator)")
        RESEARCH = "research", _("research")
        STEERING = "steering", _("a change in a steering document")
        ASSESSMENT = "assessment", _("a self-assessment result")
        SIGNAL = "signal", _("a signal from the outside world")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, related_name="evidence",
        verbose_name=pgettext_lazy("goal", "goal"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link"), blank=True)
    doi = models.CharField(_("DOI"), max_length=100, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("indicator"),
    )  # fmt: skip
    steering_change = models.ForeignKey(
        SteeringChange, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("change in a steering document"),
    )  # fmt: skip
    reference = models.CharField(
        _("reference"), max_length=80, blank=True,
        help_text=_("The self-assessment round or signal this rests on."),
    )  # fmt: skip
    # The signal of the omvärldsbevakning this cites (written by scanning.services.link_goal).
    signal = models.ForeignKey(
        "scanning.Signal", on_delete=models.PROTECT, null=True, blank=True,
        related_name="evidence", verbose_name=_("signal"),
    )  # fmt: skip
    # The self-assessment round this rests on (written by assessments.services.adopt).
    assessment_round = models.ForeignKey(
        "assessments.AssessmentRound", on_delete=models.PROTECT, null=True, blank=True,
        related_name="evidence", verbose_name=_("self-assessment round"),
    )  # fmt: skip
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("added by"),
    )  # fmt: skip
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["goal", "kind", "added_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title
