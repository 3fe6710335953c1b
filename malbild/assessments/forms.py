"""Forms of the self-assessment: starting a round, answering a statement, adopting a
suggestion. Each validates and normalises; the services check the rules that need the database."""

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from malbild.assessments.models import (
    NOT_RELEVANT,
    NOT_RELEVANT_LABEL,
    AssessmentRound,
    Level,
    Statement,
)
from malbild.goals.forms import OrgChoiceField, OrgMultipleChoiceField
from malbild.goals.models import Goal
from malbild.tenants.models import OrgUnit

LEVEL_CHOICES = [(str(value), label) for value, label in Level.choices] + [
    (NOT_RELEVANT, NOT_RELEVANT_LABEL)
]


class PeopleField(OrgMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name or obj.email


class StartForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200,
        help_text=_("For example the term, so that rounds are told apart later."),
    )  # fmt: skip
    mode = forms.ChoiceField(
        label=_("How do you answer?"),
        choices=AssessmentRound.Mode.choices,
        initial=AssessmentRound.Mode.INDIVIDUAL,
        widget=forms.RadioSelect,
        help_text=_(
            "Each on their own shows where staff see things differently; results are shown when "
            "at least three have taken part. Together, you answer as a group in one meeting."
        ),
    )
    closes_on = forms.DateField(
        label=_("Last day to answer"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "The participants see it in their to-dos and calendars. The round stays open "
            "until you close it."
        ),
    )  # fmt: skip
    participants = PeopleField(
        label=_("Who takes part?"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members with a role at the unit. In a group round you answer for the group."),
    )

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PeopleField, self.fields["participants"]).queryset = people

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class UnitField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.indented_name())


class UnitPickForm(forms.Form):
    """Which unit the round is for (a GET form: choosing changes nothing)."""

    enhet = UnitField(label=_("Unit"), queryset=None)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(UnitField, self.fields["enhet"]).queryset = units


def _attrs(widget: dict[str, Any]) -> str:
    """Django's `django/forms/widgets/attrs.html`, in Python."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if v is True else format_html(' {}="{}"', name, v),)
            for name, v in widget["attrs"].items()
            if v is not False
        ),
    )


def _input(widget: dict[str, Any]) -> str:
    """Django's `django/forms/widgets/input.html`, in Python."""
    value = "" if widget["value"] is None else format_html(' value="{}"', widget["value"])
    return format_html(
        '<input type="{}" name="{}"{}{}>', widget["type"], widget["name"], value, _attrs(widget)
    )


# A self-assessment page holds some fifty answer options, twelve comment boxes and twelve
# checkboxes: rendered through Django's widget templates (each with its `input` and `attrs`
# templates) they took half of the page's time. The widgets below write the same HTML in
# Python (assessments/tests/test_answer_widget.py compares them with Django's).


class RadioSelect(forms.RadioSelect):
    """Django's RadioSelect, with each option's `<input>` (`{{ radio.tag }}`) written here."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> Any:
        widget = context["widget"]
        if template_name != self.option_template_name or widget.get("wrap_label"):
            # django-stubs leaves out Widget._render, which BoundWidget.tag() calls.
            return super()._render(template_name, context, renderer)  # type: ignore[misc]
        return _input(widget)


class Textarea(forms.Textarea):
    """Django's Textarea, written here."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> Any:
        if template_name != self.template_name:
            return super()._render(template_name, context, renderer)  # type: ignore[misc]
        widget = context["widget"]
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            widget["name"],
            _attrs(widget),
            widget["value"] or "",
        )


class CheckboxInput(forms.CheckboxInput):
    """Django's CheckboxInput, written here."""

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> Any:
        if template_name != self.template_name:
            return super()._render(template_name, context, renderer)  # type: ignore[misc]
        return _input(context["widget"])


class AnswerForm(forms.Form):
    """One statement's answer, prefixed by the statement so that a page holds many."""

    level = forms.ChoiceField(
        label=_("Answer"), choices=LEVEL_CHOICES, required=False, widget=RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000,
        widget=Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    comment_named = forms.BooleanField(
        label=_("Show my name with the comment"), required=False, widget=CheckboxInput
    )

    def __init__(self, *args: Any, statement: Statement, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"s{statement.pk}")
        super().__init__(*args, **kwargs)
        self.statement = statement

    @property
    def touched(self) -> bool:
        """Whether anything was given for this statement (an empty one is left as it was)."""
        data = self.cleaned_data
        return bool(data.get("level") or data.get("comment"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("comment") and not data.get("level"):
            self.add_error(
                "level", _("Choose an answer as well: a comment is saved with its answer.")
            )
        return data

    def level_value(self) -> int | None:
        value = self.cleaned_data["level"]
        return None if value == NOT_RELEVANT else int(value)


class GoalField(OrgChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.unit.name})"


class AdoptForm(forms.Form):
    goal = GoalField(
        label=_("Goal the activity serves"), queryset=None,
        help_text=_("A goal of the unit or of a unit above it. The round becomes evidence for it."),
    )  # fmt: skip
    title = forms.CharField(label=_("Activity"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(label=_("End date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, goals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(GoalField, self.fields["goal"]).queryset = goals

    @classmethod
    def initial_for(cls, statement: Statement) -> dict[str, Any]:
        today = timezone.localdate()
        return {
            "title": statement.next_step_label[:200],
            "starts_on": today,
            "ends_on": today + timedelta(days=180),
        }

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


def adoptable_goals(unit: OrgUnit) -> Any:
    """Open goals of the unit and the units above it (a lazy queryset)."""
    return (
        Goal.objects.filter(unit_id__in=[unit.pk, *unit.ancestor_ids()])
        .exclude(status=Goal.Status.CLOSED)
        .select_related("unit")
        .order_by("unit__depth", "title", "id")
    )


class FilterForm(forms.Form):
    """Filters of the municipality's picture (GET)."""

    typ = forms.ChoiceField(label=_("Kind of unit"), required=False)
    omrade = forms.ChoiceField(label=_("Area"), required=False)

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["typ"]).choices = [
            ("", _("All kinds")),
            (OrgUnit.Kind.SCHOOL, OrgUnit.Kind.SCHOOL.label),
            (OrgUnit.Kind.PRESCHOOL, OrgUnit.Kind.PRESCHOOL.label),
        ]
        cast(forms.ChoiceField, self.fields["omrade"]).choices = [("", _("All areas")), *areas]
