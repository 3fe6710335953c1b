from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from malbild.api.models import ApiToken
from malbild.api.tokens import organisations_of


class TokenForm(forms.Form):
    """A new personal API key: what it is for, for which organisation, and what it may do."""

    name = forms.CharField(
        label=_("What the key is for"),
        max_length=100,
        help_text=_("For example “Elevregistret” or “Nightly figures”; only you see it."),
    )
    organisation = forms.ChoiceField(label=_("Organisation"))
    scope = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=_(
            "Read: the key reads what you read. Read and write: it may also write measurements "
            "and activities' status where your role allows it."
        ),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {str(o.pk): o for o in organisations_of(user)}
        fields: Any = self.fields
        fields["organisation"].choices = [(pk, o.name) for pk, o in self.organisations.items()]
        fields["name"].error_messages["required"] = _("Write what the key is for.")
        fields["organisation"].error_messages["invalid_choice"] = _(
            "Choose one of your organisations."
        )

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()
