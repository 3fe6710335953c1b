"""Forms of the self-assessment: starting a round, answering a statement, adopting a
suggestion. Each validates and normalises; the services check the rules that need the database."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.forms.widgets import boolean_check
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from malbild.assessments.models import (
    NOT_RELEVANT,
    NOT_RELEVANT_LABEL,
    Answer,
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


@dataclass(frozen=True)
class _Words:
    """The words of a statement's fieldset in one language, escaped once."""

    levels: list[tuple[SafeString, SafeString, SafeString]]  # each option's index, value, label
    comment: SafeString
    optional: SafeString
    show_name: SafeString
    error: SafeString


_WORDS: dict[str | None, _Words] = {}


def _words() -> _Words:
    """The fieldset's words in the active language (translated once per language)."""
    language = get_language()
    found = _WORDS.get(language)
    if found is None:
        found = _WORDS[language] = _Words(
            levels=[
                (
                    conditional_escape(str(index)),
                    conditional_escape(value),
                    conditional_escape(capfirst(label)),
                )
                for index, (value, label) in enumerate(LEVEL_CHOICES)
            ],
            comment=conditional_escape(_("Comment")),
            optional=conditional_escape(_("optional")),
            show_name=conditional_escape(_("Show my name with the comment")),
            error=conditional_escape(_("Error:")),
        )
    return found


# A statement's fieldset, as the answer page shows it a dozen times. Written here rather than
# with the form's widgets in a template: that took most of the page's time. The test
# assessments/tests/test_answer_fieldset.py compares it with the template it replaced.
FIELDSET = """
<fieldset class="statement{error_class}" id="statement-{pk}" hx-post="{url}" \
hx-trigger="change" hx-target="#saved-{pk}" hx-swap="innerHTML">
  <legend><span class="statement__key">{key}</span> {label}</legend>
  {tags}
  {level_errors}
  <div class="scale">
    {options}
  </div>
  <div class="field">
    <label for="{comment_id}">{comment_label} <span class="optional">({optional})</span>\
</label>
    <textarea name="{prefix}-comment" cols="40" rows="2" maxlength="2000"{comment_invalid} \
id="{comment_id}">
{comment}</textarea>
  </div>
  <div class="checkbox"><label for="{named_id}"><input type="checkbox" \
name="{prefix}-comment_named"{named_invalid} id="{named_id}"{named_checked}> {named_label}\
</label></div>
  <p class="statement__saved" id="saved-{pk}"></p>
</fieldset>
"""
OPTION = (
    '<label for="{0}_{1}" class="scale__choice"><input type="radio" name="{2}-level" '
    'value="{3}" id="{0}_{1}"{4}{5}> {6}</label>'
)
INVALID = mark_safe(' aria-invalid="true"')
CHECKED = mark_safe(" checked")
NOTHING = mark_safe("")


def _invalid(errors: Mapping[str, Any], name: str, id_: str) -> str:
    """The attributes Django gives the widget of a field with errors."""
    if name not in errors:
        return ""
    return format_html('{} aria-describedby="{}_error"', INVALID, id_)


def fieldset(
    statement: Statement, url: str, *, level: str = "", comment: str = "",
    comment_named: bool = False, errors: Mapping[str, Any] | None = None,
) -> SafeString:  # fmt: skip
    """A statement's fieldset on the answer page, posting to `url` as its answer changes: the
    statement, its answer options, comment box and checkbox, with the values given (`level`
    as the form sends it) and the form's errors. The same HTML as `AnswerForm`'s widgets in
    the template it replaced (assessments/tests/test_answer_fieldset.py)."""
    words = _words()
    errors = errors or {}
    # Escaped once here, as they go into every option (Django's names and ids of the fields).
    prefix = conditional_escape(answer_prefix(statement))
    level_id = conditional_escape(f"id_{prefix}-level")
    comment_id = conditional_escape(f"id_{prefix}-comment")
    named_id = conditional_escape(f"id_{prefix}-comment_named")
    invalid = INVALID if "level" in errors else NOTHING
    options = format_html_join("", OPTION, (
        (level_id, index, prefix, value, invalid, CHECKED if value == level else NOTHING, label)
        for index, value, label in words.levels
    ))  # fmt: skip
    tags = ""
    if statement.tags:
        tags = format_html(
            '<p class="statement__tags">{}</p>',
            format_html_join("", '<span class="tag">{}</span> ', (
                (tag,) for tag in statement.tag_labels()
            )),
        )  # fmt: skip
    level_errors = ""
    if invalid:
        level_errors = format_html(
            '<p class="field-error" id="{}_error"><span class="visually-hidden">{}</span> {}</p>',
            level_id, words.error, " ".join(str(e) for e in errors["level"]),
        )  # fmt: skip
    return format_html(
        FIELDSET,
        prefix=prefix,
        pk=statement.pk,
        url=url,
        error_class=" field--error" if errors else "",
        key=statement.key,
        label=statement.label,
        tags=tags,
        level_errors=level_errors,
        options=options,
        comment_label=words.comment,
        optional=words.optional,
        comment_id=comment_id,
        comment_invalid=_invalid(errors, "comment", comment_id),
        comment=comment,
        named_label=words.show_name,
        named_id=named_id,
        named_invalid=_invalid(errors, "comment_named", named_id),
        named_checked=" checked" if comment_named else "",
    )


def answer_prefix(statement: Statement) -> str:
    """The prefix of a statement's fields, so that a page holds many."""
    return f"s{statement.pk}"


class AnswerForm(forms.Form):
    """One statement's answer, prefixed by the statement so that a page holds many."""

    level = forms.ChoiceField(
        label=_("Answer"), choices=LEVEL_CHOICES, required=False, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip
    comment_named = forms.BooleanField(label=_("Show my name with the comment"), required=False)

    def __init__(self, *args: Any, statement: Statement, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", answer_prefix(statement))
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

    @staticmethod
    def initial_for(answer: Answer | None) -> dict[str, Any]:
        """The form's values for a saved answer (none: nothing chosen)."""
        if answer is None:
            return {}
        return {
            "level": NOT_RELEVANT if answer.level is None else str(answer.level),
            "comment": answer.comment,
            "comment_named": answer.comment_named,
        }

    def fieldset(self, url: str) -> SafeString:
        """The statement's fieldset with the values and errors of the form, as sent."""
        level = self["level"].value()
        return fieldset(
            self.statement, url,
            level="" if level is None else str(level),
            comment=self["comment"].value() or "",
            comment_named=boolean_check(self["comment_named"].value()),
            errors=self.errors,
        )  # fmt: skip

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
