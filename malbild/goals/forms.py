"""Forms of the goal tree. Every form takes the organisation's rows only: an id of another
organisation (which no page offers, so the request was tampered with) answers 404, like the same
id in a URL; an id of this organisation that may not be chosen here is a form error."""

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from malbild.accounts.models import User
from malbild.goals.models import Goal
from malbild.indicators.models import Indicator
from malbild.platforms.models import Value
from malbild.steering.forms import web_address_field
from malbild.steering.models import SteeringChange
from malbild.targets.models import FocusArea
from malbild.tenants.models import Membership, OrgUnit

NEGATIVE_WEIGHT = _("The weight cannot be negative. Use 0 or more.")
DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:")


def _key(value: Any) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        raise Http404 from None


def _exists_in_organisation(model: type[Model], keys: Iterable[int]) -> bool:
    """Whether every key is a row of the organisation in scope (tenant-scoped manager)."""
    wanted = set(keys)
    return model._default_manager.filter(pk__in=wanted).count() == len(wanted)


class OrgChoiceField(forms.ModelChoiceField):
    """A row of the organisation in scope, from `queryset` (what may be chosen here)."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        key = _key(value)
        if self.queryset is None:
            raise Http404
        found = self.queryset.filter(pk=key).first()
        if found is None:
            if not _exists_in_organisation(self.queryset.model, [key]):
                raise Http404
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return found


class OrgMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Rows of the organisation in scope, from `queryset` (what may be chosen here)."""

    def _check_values(self, value: Any) -> QuerySet[Any]:
        keys = {_key(v) for v in value}
        if self.queryset is None:
            raise Http404
        found = self.queryset.filter(pk__in=keys)
        if len(found) != len(keys):
            if not _exists_in_organisation(self.queryset.model, keys):
                raise Http404
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": ", ".join(str(k) for k in sorted(keys))},
            )
        return found


def weight_field(label: Any, help_text: Any = "") -> forms.DecimalField:
    """A weight of 0 or more; a decimal comma ("1,5") or point ("1.5") both work."""
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        max_digits=6,
        decimal_places=2,
        min_value=0,
        initial=Decimal(1),
        localize=True,
        error_messages={"min_value": NEGATIVE_WEIGHT},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input-short"}),
    )


def one_line(text: str) -> str:
    return " ".join(text.split())


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name or str(_("A member without a name"))


def _parent_label(goal: Goal) -> str:
    """A goal offered to break down, its unit named and a draft said to be one (an active goal
    may not break down a draft)."""
    if goal.status == Goal.Status.DRAFT:
        return _("%(goal)s (%(unit)s, draft)") % {"goal": goal.title, "unit": goal.unit.name}
    return f"{goal.title} ({goal.unit.name})"


class GoalForm(forms.Form):
    """A goal of `unit` (fixed by the page): create it, or change it (`goal`)."""

    title = forms.CharField(label=_("Goal"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        help_text=_("What the goal means for pupils and staff, and how we will know."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    focus_area = OrgChoiceField(label=_("Focus area"), queryset=None)
    parent = OrgChoiceField(
        label=_("Breaks down"),
        queryset=None,
        required=False,
        empty_label=_("(nothing: a goal of its own)"),
        help_text=_("A goal of a unit above this one that this goal breaks down."),
    )
    weight = weight_field(
        _("Weight"), _("How much this goal counts in the goal it breaks down. 1 is usual.")
    )
    owner = MemberChoiceField(
        label=_("Responsible"), queryset=None, required=False, empty_label=_("(nobody yet)")
    )
    values = OrgMultipleChoiceField(
        label=_("Values it expresses"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, unit: OrgUnit, goal: Goal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        fields: Any = self.fields
        fields["focus_area"].queryset = FocusArea.objects.all()
        # Any goal of the organisation may be sent; the service explains which may not be
        # broken down. Offered: the open goals of the units above.
        fields["parent"].queryset = Goal.objects.all()
        above = Goal.objects.filter(unit_id__in=unit.ancestor_ids()).exclude(
            status=Goal.Status.CLOSED
        )
        if goal is not None and goal.parent_id:
            above = above | Goal.objects.filter(pk=goal.parent_id)
        fields["parent"].choices = [("", fields["parent"].empty_label)] + [
            (g.pk, _parent_label(g))
            for g in above.select_related("unit").order_by("unit__path", "title", "id")
        ]
        fields["owner"].queryset = User.objects.filter(
            pk__in=Membership.objects.values("user_id"), is_active=True
        ).order_by("name", "pk")
        values = Value.objects.filter(retired_at__isnull=True)
        if goal is not None:
            values = values | Value.objects.filter(goals=goal)
        fields["values"].queryset = values.distinct().order_by("position", "name")

    def clean_title(self) -> str:
        title = one_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Write the goal."))
        return title

    @classmethod
    def initial_for(cls, goal: Goal) -> dict[str, Any]:
        return {
            "title": goal.title,
            "description": goal.description,
            "focus_area": goal.focus_area_id,
            "parent": goal.parent_id,
            "weight": goal.weight,
            "owner": goal.owner_id,
            "values": [v.pk for v in goal.values.all()],
        }


# Evidence -----------------------------------------------------------------------------------------


class ResearchForm(forms.Form):
    title = forms.CharField(label=_("Title of the research"), max_length=300)
    url = web_address_field(_("Link"))
    doi = forms.CharField(
        label=_("DOI"),
        max_length=100,
        required=False,
        help_text=_("For example 10.1016/j.compedu.2020.103987."),
    )
    summary = forms.CharField(
        label=_("What it shows"),
        help_text=_("In a few sentences: what the research found that this goal builds on."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_title(self) -> str:
        return one_line(self.cleaned_data["title"])

    def clean_doi(self) -> str:
        doi = self.cleaned_data["doi"].strip()
        for prefix in DOI_PREFIXES:
            if doi.lower().startswith(prefix):
                doi = doi[len(prefix) :].strip()
        if doi and not DOI_PATTERN.match(doi):
            raise forms.ValidationError(
                _("A DOI starts with 10. and a slash follows the number, for example "
                  "10.1016/j.compedu.2020.103987.")
            )  # fmt: skip
        return doi

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = data.get("url") or data.get("doi")
        if not given and "url" not in self.errors and "doi" not in self.errors:
            self.add_error(
                "url", _("Give a link or a DOI (or both), so that others can read the research.")
            )
        return data


class SteeringChangeChoiceField(OrgChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.document.title}: {obj.get_kind_display()} {obj.date:%Y-%m-%d}"


class SteeringEvidenceForm(forms.Form):
    steering_change = SteeringChangeChoiceField(
        label=_("Change in a steering document"), queryset=None
    )
    summary = forms.CharField(
        label=_("What it means for the goal"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["steering_change"].queryset = SteeringChange.objects.select_related(
            "document"
        ).order_by("document__title", "date", "id")


class IndicatorChoiceField(OrgChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.name}"


class IndicatorEvidenceForm(forms.Form):
    indicator = IndicatorChoiceField(label=_("Indicator"), queryset=None)
    weight = weight_field(
        _("Weight"), _("How much this indicator counts in the goal's progress. 1 is usual.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["indicator"].queryset = Indicator.objects.order_by("code")


class ReferenceForm(forms.Form):
    """A self-assessment result or an omvärld signal, cited by a reference until those parts
    of Målbild exist."""

    title = forms.CharField(label=_("Title"), max_length=300)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=80,
        help_text=_("The self-assessment round or the signal, for example its name and date."),
    )
    summary = forms.CharField(
        label=_("What it shows"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean_title(self) -> str:
        return one_line(self.cleaned_data["title"])

    def clean_reference(self) -> str:
        return one_line(self.cleaned_data["reference"])


class WeightForm(forms.Form):
    weight = weight_field(_("Weight"))


# Contributions ------------------------------------------------------------------------------------

CANDIDATES_SHOWN = 50


class ContributionForm(forms.Form):
    to_goal = OrgChoiceField(
        label=_("Contributes to"), queryset=None, widget=forms.RadioSelect, empty_label=None
    )
    weight = weight_field(
        _("Weight"), _("How much this goal counts in the other goal's progress. 1 is usual.")
    )

    def __init__(self, *args: Any, goal: Goal, query: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        # Any goal of the organisation may be sent (the service explains which may not);
        # offered: open goals of other units, matching the search.
        fields["to_goal"].queryset = Goal.objects.all()
        candidates = (
            Goal.objects.exclude(unit_id=goal.unit_id)
            .exclude(status=Goal.Status.CLOSED)
            .select_related("unit")
            .order_by("unit__path", "title", "id")
        )
        if goal.parent_id:
            candidates = candidates.exclude(pk=goal.parent_id)
        if query:
            candidates = candidates.filter(title__icontains=query)
        self.candidates = list(candidates[: CANDIDATES_SHOWN + 1])
        self.more = len(self.candidates) > CANDIDATES_SHOWN
        fields["to_goal"].choices = [
            (g.pk, f"{g.title} ({g.unit.name})") for g in self.candidates[:CANDIDATES_SHOWN]
        ]
