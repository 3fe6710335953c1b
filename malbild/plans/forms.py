"""Forms of the action plans. Ids of another organisation (which no page offers, so the request
was tampered with) answer 404 like the same id in a URL; the rules that need the activity's unit
or dates (goals within reach, milestones within the activity, a reason for a change of dates or
scope) are checked by `plans.services`, and shown on these forms."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from malbild.accounts.models import User
from malbild.goals.forms import MemberChoiceField, OrgChoiceField, OrgMultipleChoiceField, one_line
from malbild.goals.models import Goal
from malbild.plans.models import Activity, Milestone
from malbild.plans.services import reachable_goals
from malbild.platforms.models import Value
from malbild.tenants.models import Membership, OrgUnit

Status = Activity.Status
PROGRESS_RANGE = _("Progress is a whole number from 0 to 100.")


def date_field(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Write the date as year-month-day, for example 2026-03-15.")},
    )


def _goal_label(goal: Goal) -> str:
    return f"{goal.title} ({goal.unit.name})"


class GoalsField(OrgMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _goal_label(obj)


class ActivityForm(forms.Form):
    """An activity of `unit` (fixed by the page): plan it, or change it (`activity`, which adds
    the reason). With `responsible` (someone who may add activities but not choose who carries
    them out) there is no choice of owner: the activity will be theirs."""

    title = forms.CharField(label=_("Activity"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        help_text=_("What will be done, by whom, and how you will know that it helped."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    goals = GoalsField(
        label=_("Goals it serves"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Goals of the unit and of the units above it."),
    )
    values = OrgMultipleChoiceField(
        label=_("Values it expresses"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = MemberChoiceField(
        label=_("Responsible"), queryset=None, required=False, empty_label=_("(nobody yet)")
    )
    starts_on = date_field(_("Start date"))
    ends_on = date_field(_("End date"))

    def __init__(
        self,
        *args: Any,
        unit: OrgUnit,
        activity: Activity | None = None,
        responsible: User | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.responsible = responsible
        fields: Any = self.fields
        # Any goal of the organisation may be sent (the service explains which may not be
        # served); offered: the open goals of the unit and the units above, and those served now.
        fields["goals"].queryset = Goal.objects.all()
        offered = reachable_goals(unit).exclude(status=Goal.Status.CLOSED)
        if activity is not None:
            offered = offered | Goal.objects.filter(activities=activity)
        fields["goals"].choices = [
            (g.pk, _goal_label(g))
            for g in offered.select_related("unit").distinct().order_by("unit__path", "title", "id")
        ]
        values = Value.objects.filter(retired_at__isnull=True)
        if activity is not None:
            values = values | Value.objects.filter(activities=activity)
        fields["values"].queryset = values.distinct().order_by("position", "name")
        if responsible is not None:
            del fields["owner"]
        else:
            fields["owner"].queryset = User.objects.filter(
                pk__in=Membership.objects.values("user_id"), is_active=True
            ).order_by("name", "pk")
        if activity is not None:
            self.fields["reason"] = forms.CharField(
                label=_("Why the change"),
                required=False,
                max_length=2000,
                help_text=_("Needed when you change the dates, the title, the description or "
                            "the goals. It is kept in the activity's history."),
                widget=forms.Textarea(attrs={"rows": 3}),
            )  # fmt: skip

    def clean_title(self) -> str:
        title = one_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Write what the activity is."))
        return title

    def clean_description(self) -> str:
        return str(self.cleaned_data["description"]).strip()

    @classmethod
    def initial_for(cls, activity: Activity) -> dict[str, Any]:
        return {
            "title": activity.title,
            "description": activity.description,
            "goals": [g.pk for g in activity.goals.all()],
            "values": [v.pk for v in activity.values.all()],
            "owner": activity.owner_id,
            "starts_on": activity.starts_on,
            "ends_on": activity.ends_on,
        }


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        help_text=_("A whole number from 0 to 100. Marking the activity done sets it to 100."),
        error_messages={
            "min_value": PROGRESS_RANGE,
            "max_value": PROGRESS_RANGE,
            "invalid": PROGRESS_RANGE,
        },
        widget=forms.NumberInput(attrs={"class": "input-short"}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        help_text=_("What has happened, or why the activity is paused or cancelled."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = date_field(_("Due date"))

    def __init__(self, *args: Any, milestone: Milestone | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if milestone is not None:
            self.fields["done_on"] = date_field(
                _("Done on"), required=False, help_text=_("Empty while it is not done.")
            )
            self.fields["reason"] = forms.CharField(
                label=_("Why the change"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def clean_title(self) -> str:
        title = one_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Write what the milestone is."))
        return title


class FilterForm(forms.Form):
    """The organisation's activities by unit (and the units below), status and goal. Offered:
    the units and goals that have activities; any of the organisation's may be sent."""

    enhet = OrgChoiceField(label=_("Unit"), queryset=None, required=False, empty_label=_("All"))
    status = forms.ChoiceField(label=_("Status"), required=False)
    mal = OrgChoiceField(label=_("Goal"), queryset=None, required=False, empty_label=_("All"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["enhet"].queryset = OrgUnit.objects.all()
        units = OrgUnit.objects.filter(activities__isnull=False).distinct().order_by("path")
        fields["enhet"].choices = [("", _("All"))] + [(u.pk, u.name) for u in units]
        fields["status"].choices = [("", _("All")), *Status.choices]
        fields["mal"].queryset = Goal.objects.all()
        goals = (
            Goal.objects.filter(activities__isnull=False)
            .distinct()
            .select_related("unit")
            .order_by("unit__path", "title", "id")
        )
        fields["mal"].choices = [("", _("All"))] + [(g.pk, _goal_label(g)) for g in goals]

    @property
    def is_filtering(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.values())
