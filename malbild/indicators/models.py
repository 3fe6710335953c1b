from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from malbild.lib import periods
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import TenantManager


class Indicator(models.Model):
    """Something measured, per unit and period, that shows whether a goal is being reached:
    "Andel elever i åk 9 med godkänt i alla ämnen", "Elever per dator", …

    Progress is read linearly from `baseline` to the latest target, in the indicator's direction.
    """

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Periodicity(models.TextChoices):
        YEAR = periods.YEAR, _("per year")
        TERM = periods.TERM, _("per term")
        MONTH = periods.MONTH, _("per month")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    code = models.CharField(
        _("code"),
        max_length=40,
        validators=[RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                                   _("Letters a–z, digits, dots, hyphens and underscores."))],
        help_text=_("Short and unique in the organisation; used in imports and exports."),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit_of_measure = models.CharField(
        _("unit of measure"), max_length=40, help_text=_("For example %, antal or poäng.")
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    periodicity = models.CharField(
        _("periodicity"), max_length=10, choices=Periodicity.choices, default=Periodicity.YEAR
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Where the figures come from.")
    )
    baseline_value = models.DecimalField(_("baseline"), max_digits=14, decimal_places=4)
    baseline_period = models.CharField(_("baseline period"), max_length=10)
    kolada_kpi = models.CharField(
        _("Kolada KPI"),
        max_length=20,
        blank=True,
        help_text=_("The Kolada key figure this indicator follows, for example N15428."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = TenantManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="indicators_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorTarget(models.Model):
    """A dated target for an indicator: the value to reach by `period`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="targets", verbose_name=_("indicator")
    )
    period = models.CharField(_("by period"), max_length=10)
    position = models.FloatField(editable=False)
    value = models.DecimalField(_("target value"), max_digits=14, decimal_places=4)

    objects = TenantManager()

    class Meta:
        ordering = ["indicator", "position"]
        verbose_name = pgettext_lazy("indicator", "target")
        verbose_name_plural = pgettext_lazy("indicator", "targets")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "indicator", "period"], name="indicators_target_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value}"


class Measurement(models.Model):
    """One value of an indicator for a unit, a period and a gender (T: all, K: girls/women,
    M: boys/men), or a note that it is missing (`status` "saknas")."""

    class Gender(models.TextChoices):
        ALL = "T", _("all")
        FEMALE = "K", _("girls and women")
        MALE = "M", _("boys and men")

    class Status(models.TextChoices):
        OK = "", _("reported")
        MISSING = "saknas", _("missing")

    # On PostgreSQL the indicator and the unit are checked once per statement instead of once
    # per row, and checked to belong to `organisation` (triggers instead of foreign keys,
    # migration 0004: a 200,000-row import spent 2.8 of its 6.9 s in per-row checks); SQLite
    # keeps its foreign keys. The organisation has neither a constraint (every writer sets it
    # from the organisation it works for) nor an index of its own (the unique key and the
    # series index begin with it).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", db_index=False,
        db_constraint=False, verbose_name=_("organisation"),
    )  # fmt: skip
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements",
        verbose_name=_("indicator"),
    )  # fmt: skip
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    period = models.CharField(_("period"), max_length=10)
    position = models.FloatField(editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, default="T")
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, blank=True)
    import_run = models.CharField(_("import run"), max_length=40, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    objects = TenantManager()

    class Meta:
        ordering = ["indicator", "org_unit", "position", "gender"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "indicator", "org_unit", "period", "gender"],
                name="indicators_measurement_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=False) | models.Q(status="saknas"),
                name="indicators_measurement_value_or_missing",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "indicator", "org_unit", "position"],
                name="indicators_measurement_series",
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.gender}: {self.value}"
