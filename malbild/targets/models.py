from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from malbild.platforms.models import Decision
from malbild.tenants.models import Organisation
from malbild.tenants.scope import TenantManager

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class FocusArea(models.Model):
    """A focus area of the målbild, that goals belong to. By default the four classic areas of
    digital maturity in Swedish schools; admins rename them and add more."""

    DEFAULTS = (
        ("Ledning", "Hur huvudman och skolledning leder och följer upp digitaliseringen."),
        ("Infrastruktur", "Uppkoppling, enheter, system och support som fungerar för alla."),
        ("Kompetens", "Digital kompetens hos elever, lärare och skolledare."),
        ("Användning", "Hur digitala verktyg används i undervisning och lärande."),
    )

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TenantManager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="targets_focus_name"),
        ]

    def __str__(self) -> str:
        return self.name


class TargetVision(models.Model):
    """A version of the målbild: where the schools' digital transformation is heading, by when,
    why it must change, and what politics invests in it.

    Its life: draft → proposed (by the administration) → adopted (by a political decision) →
    superseded (when a later version is adopted). One adopted version per organisation at a time;
    every version is kept.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PROPOSED = "proposed", _("proposed")
        ADOPTED = "adopted", _("adopted")
        SUPERSEDED = "superseded", _("superseded")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    statement = models.TextField(
        _("the målbild"), help_text=_("Where we are heading. Markdown: **bold**, lists, links.")
    )
    start_year = models.PositiveSmallIntegerField(_("from year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("to year"), validators=YEAR_VALIDATORS)
    change_motive = models.TextField(
        _("why change"), help_text=_("The motive for change: why we must work differently.")
    )
    if_nothing_changes = models.TextField(
        _("if nothing changes"), help_text=_("What happens if we go on as today.")
    )
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="+", verbose_name=_("focus areas")
    )
    steering_documents = models.ManyToManyField(
        "steering.SteeringDocument",
        blank=True,
        related_name="target_visions",
        verbose_name=_("steering documents"),
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("based on"),
    )  # fmt: skip
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("decision"),
    )  # fmt: skip
    review_date = models.DateField(_("review by"), null=True, blank=True)
    review_reminded_on = models.DateField(_("reminder sent"), null=True, blank=True)
    review_flag = models.TextField(
        _("needs review because"),
        blank=True,
        help_text=_("Set when a steering document it cites changes."),
    )
    lock_version = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("drafted by"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("proposed by"),
    )  # fmt: skip
    proposed_at = models.DateTimeField(_("proposed"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("målbild")
        verbose_name_plural = _("målbild versions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="targets_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status="adopted"),
                name="targets_one_adopted",
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="targets_horizon_forward",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.number})"

    @property
    def horizon_years(self) -> int:
        return self.end_year - self.start_year + 1

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def review_overdue(self, today: date) -> bool:
        return bool(
            self.status == self.Status.ADOPTED and self.review_date and self.review_date < today
        )


class Investment(models.Model):
    """A satsning: what politics funds to reach the målbild, with the money per year and the
    long-term gains it expects for pupils and society. Follow-ups report against it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    target_vision = models.ForeignKey(
        TargetVision, on_delete=models.CASCADE, related_name="investments",
        verbose_name=_("målbild"),
    )  # fmt: skip
    title = models.CharField(_("what it funds"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    amount_per_year = models.DecimalField(
        _("amount per year (SEK)"), max_digits=14, decimal_places=0,
        validators=[MinValueValidator(0)],
    )  # fmt: skip
    start_year = models.PositiveSmallIntegerField(_("from year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("to year"), validators=YEAR_VALIDATORS)
    expected_gains = models.TextField(
        _("expected long-term gains"), help_text=_("For pupils and for society.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TenantManager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("investment")
        verbose_name_plural = _("investments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="targets_investment_years_forward",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def total(self) -> int:
        return int(self.amount_per_year) * (self.end_year - self.start_year + 1)


class Comment(models.Model):
    """A contribution to the discussion of a målbild before it is adopted. Politicians and
    administration talk in the same thread; nothing is edited or deleted afterwards."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    target_vision = models.ForeignKey(
        TargetVision, on_delete=models.CASCADE, related_name="comments", verbose_name=_("målbild")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    body = models.TextField(_("comment"), max_length=5000)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Review(models.Model):
    """A recorded revisit of an adopted målbild: kept as it is (with a new review date), or
    revised (which starts a new draft from its text)."""

    class Outcome(models.TextChoices):
        KEPT = "kept", _("kept as it is")
        REVISED = "revised", _("to be revised")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    target_vision = models.ForeignKey(
        TargetVision, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("målbild")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reasoning = models.TextField(_("reasoning"))
    next_review_date = models.DateField(_("next review"), null=True, blank=True)
    new_draft = models.ForeignKey(
        TargetVision, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("new draft"),
    )  # fmt: skip
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("by"),
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return f"{self.target_vision}: {self.get_outcome_display()}"
