"""Forms of getting started: the files of units and people, the starting texts, the key
figures. The steps that reuse another app's form (the follow-up period, the platform's values)
take it from there."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malbild.accounts import oidc
from malbild.imports import files
from malbild.onboarding import content
from malbild.onboarding.models import FileBatch

# The starting texts are Swedish whatever the interface's language (WCAG 3.1.2).
SWEDISH = {"lang": "sv"}


def _checked_upload(upload: Any) -> Any:
    try:
        files.format_of(upload.name)
        files.check_size(upload.size, settings.IMPORT_MAX_MB)
    except files.FileProblem as e:
        raise forms.ValidationError(str(e)) from None
    return upload


class UnitFileForm(forms.Form):
    file = forms.FileField(
        label=_("File of units"),
        help_text=_(
            "CSV (separated by semicolons or commas, UTF-8 or Windows-1252) or Excel (.xlsx), "
            "with the columns kod; namn; typ; överordnad_kod."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self) -> Any:
        return _checked_upload(self.cleaned_data["file"])


class PeopleFileForm(forms.Form):
    file = forms.FileField(
        label=_("File of people"),
        help_text=_(
            "CSV (separated by semicolons or commas, UTF-8 or Windows-1252) or Excel (.xlsx), "
            "with the columns namn; e-post; roll; enhet_kod."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )
    delivery = forms.ChoiceField(
        label=_("How do they receive their roles?"),
        choices=FileBatch.Delivery.choices,
        initial=FileBatch.Delivery.EMAIL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not oidc.enabled():  # roles at login need the municipality's login service
            field = self.fields["delivery"]
            if isinstance(field, forms.ChoiceField):  # as declared above
                field.choices = [(FileBatch.Delivery.EMAIL, FileBatch.Delivery.EMAIL.label)]
                field.widget = forms.HiddenInput()

    def clean_file(self) -> Any:
        return _checked_upload(self.cleaned_data["file"])


class PlatformTextForm(forms.Form):
    """The platform's vision and verksamhetsidé to start from (the values: platform's form)."""

    vision = forms.CharField(
        label=_("Vision"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3, **SWEDISH})
    )
    mission = forms.CharField(
        label=_("Verksamhetsidé (mission)"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, **SWEDISH}),
    )


def _year(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=2000, max_value=2100)


class TargetTextForm(forms.Form):
    """The målbild's first draft."""

    title = forms.CharField(label=_("Title"), max_length=200, widget=forms.TextInput(SWEDISH))
    statement = forms.CharField(
        label=_("The målbild"),
        help_text=_("Where we are heading. Markdown: **bold**, *italics*, lists with -, links."),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 12, **SWEDISH}),
    )
    start_year = _year(_("From year"))
    end_year = _year(_("To year"))
    change_motive = forms.CharField(
        label=_("Why change"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4, **SWEDISH}),
    )
    if_nothing_changes = forms.CharField(
        label=_("If nothing changes"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4, **SWEDISH}),
    )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _("The horizon ends before it starts."))
        return data

    @classmethod
    def starting(cls) -> dict[str, Any]:
        return content.target_text(timezone.localdate().year)


class KpiForm(forms.Form):
    kpis = forms.MultipleChoiceField(
        label=_("Key figures"),
        choices=[(s.kpi, s.name) for s in content.STARTER_KPIS],
        widget=forms.CheckboxSelectMultiple,
        initial=[s.kpi for s in content.STARTER_KPIS],
        error_messages={"required": _("Tick at least one key figure.")},
    )
