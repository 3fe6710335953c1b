from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malbild.steering.models import SteeringDocument
from malbild.targets.models import FocusArea, Review, TargetVision
from malbild.tenants.models import Organisation

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _year(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=2000, max_value=2100)


def _text(label: Any, help_text: Any = "", required: bool = True, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class VisionForm(forms.Form):
    """The text of a målbild draft. `lock_version` is what the person started from, so that a
    save on top of someone else's later save is caught (services.save_draft)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    statement = _text(
        _("The målbild"),
        _("Where we are heading. Markdown: **bold**, *italics*, lists with -, links."),
        rows=12,
    )
    start_year = _year(_("From year"))
    end_year = _year(_("To year"))
    change_motive = _text(
        _("Why change"), _("The motive for change: why we must work differently.")
    )
    if_nothing_changes = _text(_("If nothing changes"), _("What happens if we go on as today."))
    focus_areas: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Focus areas"),
        queryset=None,  # set per request, scoped to the organisation
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    steering_documents: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Steering documents it builds on"),
        queryset=None,  # set per request, scoped to the organisation
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        areas = self.fields["focus_areas"]
        documents = self.fields["steering_documents"]
        areas.queryset = FocusArea.objects.filter(organisation=organisation)  # type: ignore[attr-defined]
        documents.queryset = SteeringDocument.objects.filter(organisation=organisation)  # type: ignore[attr-defined]

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _("The horizon ends before it starts."))
        return data

    @classmethod
    def initial_for(cls, version: TargetVision) -> dict[str, Any]:
        """Initial values from a version (its many-to-many rows, one query each)."""
        return {
            "title": version.title,
            "statement": version.statement,
            "start_year": version.start_year,
            "end_year": version.end_year,
            "change_motive": version.change_motive,
            "if_nothing_changes": version.if_nothing_changes,
            "focus_areas": [a.pk for a in version.focus_areas.all()],
            "steering_documents": [d.pk for d in version.steering_documents.all()],
            "lock_version": version.lock_version,
        }


class AmountField(forms.DecimalField):
    """Whole kronor; accepts the spaces people write between thousands ("1 500 000")."""

    # django-stubs declares DecimalField a subclass of IntegerField, hence the override code.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u00a0", "")
        return super().to_python(value)


class InvestmentForm(forms.Form):
    title = forms.CharField(label=_("What it funds"), max_length=200)
    description = _text(_("Description"), required=False, rows=4)
    amount_per_year = AmountField(
        label=_("Amount per year (SEK)"),
        max_digits=14,
        decimal_places=0,
        min_value=0,
        help_text=_("Whole kronor, for example 1 500 000."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    start_year = _year(_("From year"))
    end_year = _year(_("To year"))
    expected_gains = _text(_("Expected long-term gains"), _("For pupils and for society."))

    FIELDS = ("title", "description", "amount_per_year", "start_year", "end_year",
              "expected_gains")  # fmt: skip

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None and end < start:
            self.add_error("end_year", _("The investment ends before it starts."))
        return data


class AdoptForm(forms.Form):
    """The decision that adopts a proposal."""

    body = forms.CharField(
        label=_("Decided by"),
        max_length=150,
        initial="Barn- och utbildningsnämnden",
        help_text=_("The body that decided, for example Barn- och utbildningsnämnden."),
    )
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DATE_INPUT)
    reference = forms.CharField(
        label=_("Paragraph or diary number"),
        max_length=60,
        required=False,
        help_text=_("For example § 42."),
    )
    minutes = forms.FileField(
        label=_("Minutes (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    review_date = forms.DateField(
        label=_("Review by"),
        widget=DATE_INPUT,
        help_text=_("When the målbild is next revisited. Admins are reminded ahead of it."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["minutes"].help_text = _("A PDF file of at most %(mb)s MB.") % {
            "mb": settings.MAX_UPLOAD_MB
        }

    def clean_decided_on(self) -> date:
        value: date = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A decision cannot be dated in the future."))
        return value

    def clean_review_date(self) -> date:
        value: date = self.cleaned_data["review_date"]
        if value <= timezone.localdate():
            raise forms.ValidationError(_("The review date must be in the future."))
        return value

    def clean_minutes(self) -> Any:
        upload = self.cleaned_data.get("minutes")
        if not upload:
            return None
        if upload.size > settings.MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.MAX_UPLOAD_MB}
            )
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("The minutes must be a PDF file."))
        return upload

    def decision_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {
            "body": " ".join(data["body"].split()),
            "decided_on": data["decided_on"],
            "reference": data["reference"].strip(),
        }
        if data.get("minutes"):
            fields["minutes"] = data["minutes"]
        return fields


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Everyone in the organisation can read it. At most 5,000 characters."),
        error_messages={"required": _("Write something first.")},
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=Review.Outcome.choices, widget=forms.RadioSelect
    )
    reasoning = _text(_("Reasoning"), _("Why it is kept as it is, or why it must be revised."))
    next_review_date = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Needed when it is kept: the date of the next review, in the future."),
    )

    def clean_reasoning(self) -> str:
        text: str = self.cleaned_data["reasoning"].strip()
        if not text:
            raise forms.ValidationError(_("Write the reasoning."))
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Review.Outcome.KEPT:
            when = data.get("next_review_date")
            if when is None:
                self.add_error(
                    "next_review_date", _("Give the date of the next review, in the future.")
                )
            elif when <= timezone.localdate():
                self.add_error("next_review_date", _("The next review must be in the future."))
        return data


class FocusAreaForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    description = _text(_("Description"), required=False, rows=3)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Write the focus area's name."))
        return name
