"""Forms of the common platform: the draft (vision, verksamhetsidé, values) and its decision."""

import os
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import capfirst, format_lazy, slugify
from django.utils.translation import gettext_lazy as _

# The body's Swedish name is the organisation's data, not interface text: it is not translated.
DEFAULT_BODY = "Kommunfullmäktige"
MAX_VALUES = 20
EXTRA_VALUE_ROWS = 3
PDF_MAGIC = b"%PDF-"


def _tidy(text: str) -> str:
    return " ".join(text.split())


class DraftForm(forms.Form):
    """The draft's texts, with the version and lock it was read at (optimistic concurrency)."""

    vision = forms.CharField(
        label=_("Vision"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where the organisation wants to be, in a sentence or two."),
    )
    mission = forms.CharField(
        label=_("Verksamhetsidé (mission)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the organisation is there to do, and for whom."),
    )
    number = forms.IntegerField(label=_("Version"), min_value=1, widget=forms.HiddenInput)
    lock_version = forms.IntegerField(
        label=_("Saved version"), min_value=0, widget=forms.HiddenInput
    )


class ValueForm(forms.Form):
    """One value of the värdegrund. `key` keeps a renamed value the same value."""

    key = forms.SlugField(label=_("Key"), max_length=60, required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Name"), max_length=80, required=False)
    description = forms.CharField(
        label=_("Description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name = _tidy(data.get("name") or "")
        description = (data.get("description") or "").strip()
        if description and not name:
            self.add_error("name", _("Give the value a name, or empty its description."))
        data["name"], data["description"] = name, description
        return data


class BaseValueFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            name = form.cleaned_data.get("name", "")
            if not name:
                continue
            if name.casefold() in seen:
                form.add_error(
                    "name",
                    forms.ValidationError(
                        _("Another value is already called %(name)s."), params={"name": name}
                    ),
                )
            seen.add(name.casefold())

    def values(self) -> list[dict[str, str]]:
        """The filled rows in order, each with a key unique within the värdegrund.

        A row keeps the key it came with (so a renamed value stays the same value); a new row
        gets one from its name. Rows left empty are dropped.
        """
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data.get("name")]
        used: set[str] = set()
        result = []
        for row in rows:
            key = row.get("key") or ""
            if not key or key in used:
                base = slugify(row["name"])[:50] or "varde"
                key, n = base, 2
                while key in used or any(r.get("key") == key for r in rows if r is not row):
                    key, n = f"{base}-{n}", n + 1
            used.add(key)
            result.append({"key": key, "name": row["name"], "description": row["description"]})
        return result


_ValueFormSet = forms.formset_factory(
    ValueForm,
    formset=BaseValueFormSet,
    extra=EXTRA_VALUE_ROWS,
    max_num=MAX_VALUES,
    validate_max=True,
    absolute_max=MAX_VALUES,
)


def value_formset(data: Any = None, *, initial: Any = None) -> BaseValueFormSet:
    """The värdegrund's rows: the values, then a few empty rows for new ones."""
    return cast(BaseValueFormSet, _ValueFormSet(data, initial=initial, prefix="values"))


class DecisionForm(forms.Form):
    """The decision that puts a draft in force, as the admin records it."""

    body = forms.CharField(
        label=capfirst(_("decided by")),
        max_length=150,
        initial=DEFAULT_BODY,
        help_text=_("The body that decided, usually Kommunfullmäktige."),
    )
    decided_on = forms.DateField(
        label=capfirst(_("date of the decision")),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reference = forms.CharField(
        label=capfirst(_("paragraph or diary number")),
        max_length=60,
        required=False,
        help_text=_("For example § 42."),
    )
    minutes = forms.FileField(
        label=capfirst(_("minutes (PDF)")),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        help_text=format_lazy(_("A PDF file of at most {mb} MB."), mb=settings.MAX_UPLOAD_MB),
    )
    # The draft as the summary showed it: a save in between must not slip into the decision.
    lock_version = forms.IntegerField(
        label=_("Saved version"), min_value=0, widget=forms.HiddenInput
    )

    def clean_body(self) -> str:
        body = _tidy(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError(_("Write which body made the decision."))
        return body

    def clean_reference(self) -> str:
        return _tidy(self.cleaned_data["reference"])

    def clean_decided_on(self) -> Any:
        decided_on = self.cleaned_data["decided_on"]
        if decided_on > timezone.localdate():
            raise forms.ValidationError(_("A decision cannot be dated in the future."))
        return decided_on

    def clean_minutes(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("minutes")
        if not upload:
            return None
        limit = settings.MAX_UPLOAD_MB * 1024 * 1024
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB. Upload a smaller PDF."),
                params={"mb": settings.MAX_UPLOAD_MB},
            )
        upload.seek(0)
        head = upload.read(len(PDF_MAGIC))
        upload.seek(0)
        if head != PDF_MAGIC:
            raise forms.ValidationError(
                _("The file is not a PDF. Save the minutes as PDF and upload that file.")
            )
        root = os.path.splitext(os.path.basename(upload.name or ""))[0]
        upload.name = default_storage.get_valid_name(f"{slugify(root)[:60] or 'protokoll'}.pdf")
        return upload

    def decision_fields(self) -> dict[str, Any]:
        """What `services.adopt` stores on the decision."""
        data = self.cleaned_data
        fields = {k: data[k] for k in ("body", "decided_on", "reference")}
        if data.get("minutes"):
            fields["minutes"] = data["minutes"]
        return fields
