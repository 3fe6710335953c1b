from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from malbild.reports.models import GeneratedReport
from malbild.tenants.forms import UnitChoiceField, active_units
from malbild.tenants.models import Organisation, OrgUnit, within


class RequestForm(forms.Form):
    """What to put in a follow-up document: a unit's subtree, the language, and whether the
    reports not yet marked ready go in (then only those who read them read the document; the
    nämnd's document holds the ready reports only)."""

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
    drafts = forms.BooleanField(
        label=_("Include reports not yet marked ready"),
        help_text=_(
            "A working copy for the administration and the units: the elected members do not "
            "see it. Leave it unticked for the nämnd's document."
        ),
        required=False,
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
