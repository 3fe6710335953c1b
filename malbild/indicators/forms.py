from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.indicators.services import period_of
from malbild.indicators.templatetags.indicators import measure
from malbild.lib import periods
from malbild.tenants.models import OrgUnit, within

# Longer than any period, so that a wrong one gets the message that names the expected form.
PERIOD_INPUT_LENGTH = 20
NOT_A_NUMBER = _("Write a number, for example 12,5 or -3.")


class DecimalCommaField(forms.DecimalField):
    """A decimal written with a comma or a point ("12,5" or "12.5"), with spaces between the
    thousands allowed ("1 250,5"), in any language of the interface."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 4)
        kwargs.setdefault("error_messages", {"invalid": NOT_A_NUMBER})
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A text field, not type=number: browsers refuse a decimal comma in some languages.
        return {"inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: int
        if isinstance(value, str):
            value = value.strip().replace("\u2212", "-")  # the typographic minus sign
            for space in (" ", "\u00a0", "\u202f"):
                value = value.replace(space, "")
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return measure(value)
        return value


def period_help(periodicity: str) -> str:
    return str(_("For example %(example)s.") % {"example": periods.EXAMPLES[periodicity]})


def clean_period(text: str, indicator: Indicator) -> str:
    """The period normalised ("2025-ht" → "2025-HT"), or the message naming the expected form."""
    try:
        return period_of(text, indicator.periodicity).text
    except ValidationError as e:
        raise forms.ValidationError(e.messages) from None


class IndicatorForm(forms.ModelForm):
    baseline_value = DecimalCommaField(
        label=capfirst(Indicator._meta.get_field("baseline_value").verbose_name),
        help_text=_("The value that progress is measured from."),
    )
    baseline_period = forms.CharField(
        label=capfirst(Indicator._meta.get_field("baseline_period").verbose_name),
        max_length=PERIOD_INPUT_LENGTH,
        help_text=_("When the baseline was measured: 2025, 2025-HT or 2025-03."),
    )

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "description",
            "unit_of_measure",
            "direction",
            "periodicity",
            "source",
            "baseline_value",
            "baseline_period",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if not name:
            raise forms.ValidationError(_("Write the indicator's name."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("periodicity") and data.get("baseline_period"):
            try:
                data["baseline_period"] = period_of(
                    data["baseline_period"], data["periodicity"], "baseline_period"
                ).text
            except ValidationError as e:
                self.add_error("baseline_period", e.messages)
        return data

    def validate_unique(self) -> None:
        # The service checks the code whatever its case, with a message people understand.
        pass


class TargetForm(forms.Form):
    period = forms.CharField(label=capfirst(IndicatorTarget._meta.get_field("period").verbose_name),
                             max_length=PERIOD_INPUT_LENGTH)  # fmt: skip
    value = DecimalCommaField(label=capfirst(IndicatorTarget._meta.get_field("value").verbose_name))

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_target_%s")
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["period"].help_text = period_help(indicator.periodicity)

    def clean_period(self) -> str:
        return clean_period(self.cleaned_data["period"], self.indicator)


class UnitChoiceField(forms.ModelChoiceField):
    known: OrgUnit | None = None  # one of the queryset's units, already read by the view

    def label_from_instance(self, obj: Any) -> str:
        # Indented by depth, so that the list reads as the tree (screen readers skip the spaces).
        return "\u00a0\u00a0\u00a0" * obj.depth + obj.name

    def to_python(self, value: Any) -> Any:
        if self.known is not None and value == str(self.known.pk):
            return self.known  # not read again
        return super().to_python(value)


def entry_units(subtrees: list[OrgUnit] | None) -> QuerySet[OrgUnit]:
    """The units someone may enter measurements for: every unit (None) or those in `subtrees`."""
    units = OrgUnit.objects.filter(archived_at__isnull=True).order_by("path")
    if subtrees is None:
        return units
    return units.filter(within(subtrees))


class MeasurementForm(forms.Form):
    unit = UnitChoiceField(
        label=capfirst(Measurement._meta.get_field("org_unit").verbose_name),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the units in the list.")},
    )
    period = forms.CharField(label=capfirst(Measurement._meta.get_field("period").verbose_name),
                             max_length=PERIOD_INPUT_LENGTH)  # fmt: skip
    gender = forms.ChoiceField(
        label=capfirst(Measurement._meta.get_field("gender").verbose_name),
        choices=[
            (Measurement.Gender.ALL, _("All (T)")),
            (Measurement.Gender.FEMALE, _("Girls and women (K)")),
            (Measurement.Gender.MALE, _("Boys and men (M)")),
        ],
        initial=Measurement.Gender.ALL,
    )
    value = DecimalCommaField(
        label=capfirst(Measurement._meta.get_field("value").verbose_name),
        required=False,
        help_text=_("A decimal comma or point, for example 12,5."),
    )
    missing = forms.BooleanField(
        label=_("The value is missing for this period"),
        required=False,
        help_text=_("For example when the figure is not reported or is hidden as too small."),
    )

    def __init__(self, *args: Any, indicator: Indicator, units: QuerySet[OrgUnit],
                 known: OrgUnit | None = None, **kwargs: Any) -> None:  # fmt: skip
        """`known`: a unit the caller has read and knows to be one of `units`."""
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)  # noqa: S101  (for mypy)
        unit_field.queryset = units
        unit_field.known = known
        self.indicator = indicator
        self.fields["period"].help_text = period_help(indicator.periodicity)

    def clean_period(self) -> str:
        return clean_period(self.cleaned_data["period"], self.indicator)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        missing = data.get("missing")
        value = data.get("value")
        if "value" in data:
            if missing and value is not None:
                self.add_error("value", _("Leave the value empty when it is missing."))
            elif not missing and value is None:
                self.add_error(
                    "value", _("Write the value, or mark it as missing if there is none.")
                )
        return data
