"""Forms of imports: a measurement file to upload, what to export, Kolada searches and links."""

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from malbild.imports import files
from malbild.indicators.models import Indicator


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Measurement file"),
        help_text=_(
            "CSV (separated by semicolons or commas, UTF-8 or Windows-1252) or Excel (.xlsx), "
            "with the columns enhet_kod; indikator_kod; period; kön; värde; status."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            files.format_of(upload.name)
            files.check_size(upload.size, settings.IMPORT_MAX_MB)
        except files.FileProblem as e:
            raise forms.ValidationError(str(e)) from None
        return upload


class ExportForm(forms.Form):
    FORMATS = [(files.CSV, _("CSV (semicolons, UTF-8)")), (files.XLSX, _("Excel (.xlsx)"))]

    format = forms.ChoiceField(label=_("Format"), choices=FORMATS, initial=files.CSV)
    indicator: forms.ModelChoiceField[Indicator] = forms.ModelChoiceField(
        label=_("Indicator"),
        queryset=None,
        required=False,
        empty_label=_("All indicators"),
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        if isinstance(field, forms.ModelChoiceField):  # as declared above
            field.queryset = Indicator.objects.filter(organisation=organisation).order_by("code")
