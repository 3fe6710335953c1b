"""Follow-up (DESIGN.md §3, R7): periods with deadlines, one status report per goal and period
with a traffic light, an analysis and a continue / adjust / stop decision, comments on the
reports, and what each investment (satsning) of the målbild has spent and achieved per period."""

from datetime import date

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from malbild.goals.models import Goal
from malbild.plans.models import Activity
from malbild.targets.models import Investment
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import TenantManager


class Period(models.Model):
    """A follow-up period ("Delår 1 2026", "Årsbokslut 2026"), defined by the administration.

    Reports may be written from `starts_on`; after `deadline` they are still accepted, but only
    when the writer says they are late, and they stay marked late. `reminded_on` is set once the
    unit leads have been reminded of the deadline (`followup.tasks.remind_deadlines`).
    """

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("not started")
        OPEN = "open", _("open for reports")
        CLOSED = "closed", _("deadline passed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("period starts"))
    ends_on = models.DateField(_("period ends"))
    deadline = models.DateField(_("reports due"))
    reminded_on = models.DateField(_("reminder sent"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("created by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        verbose_name = _("follow-up period")
        verbose_name_plural = _("follow-up periods")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="followup_period_name"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="followup_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("ends_on")),
                name="followup_period_deadline_after_end",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def state(self, today: date) -> str:
        if today < self.starts_on:
            return self.State.UPCOMING
        if today > self.deadline:
            return self.State.CLOSED
        return self.State.OPEN

    def state_label(self, today: date) -> str:
        return str(self.State(self.state(today)).label)

    def is_closed(self, today: date) -> bool:
        return today > self.deadline


class Report(models.Model):
    """A goal's status report for one period, written by the goal's own unit.

    draft → ready (marked by the unit lead) → approved (by the administration), or sent back to
    draft with a comment. Until it is ready only the unit's subtree and admins may read it
    (`followup.access`). `late` stays set once the report was written or marked ready after the
    period's deadline.
    """

    class Decision(models.TextChoices):
        CONTINUE = "continue", _("continue as planned")
        ADJUST = "adjust", _("adjust")
        STOP = "stop", _("stop")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        READY = "ready", _("ready")
        APPROVED = "approved", _("approved")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="reports", verbose_name=_("period")
    )
    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, related_name="reports",
        verbose_name=pgettext_lazy("goal", "goal"),
    )  # fmt: skip
    # The goal's unit, kept on the report so that the subtree rule and the completion overview
    # are one indexed query (a goal never changes unit).
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    light = models.CharField(_("traffic light"), max_length=10, choices=Goal.Light.choices)
    analysis = models.TextField(
        _("analysis"), help_text=_("What the results show and why. Markdown: **bold**, lists.")
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    reasoning = models.TextField(_("reasoning"))
    revised_plan = models.TextField(
        _("revised action plan"),
        blank=True,
        help_text=_("What the unit will do differently. Needed when the decision is to adjust."),
    )
    activities = models.ManyToManyField(
        Activity, blank=True, related_name="followup_reports",
        verbose_name=_("activities of the revised plan"),
    )  # fmt: skip
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    late = models.BooleanField(_("reported late"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("written by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("last changed by"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    ready_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("marked ready by"),
    )  # fmt: skip
    ready_at = models.DateTimeField(_("marked ready"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("approved by"),
    )  # fmt: skip
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["period", "unit", "goal"]
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period", "goal"], name="followup_report_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(decision="adjust") | ~models.Q(revised_plan=""),
                name="followup_report_adjust_has_plan",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "period", "unit"], name="followup_report_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.goal} – {self.period}"

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT


class ReportComment(models.Model):
    """A comment on a report by a member who may read it; a "sent back" comment is the
    administration's reason for returning a ready report to draft. Never edited or deleted."""

    class Kind(models.TextChoices):
        COMMENT = "comment", _("comment")
        SENT_BACK = "sent_back", _("sent back")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="comments",
        verbose_name=_("follow-up report"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment on a report")
        verbose_name_plural = _("comments on reports")
        indexes = [
            models.Index(fields=["organisation", "report"], name="followup_comment_report"),
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class InvestmentFollowUp(models.Model):
    """What an investment (satsning) of the målbild spent and achieved in one period, and whether
    the long-term gains it expects are beginning to show."""

    class Gains(models.TextChoices):
        YES = "yes", _("yes")
        PARTLY = "partly", _("partly")
        NOT_YET = "not_yet", _("not yet")
        NO = "no", _("no")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="investment_followups",
        verbose_name=_("period"),
    )  # fmt: skip
    investment = models.ForeignKey(
        Investment, on_delete=models.CASCADE, related_name="followups",
        verbose_name=_("investment"),
    )  # fmt: skip
    spent = models.DecimalField(
        _("spent (SEK)"), max_digits=14, decimal_places=0, validators=[MinValueValidator(0)]
    )
    achieved = models.TextField(_("what it achieved"))
    gains = models.CharField(_("do the expected gains show?"), max_length=10, choices=Gains.choices)
    gains_note = models.TextField(_("what shows of the gains"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("recorded"), auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["period", "investment"]
        verbose_name = _("follow-up of an investment")
        verbose_name_plural = _("follow-ups of investments")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period", "investment"],
                name="followup_investment_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(spent__gte=0), name="followup_investment_spent_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.investment} – {self.period}"


class LateReminder(models.Model):
    """A reminder, sent by the administration after a period's deadline, to the lead of a unit
    whose reports are late. At most one per unit and period a day (`followup_late_reminder_day`),
    so that a rektor is not mailed every time someone presses the button."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    period = models.ForeignKey(
        Period, on_delete=models.CASCADE, related_name="late_reminders", verbose_name=_("period")
    )
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit")
    )
    sent_on = models.DateField(_("sent on"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("sent by"),
    )  # fmt: skip
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    objects = TenantManager()

    class Meta:
        ordering = ["-sent_at", "id"]
        verbose_name = _("reminder of late reports")
        verbose_name_plural = _("reminders of late reports")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "period", "unit", "sent_on"],
                name="followup_late_reminder_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.period} ({self.sent_on})"
