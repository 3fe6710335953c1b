"""Indicators, their dated targets and their measurements.

Every write checks the rules of DESIGN.md §3 (a period must fit the indicator's periodicity, a
target must lie after the baseline and in the indicator's direction, …), records an audit event
and sends `signals.values_changed` when what progress is read from moved (the goals app brings
their stored progress up to date), all in one transaction.
"""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from malbild import audit
from malbild.indicators import signals
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.lib import periods
from malbild.tenants.models import Organisation, OrgUnit

INDICATOR_FIELDS = (
    "code",
    "name",
    "description",
    "unit_of_measure",
    "direction",
    "periodicity",
    "source",
    "baseline_value",
    "baseline_period",
)
# What a target is measured against: changing one of these re-checks the targets.
PLAN_FIELDS = ("direction", "periodicity", "baseline_value", "baseline_period")


def _facts(item: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    """Fields for the audit trail, as JSON (decimals as text)."""
    values = {}
    for name in fields:
        value = getattr(item, name)
        values[name] = str(value) if isinstance(value, Decimal) else value
    return values


def number(value: Decimal) -> str:
    """A decimal as people write it: no trailing zeros ("12.5", "75")."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


def period_of(text: str, periodicity: str, field: str = "period") -> periods.Period:
    """`text` as a period of the indicator's kind, or a ValidationError on `field` that names the
    expected form (2025, 2025-HT or 2025-03)."""
    if periodicity not in Indicator.Periodicity.values:
        raise ValidationError({"periodicity": _("Choose how often the indicator is measured.")})
    try:
        return periods.parse(text, periodicity)
    except periods.PeriodError:
        raise ValidationError(
            {
                field: _(
                    "“%(given)s” does not fit: write the period like %(example)s, as this "
                    "indicator is measured %(periodicity)s."
                )
                % {
                    "given": text.strip(),
                    "example": periods.EXAMPLES[periodicity],
                    "periodicity": Indicator.Periodicity(periodicity).label,
                }
            }
        ) from None


def _decimal(model: Any, field: str, value: Any) -> Decimal:
    """`value` checked against the model field's digits (ValidationError on `field`)."""
    try:
        cleaned: Decimal = model._meta.get_field(field).clean(value, None)
    except ValidationError as e:
        raise ValidationError({field: e.messages}) from None
    return cleaned


def target_problem(
    indicator: Indicator, period: periods.Period, value: Decimal, field: str = "value"
) -> ValidationError | None:
    """What is wrong with a target of `value` by `period` for `indicator`, if anything (no query).

    A target lies after the baseline period, differs from the baseline (progress is measured
    from one to the other) and lies in the indicator's direction from it."""
    baseline = indicator.baseline_value
    base = periods.parse(indicator.baseline_period)
    if period.position <= base.position:
        return ValidationError(
            {
                "period": _("A target must come after the baseline period, %(baseline)s.")
                % {"baseline": base.text}
            }
        )
    if value == baseline:
        return ValidationError(
            {
                field: _(
                    "The target must differ from the baseline (%(baseline)s): progress is "
                    "measured from the baseline towards the target."
                )
                % {"baseline": number(baseline)}
            }
        )
    if indicator.direction == Indicator.Direction.HIGHER and value < baseline:
        return ValidationError(
            {
                field: _(
                    "Higher is better for this indicator, so the target must be above the "
                    "baseline (%(baseline)s)."
                )
                % {"baseline": number(baseline)}
            }
        )
    if indicator.direction == Indicator.Direction.LOWER and value > baseline:
        return ValidationError(
            {
                field: _(
                    "Lower is better for this indicator, so the target must be below the "
                    "baseline (%(baseline)s)."
                )
                % {"baseline": number(baseline)}
            }
        )
    return None


def _code_taken(organisation: Organisation, code: str, indicator: Indicator | None) -> str | None:
    """The existing code that equals `code` whatever the case, if any (one query)."""
    others = Indicator.objects.filter(organisation=organisation)
    if indicator is not None and indicator.pk is not None:
        others = others.exclude(pk=indicator.pk)
    wanted = code.casefold()
    # casefold in Python: the database's case-insensitive match knows only ASCII.
    for taken in others.values_list("code", flat=True):
        if taken.casefold() == wanted:
            return taken
    return None


@transaction.atomic
def save_indicator(
    organisation: Organisation,
    request: HttpRequest | None,
    indicator: Indicator | None = None,
    **fields: Any,
) -> Indicator:
    """Create an indicator, or change the given fields of one. The code is unique in the
    organisation whatever its case; the baseline period fits the periodicity; the periodicity
    stays once there are targets or measurements; the targets stay valid."""
    is_new = indicator is None
    if indicator is None:
        indicator = Indicator(organisation=organisation)
        before = None
    else:
        before = _facts(indicator, INDICATOR_FIELDS)
    # Work on a copy, so that a refused change leaves the caller's object as it was.
    draft = Indicator(**{f.attname: getattr(indicator, f.attname) for f in Indicator._meta.fields})
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.code = draft.code.strip()
    taken = _code_taken(organisation, draft.code, indicator)
    if taken is not None:
        raise ValidationError(
            {"code": _("There is already an indicator with the code %(code)s.") % {"code": taken}}
        )
    draft.baseline_value = _decimal(Indicator, "baseline_value", draft.baseline_value)
    draft.baseline_period = period_of(
        draft.baseline_period, draft.periodicity, "baseline_period"
    ).text
    if not is_new and draft.periodicity != indicator.periodicity:
        has_data = (
            indicator.targets.exists() or Measurement.objects.filter(indicator=indicator).exists()
        )
        if has_data:
            raise ValidationError(
                {
                    "periodicity": _(
                        "The periodicity cannot be changed once the indicator has targets or "
                        "measurements."
                    )
                }
            )
    if not is_new and any(getattr(draft, f) != getattr(indicator, f) for f in PLAN_FIELDS):
        for target in indicator.targets.order_by("position"):
            problem = target_problem(draft, periods.parse(target.period), target.value)
            if problem is not None:
                raise ValidationError(
                    _(
                        "The target for %(period)s (%(value)s) would no longer fit: "
                        "%(problem)s Change the baseline back, or remove that target first."
                    )
                    % {
                        "period": target.period,
                        "value": number(target.value),
                        "problem": " ".join(problem.messages),
                    }
                )
    for name in INDICATOR_FIELDS:
        setattr(indicator, name, getattr(draft, name))
    indicator.save()
    audit.record(
        "indicators.indicator_saved",
        request=request,
        target=indicator,
        summary=str(indicator),
        before=before,
        after=_facts(indicator, INDICATOR_FIELDS),
        organisation=organisation,
    )
    if not is_new:
        signals.values_changed.send(sender=Indicator, indicator_id=indicator.pk)
    return indicator


@transaction.atomic
def add_target(
    indicator: Indicator, request: HttpRequest | None, *, period: str, value: Any
) -> IndicatorTarget:
    """A dated target for `indicator` (see :func:`target_problem` for the rules)."""
    when = period_of(period, indicator.periodicity)
    amount = _decimal(IndicatorTarget, "value", value)
    problem = target_problem(indicator, when, amount)
    if problem is not None:
        raise problem
    if indicator.targets.filter(period=when.text).exists():
        raise ValidationError(
            {
                "period": _(
                    "There is already a target for %(period)s. Remove it first to set another."
                )
                % {"period": when.text}
            }
        )
    target = IndicatorTarget.objects.create(
        organisation=indicator.organisation,
        indicator=indicator,
        period=when.text,
        position=when.position,
        value=amount,
    )
    audit.record(
        "indicators.target_saved",
        request=request,
        target=target,
        summary=f"{indicator.code} {target.period}",
        after={"indicator": indicator.code, "period": target.period, "value": str(amount)},
        organisation=indicator.organisation,
    )
    signals.values_changed.send(sender=Indicator, indicator_id=indicator.pk)
    return target


@transaction.atomic
def remove_target(target: IndicatorTarget, request: HttpRequest | None) -> None:
    indicator = target.indicator
    before = {"indicator": indicator.code, "period": target.period, "value": str(target.value)}
    audit.record(
        "indicators.target_removed",
        request=request,
        target=target,
        summary=f"{indicator.code} {target.period}",
        before=before,
        organisation=indicator.organisation,
    )
    target.delete()
    signals.values_changed.send(sender=Indicator, indicator_id=indicator.pk)


MEASUREMENT_FACTS = ("period", "gender", "value", "status")


@transaction.atomic
def save_measurement(
    indicator: Indicator,
    unit: OrgUnit,
    request: HttpRequest | None,
    *,
    period: str,
    gender: str = Measurement.Gender.ALL,
    value: Any = None,
    status: str = Measurement.Status.OK,
    import_run: str = "",
) -> Measurement:
    """Store the value of `indicator` for `unit`, a period and a gender, replacing the one stored
    for the same key; or note that it is missing (`status` "saknas", no value)."""
    errors: dict[str, Any] = {}
    if unit.organisation_id != indicator.organisation_id:
        errors["unit"] = _("Choose one of the organisation's units.")
    when = None
    try:
        when = period_of(period, indicator.periodicity)
    except ValidationError as e:
        errors.update(e.message_dict)
    if gender not in Measurement.Gender.values:
        errors["gender"] = _("Gender is T (all), K (girls and women) or M (boys and men).")
    if status not in Measurement.Status.values:
        errors["status"] = _("The status is empty or “saknas” (missing).")
    amount = None
    if status == Measurement.Status.MISSING:
        if value not in (None, ""):
            errors["value"] = _("Leave the value empty when it is missing.")
    elif value in (None, ""):
        errors["value"] = _("Write the value, or mark it as missing if there is none.")
    else:
        try:
            amount = _decimal(Measurement, "value", value)
        except ValidationError as e:
            errors.update(e.message_dict)
    if errors or when is None:
        raise ValidationError(errors)
    measurement = (
        Measurement.objects.filter(
            indicator=indicator, org_unit=unit, period=when.text, gender=gender
        )
        .order_by()  # one at most (its key is unique): no need to join for the usual order
        .first()
    )
    before = None
    if measurement is None:
        measurement = Measurement(
            organisation=indicator.organisation,
            indicator=indicator,
            org_unit=unit,
            period=when.text,
            gender=gender,
        )
    else:
        before = _facts(measurement, MEASUREMENT_FACTS)
    measurement.position = when.position
    measurement.value = amount
    measurement.status = status
    measurement.import_run = import_run
    measurement.save()
    audit.record(
        "indicators.measurement_saved",
        request=request,
        target=measurement,
        summary=f"{indicator.code} {unit.code} {when.text} {gender}",
        before=before,
        after={"indicator": indicator.code, "unit": unit.code}
        | _facts(measurement, MEASUREMENT_FACTS),
        organisation=indicator.organisation,
    )
    signals.values_changed.send(sender=Indicator, indicator_id=indicator.pk, unit_id=unit.pk)
    return measurement
