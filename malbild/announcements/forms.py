"""Forms of the announcements app. Constructors take `organisation=` and build scoped choices."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from malbild.announcements.models import Announcement, Audience
from malbild.tenants.forms import UnitChoiceField, active_units
from malbild.tenants.models import Organisation, OrgUnit, within


def _strip(value: str) -> str:
    return (value or "").strip()


class AnnouncementForm(forms.Form):
    kind = forms.ChoiceField(label=capfirst(_("kind")), choices=Announcement.Kind.choices)
    title = forms.CharField(label=capfirst(_("headline")), max_length=200)
    summary = forms.CharField(
        label=capfirst(_("summary")),
        max_length=300,
        required=False,
        help_text=_("One or two sentences, shown in lists, feeds and when the page is shared."),
    )
    body = forms.CharField(
        label=capfirst(_("text")),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Markdown: **bold**, lists, links."),
    )
    audiences = forms.MultipleChoiceField(
        label=_("Who is it for?"),
        choices=Audience.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one audience for the announcement.")},
    )
    unit = UnitChoiceField(
        label=capfirst(_("for the unit")),
        queryset=None,
        required=False,
        empty_label=_("The whole organisation"),
        help_text=_("Only this unit and the units under it. Empty: the whole organisation."),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, subtrees: list[OrgUnit] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        units = active_units(organisation)
        if subtrees is not None:
            units = units.filter(within(subtrees))
            self.fields["unit"].required = True
            self.fields["unit"].help_text = _(
                "Announcements to units in your part of the organisation."
            )
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)  # noqa: S101  (for mypy)
        unit_field.queryset = units

    def clean_title(self) -> str:
        return _strip(self.cleaned_data["title"])

    def clean_body(self) -> str:
        body = _strip(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError(_("Write the text of the announcement."))
        return body

    def fields_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        audiences = set(data.pop("audiences"))
        data["summary"] = _strip(data["summary"])
        for audience in Audience.values:
            data[f"to_{audience}"] = audience in audiences
        return data

    @staticmethod
    def initial_for(announcement: Announcement) -> dict[str, Any]:
        return {
            "kind": announcement.kind,
            "title": announcement.title,
            "summary": announcement.summary,
            "body": announcement.body,
            "audiences": announcement.audiences,
            "unit": announcement.unit_id,
        }


class DigestForm(forms.Form):
    digest = forms.BooleanField(label=_("Send me the weekly e-mail digest"), required=False)
