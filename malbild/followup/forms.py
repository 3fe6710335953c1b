"""Forms of follow-up. The rules that need the database or the date (deadlines, a revised plan
for "adjust") live in `followup.services`; the views show their errors on these forms."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from malbild.followup.models import InvestmentFollowUp, Period, Report
from malbild.goals.forms import OrgMultipleChoiceField, one_line
from malbild.goals.models import Goal
from malbild.plans.models import Activity


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("For example Delår 1 2026 or Årsbokslut 2026."),
    )
    starts_on = forms.DateField(label=_("The period starts"), widget=_date_input())
    ends_on = forms.DateField(label=_("The period ends"), widget=_date_input())
    deadline = forms.DateField(
        label=_("Reports are due"),
        widget=_date_input(),
        help_text=_("Unit leads are reminded by e-mail a week before."),
    )

    def clean_name(self) -> str:
        name = one_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Give the period a name."))
        return name

    @classmethod
    def initial_for(cls, period: Period) -> dict[str, Any]:
        return {
            "name": period.name,
            "starts_on": period.starts_on,
            "ends_on": period.ends_on,
            "deadline": period.deadline,
        }


class ActivityChoiceField(OrgMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.get_status_display()})"


class ReportForm(forms.Form):
    """The report of `goal` for a period; `late` is offered when the deadline has passed."""

    light = forms.ChoiceField(
        label=_("Traffic light"),
        choices=Goal.Light.choices,
        widget=forms.RadioSelect,
        help_text=_("On track: at least 95 per cent of the planned progress. At risk: 80 to "
                    "95 per cent. Off track: less than 80 per cent."),
    )  # fmt: skip
    analysis = forms.CharField(
        label=_("Analysis"),
        help_text=_("What the results show, and why. Markdown: **bold**, lists."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Report.Decision.choices, widget=forms.RadioSelect
    )
    reasoning = forms.CharField(
        label=_("Reasoning"),
        help_text=_("Why the unit continues, adjusts or stops."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    revised_plan = forms.CharField(
        label=_("Revised action plan"),
        required=False,
        help_text=_("Needed when the decision is to adjust: what the unit will do differently "
                    "from now on."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    activities = ActivityChoiceField(
        label=_("Activities of the revised plan"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The unit's activities for this goal that carry the revised plan."),
    )
    late = forms.BooleanField(
        label=_("Report late"),
        required=False,
        help_text=_("The deadline has passed. The report will be marked as late."),
    )

    def __init__(self, *args: Any, goal: Goal, closed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        # Any activity of the organisation may be sent; the service refuses other units'.
        fields["activities"].queryset = Activity.objects.all()
        self.offered = list(
            Activity.objects.filter(unit_id=goal.unit_id, goals=goal).order_by("starts_on", "id")
        )
        fields["activities"].choices = [
            (a.pk, f"{a.title} ({a.get_status_display()})") for a in self.offered
        ]
        if not self.offered:
            del self.fields["activities"]
        if not closed:
            del self.fields["late"]

    def clean_analysis(self) -> str:
        text = self.cleaned_data["analysis"].strip()
        if not text:
            raise forms.ValidationError(_("Write the analysis."))
        return text

    def clean_reasoning(self) -> str:
        text = self.cleaned_data["reasoning"].strip()
        if not text:
            raise forms.ValidationError(_("Write why the unit decided this."))
        return text

    def clean_revised_plan(self) -> str:
        return self.cleaned_data["revised_plan"].strip()

    @classmethod
    def initial_for(cls, report: Report) -> dict[str, Any]:
        return {
            "light": report.light,
            "analysis": report.analysis,
            "decision": report.decision,
            "reasoning": report.reasoning,
            "revised_plan": report.revised_plan,
            "activities": [a.pk for a in report.activities.all()],
            "late": report.late,
        }


class LateForm(forms.Form):
    """Marking a report ready: after the deadline the lead says it is late."""

    late = forms.BooleanField(label=_("Report late"), required=False)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SendBackForm(forms.Form):
    body = forms.CharField(
        label=_("What should the unit change?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AmountField(forms.DecimalField):
    """Kronor as people write them: "350 000", "350000" or "350 000,00"."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "").replace("kr", "")
        return super().to_python(value)


class InvestmentFollowUpForm(forms.Form):
    spent = AmountField(
        label=_("Spent in the period (SEK)"),
        max_digits=14,
        decimal_places=0,
        min_value=0,
        localize=True,
        error_messages={"min_value": _("The amount spent cannot be negative.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    achieved = forms.CharField(
        label=_("What it achieved"), widget=forms.Textarea(attrs={"rows": 5})
    )
    gains = forms.ChoiceField(
        label=_("Do the expected long-term gains show?"),
        choices=InvestmentFollowUp.Gains.choices,
        widget=forms.RadioSelect,
    )
    gains_note = forms.CharField(
        label=_("What shows of the gains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_achieved(self) -> str:
        text = self.cleaned_data["achieved"].strip()
        if not text:
            raise forms.ValidationError(_("Write what the investment achieved."))
        return text

    @classmethod
    def initial_for(cls, followup: InvestmentFollowUp) -> dict[str, Any]:
        return {
            "spent": followup.spent,
            "achieved": followup.achieved,
            "gains": followup.gains,
            "gains_note": followup.gains_note,
        }
