from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from malbild.reports.models import GeneratedReport
from malbild.tenants.forms import UnitChoiceField, active_units
from malbild.tenants.models import Organisation, OrgUnit, within


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

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        subtrees: list[OrgUnit] | None = None,
        **kwargs: Any,
    ) -> None:
        """`subtrees`: offer only the units in these, as the page's form does. Without them
        every active unit is a choice: a submission is checked against those, so that a unit
        outside the person's subtrees gets 403 with the reason, not "not one of the choices"."""
        super().__init__(*args, **kwargs)
        units = active_units(organisation)
        if subtrees is not None:
            units = units.filter(within(subtrees))
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
