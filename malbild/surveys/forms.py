"""The forms of Elevrösten: opening a survey, a pupil's answers, a code typed by hand, and which
statement measures which indicator."""

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from malbild.indicators.models import Indicator
from malbild.surveys import content, services
from malbild.surveys.models import TEXT_LIMIT, WORDING, AgeGroup, Scale, Statement, Survey
from malbild.tenants.forms import UnitChoiceField
from malbild.tenants.models import Organisation, OrgUnit, within
from malbild.tenants.permissions import Access

ANSWER_PREFIX = "p_"  # a statement's field in the pupil's form: p_A1, p_K2, …


class SurveyForm(forms.Form):
    """What a teacher chooses when opening a survey. The units offered are those in which the
    person may run surveys."""

    unit = UnitChoiceField(queryset=None, label=_("Unit"))
    group_label = forms.CharField(
        label=_("Group"), max_length=60, required=False,
        help_text=_("For example “5B” or “year 8”. Leave empty when the whole unit answers."),
    )  # fmt: skip
    age_group = forms.ChoiceField(
        label=_("Pupils"), choices=AgeGroup.choices, widget=forms.RadioSelect,
        help_text=_("The statements are worded for the pupils' age."),
    )  # fmt: skip
    statement_keys = forms.MultipleChoiceField(
        label=_("Statements"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Keep it short: a survey of a few statements gets honest answers."),
    )  # fmt: skip
    ask_free_text = forms.BooleanField(
        label=_("Also ask an open question: “Is there anything else you want to tell us?”"),
        required=False, initial=True,
    )  # fmt: skip
    shared_devices = forms.BooleanField(
        label=_("The pupils share computers or tablets"), required=False,
        help_text=_("Then one device may send several answers, one pupil after another."),
    )  # fmt: skip
    expected_pupils = forms.IntegerField(
        label=_("Pupils in the group"), required=False, min_value=1, max_value=5000,
        help_text=_("Shows how many of them have answered."),
    )  # fmt: skip
    closes_on = forms.DateField(
        label=_("Last day to answer"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The code stops working after this day."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, organisation: Organisation, access: Access, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        units = OrgUnit.objects.filter(organisation=organisation, archived_at__isnull=True)
        subtrees = access.subtrees("can_run_surveys")
        if subtrees is not None:
            units = units.filter(within(subtrees))
        field = self.fields["unit"]
        if isinstance(field, UnitChoiceField):  # as declared above
            field.queryset = units.order_by("path")
        statements = Statement.objects.filter(bank=services.current_bank()).select_related("area")
        choices = [(s.key, f"{s.area.label}: {s.label}") for s in statements]
        keys = self.fields["statement_keys"]
        if isinstance(keys, forms.MultipleChoiceField):  # as declared above
            keys.choices = choices
        self.initial.setdefault("statement_keys", [key for key, _label in choices])
        self.initial.setdefault(
            "closes_on", timezone.localdate() + timedelta(days=services.DEFAULT_DAYS_OPEN)
        )


class AnswerForm(forms.Form):
    """A pupil's answers: one group of radio buttons per statement (none required: a pupil may
    leave one out), the open question, and, for pupils old enough, whether their words may be
    shown publicly. A field for a statement the survey did not ask makes the form invalid."""

    text = forms.CharField(
        label=_("Is there anything else you want to tell us about digital tools at school?"),
        required=False, max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_LIMIT}),
        help_text=_("Do not write your name or anybody else's."),
        error_messages={
            "max_length": _("You have written too much: at most %(limit_value)d characters.")
        },
    )  # fmt: skip
    may_publish = forms.BooleanField(
        label=_("You may show what I wrote on the municipality's website, without my name."),
        required=False,
    )  # fmt: skip

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.survey = survey
        # The wording comes from the bank's text (no query per page): keys and versions are stable.
        specs = content.statements(survey.bank.version)
        wording = WORDING[AgeGroup(survey.age_group)]
        self.statements = [specs[key] for key in survey.statement_keys if key in specs]
        answer_fields = {}
        for statement in self.statements:
            answer_fields[ANSWER_PREFIX + statement.key] = forms.TypedChoiceField(
                label=gettext(getattr(statement, wording)),
                choices=Scale.choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
            )
        self.fields = {**answer_fields, **self.fields}
        if not survey.ask_free_text:
            del self.fields["text"]
        if not (survey.ask_free_text and survey.may_consent()):
            del self.fields["may_publish"]

    def answer_fields(self) -> list[forms.BoundField]:
        return [self[ANSWER_PREFIX + s.key] for s in self.statements]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        asked = {ANSWER_PREFIX + key for key in self.survey.statement_keys}
        unknown = [k for k in self.data if k.startswith(ANSWER_PREFIX) and k not in asked]
        if unknown:
            raise forms.ValidationError(
                _("The answers do not fit this survey. Open the survey again and answer it there."),
                code="unknown_statement",
            )
        if not self.answers() and not self.errors:
            raise forms.ValidationError(
                _("Choose an answer to at least one of the statements."), code="empty"
            )
        return cleaned

    def answers(self) -> dict[str, int]:
        """Statement key → step, for the statements the pupil answered."""
        return {
            s.key: self.cleaned_data[ANSWER_PREFIX + s.key]
            for s in self.statements
            if self.cleaned_data.get(ANSWER_PREFIX + s.key) not in (None, "")
        }


class CodeForm(forms.Form):
    """The code a pupil types on the start page (`/elev/`)."""

    kod = forms.CharField(
        label=_("Code"), max_length=20,
        help_text=_("Six letters and digits, from your teacher."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "spellcheck": "false"}),
    )  # fmt: skip


class LinkForm(forms.Form):
    """Which indicator a statement measures (empty: none)."""

    statement_key = forms.ChoiceField(label=_("Statement"))
    indicator: forms.ModelChoiceField[Indicator] = forms.ModelChoiceField(
        label=_("Indicator"), queryset=None, required=False,
        help_text=_("Measured as the share of pupils who agree, in per cent."),
    )  # fmt: skip

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statements = Statement.objects.filter(bank=services.current_bank())
        key = self.fields["statement_key"]
        if isinstance(key, forms.ChoiceField):  # as declared above
            key.choices = [(s.key, f"{s.key} {s.label}") for s in statements]
        indicator = self.fields["indicator"]
        if isinstance(indicator, forms.ModelChoiceField):  # as declared above
            indicator.queryset = Indicator.objects.filter(organisation=organisation).order_by(
                "code"
            )
