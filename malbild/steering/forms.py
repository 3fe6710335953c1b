from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from malbild.steering.models import SteeringChange, SteeringDocument
from malbild.tenants.models import Organisation

WEB_ADDRESS = _("Give a web address that starts with https:// or http://.")


def web_address_field(label: Any) -> forms.URLField:
    """An optional link that can only lead to a web page (never javascript: or data:)."""
    return forms.URLField(
        label=label,
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"], message=WEB_ADDRESS)],
        error_messages={"invalid": WEB_ADDRESS},
    )


def one_line(text: str) -> str:
    return " ".join(text.split())


class DocumentForm(forms.ModelForm):
    url = web_address_field(SteeringDocument._meta.get_field("url").verbose_name)

    class Meta:
        model = SteeringDocument
        fields = ["title", "kind", "level", "issuer", "url", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        document: SteeringDocument | None = None,
        **kwargs: Any,
    ):
        # The form never writes into `document`: the service compares before and after.
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.document = document

    def clean_title(self) -> str:
        title = one_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Write the document's title."))
        wanted = title.casefold()
        others = SteeringDocument.objects.filter(organisation=self.organisation)
        if self.document is not None:
            others = others.exclude(pk=self.document.pk)
        # casefold in Python: the database's case-insensitive match knows only ASCII (Å, Ä, Ö).
        for taken in others.values_list("title", flat=True):
            if taken.casefold() == wanted:
                raise forms.ValidationError(
                    _("There is already a steering document called %(title)s."),
                    params={"title": taken},
                )
        return title

    def clean_issuer(self) -> str:
        issuer = one_line(self.cleaned_data["issuer"])
        if not issuer:
            raise forms.ValidationError(_("Write who issued the document."))
        return issuer

    def clean_summary(self) -> str:
        return str(self.cleaned_data["summary"]).strip()

    def validate_unique(self) -> None:
        # Checked in clean_title, with a message people understand.
        pass


class ChangeForm(forms.ModelForm):
    date = forms.DateField(
        label=SteeringChange._meta.get_field("date").verbose_name,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": _("Give the date as year-month-day, for example 2026-07-01."),
        },
    )
    source = forms.CharField(
        label=SteeringChange._meta.get_field("source").verbose_name,
        max_length=300,
        help_text=_(
            "Add only facts whose source you can cite: the decision, the law text or the "
            "agency's publication that says so."
        ),
        error_messages={"required": _("Add only facts whose source you can cite.")},
    )
    source_url = web_address_field(SteeringChange._meta.get_field("source_url").verbose_name)

    class Meta:
        model = SteeringChange
        fields = ["kind", "date", "description", "source", "source_url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def clean_description(self) -> str:
        description = str(self.cleaned_data["description"]).strip()
        if not description:
            raise forms.ValidationError(_("Describe what the change means."))
        return description

    def clean_source(self) -> str:
        source = one_line(self.cleaned_data["source"])
        if not source:
            raise forms.ValidationError(_("Add only facts whose source you can cite."))
        return source
