from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from malbild.reports.models import GeneratedReport
from malbild.tenants.forms import UnitChoiceField, active_units
from malbild.tenants.models import Organisation


class RequestForm(forms.Form):
    """What to put in a follow-up document: a unit's subtree and the language."""

    unit = UnitChoiceField(
        queryset=None,
        label=_("Unit"),
        help_text=_("The document covers the goals of this unit and every unit under it."),
        empty_label=None,
    )
    language = forms.ChoiceField(
        label=_("Language of the document"),
        choices=GeneratedReport.Language.choices,
        initial=GeneratedReport.Language.SWEDISH,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = active_units(organisation)  # type: ignore[attr-defined]
