"""Forms of the feedback app: the public form (guarded against spam) and the moderator's
answer."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from malbild.lib.spam import SpamGuardForm
from malbild.tenants.forms import UnitChoiceField, active_units
from malbild.tenants.models import Organisation, OrgUnit


def _strip(value: str) -> str:
    return (value or "").strip()


class FeedbackForm(SpamGuardForm):
    message = forms.CharField(
        label=_("Your feedback"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What do you think about how our schools and preschools work with digital tools? "
            "Do not write names or other personal details: approved feedback is published."
        ),
        error_messages={"required": _("Write your feedback.")},
    )
    unit = UnitChoiceField(
        label=_("About which school or preschool?"),
        queryset=None,
        required=False,
        empty_label=_("Not a particular one"),
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_(
            "Only if you want the answer by e-mail as well. It is never published and is "
            "used for nothing else."
        ),
        error_messages={"invalid": _("Write the e-mail address in full, like namn@exempel.se.")},
    )

    field_order = ["message", "unit", "contact_email", "website"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)  # noqa: S101
        unit_field.queryset = active_units(organisation).filter(
            kind__in=[OrgUnit.Kind.SCHOOL, OrgUnit.Kind.PRESCHOOL]
        )

    def clean_message(self) -> str:
        text = _strip(self.cleaned_data["message"])
        if not text:
            raise forms.ValidationError(_("Write your feedback."))
        return text


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Our public answer"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Shown under the feedback on the public page. Markdown: **bold**, links."),
    )
