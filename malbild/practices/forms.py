"""Forms of the practice library. Ids of another organisation (never offered, so the request was
tampered with) answer 404, as in a URL; the rules that need the database (unique titles, tips)
are checked by `practices.services` and shown on these forms."""

from datetime import timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from malbild.goals.forms import OrgChoiceField, OrgMultipleChoiceField
from malbild.goals.models import Goal
from malbild.indicators.models import Indicator
from malbild.plans.forms import date_field
from malbild.practices.importers import MAX_XML_BYTES
from malbild.practices.models import Practice, PracticeComment
from malbild.targets.models import FocusArea
from malbild.tenants.forms import UnitChoiceField
from malbild.tenants.models import OrgUnit

OFFERED = 200  # goals and indicators offered as links on the form (the newest first)


class GoalLinks(OrgMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.unit.name})"


class PracticeForm(forms.Form):
    """A practice of the organisation: what worked, where, and whom to ask."""

    title = forms.CharField(label=_("Title"), max_length=200)
    focus_area = OrgChoiceField(label=_("Key area"), queryset=None, empty_label=None)
    unit = UnitChoiceField(
        label=_("Where it was done"), queryset=None, empty_label=None,
        help_text=_("The unit whose experience this is; others filter by its kind."),
    )  # fmt: skip
    summary = forms.CharField(
        label=_("Summary"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Two or three sentences: what worked, and why."),
    )  # fmt: skip
    details = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("How you did it, what it cost and what you would do differently. Markdown: "
                    "## for a heading, - for a list, **bold**."),
    )  # fmt: skip
    tips = forms.CharField(
        label=_("Tips"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One tip a line, in the order others should read them."),
    )  # fmt: skip
    contact_role = forms.CharField(
        label=_("Contact (role)"), max_length=150,
        help_text=_("A role others can ask for, such as “IT strategist at the education office”."),
    )  # fmt: skip
    contact_email = forms.EmailField(
        label=_("Contact e-mail"), required=False,
        help_text=_("Optional. Prefer a shared mailbox to a person's own address: it is shown to "
                    "every organisation, and to everyone if the practice is public."),
        error_messages={"invalid": _("Write a whole e-mail address, such as it@kommun.se.")},
    )  # fmt: skip
    goals = GoalLinks(
        label=_("Goals it came from"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    indicators = OrgMultipleChoiceField(
        label=_("Results it shows in (indicators)"), queryset=None, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, units: Any, practice: Practice | None = None, **kwargs: Any):
        if practice is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": practice.title,
                "focus_area": practice.focus_area_id,
                "unit": practice.unit_id,
                "summary": practice.summary,
                "details": practice.details,
                "tips": "\n".join(t.text for t in practice.tips.all()),
                "contact_role": practice.contact_role,
                "contact_email": practice.contact_email,
                "goals": [g.pk for g in practice.goals.all()],
                "indicators": [i.pk for i in practice.indicators.all()],
            }
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["focus_area"].queryset = FocusArea.objects.all()
        fields["unit"].queryset = units
        linked_goals = Q(practices=practice) if practice is not None else Q(pk__in=[])
        goal_ids = list(
            Goal.objects.exclude(status=Goal.Status.DRAFT)
            .order_by("-created_at", "-id")
            .values_list("pk", flat=True)[:OFFERED]
        )
        fields["goals"].queryset = (
            Goal.objects.filter(Q(pk__in=goal_ids) | linked_goals)
            .select_related("unit")
            .distinct()
            .order_by("unit__path", "title", "id")
        )
        linked = Q(practices=practice) if practice is not None else Q(pk__in=[])
        indicator_ids = list(
            Indicator.objects.order_by("name").values_list("pk", flat=True)[:OFFERED]
        )
        fields["indicators"].queryset = (
            Indicator.objects.filter(Q(pk__in=indicator_ids) | linked).distinct().order_by("name")
        )

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("Who reads it"), choices=Practice.State.choices)


class SearchForm(forms.Form):
    """The library's search and filters (GET). Unknown filter values are ignored, not errors."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    area = forms.ChoiceField(label=_("Key area"), required=False)
    org = forms.ChoiceField(label=_("Organisation"), required=False)
    kind = forms.ChoiceField(label=_("Kind of unit"), required=False)

    def __init__(
        self,
        *args: Any,
        areas: list[str],
        organisations: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["area"].choices = [("", _("All key areas")), *[(a, a) for a in areas]]
        if organisations is None:
            del fields["org"]
        else:
            fields["org"].choices = [("", _("All organisations")), *organisations]
        fields["kind"].choices = [("", _("All kinds of unit")), *OrgUnit.Kind.choices]

    def value(self, name: str) -> str:
        """The cleaned value, or "" for an invalid one (a filter that no longer exists)."""
        if not self.is_bound:
            return ""
        field = self.fields.get(name)
        if field is None:
            return ""
        raw = self.data.get(name, "")
        try:
            return str(field.clean(raw) or "")
        except forms.ValidationError:
            return ""


class CommentForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("It is a"), choices=PracticeComment.Kind.choices, widget=forms.RadioSelect,
        initial=PracticeComment.Kind.QUESTION,
    )  # fmt: skip
    body = forms.CharField(
        label=_("Your comment or question"), max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Everyone who reads the practice reads it too, with your name and "
                    "organisation."),
        error_messages={"required": _("Write something first.")},
    )  # fmt: skip


class UseForm(forms.Form):
    """How to use a practice's tips: as activities of a unit, or as a note for the målbild."""

    PLAN = "plan"
    NOTE = "note"

    how = forms.ChoiceField(label=_("Use them"), widget=forms.RadioSelect, initial=PLAN)
    tips = forms.MultipleChoiceField(
        label=_("Tips to use"), widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one tip to use.")},
    )  # fmt: skip
    unit = UnitChoiceField(
        label=_("In the action plan of"), queryset=None, required=False, empty_label=None
    )
    starts_on = date_field(_("Start date"), required=False)
    ends_on = date_field(_("End date"), required=False)

    def __init__(
        self, *args: Any, tips: list[str], units: Any, may_plan: bool, may_note: bool, **kwargs: Any
    ):
        today = timezone.localdate()
        kwargs.setdefault(
            "initial",
            {
                "tips": [str(i) for i in range(len(tips))],
                "starts_on": today + timedelta(days=14),
                "ends_on": today + timedelta(days=180),
            },
        )
        super().__init__(*args, **kwargs)
        self.tip_texts = tips
        fields: Any = self.fields
        fields["tips"].choices = [(str(i), text) for i, text in enumerate(tips)]
        fields["unit"].queryset = units
        how = []
        if may_plan:
            how.append((self.PLAN, _("as suggested activities in a unit's action plan")))
        else:
            fields["how"].initial = self.NOTE
        if may_note:
            how.append((self.NOTE, _("as a note in the discussion of the målbild being drafted")))
        fields["how"].choices = how

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("how") == self.PLAN:
            if data.get("unit") is None:
                self.add_error("unit", _("Choose the unit whose action plan gets the activities."))
            starts, ends = data.get("starts_on"), data.get("ends_on")
            if starts is None:
                self.add_error("starts_on", _("Choose a start date."))
            if ends is None:
                self.add_error("ends_on", _("Choose an end date."))
        return data

    def chosen_tips(self) -> list[str]:
        return [self.tip_texts[int(i)] for i in self.cleaned_data.get("tips", [])]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    """Files to import: Markdown files (one practice each) or one MediaWiki XML export."""

    uploads = MultipleFileField(
        label=_("Files"), widget=MultipleFileInput(attrs={"accept": ".md,.markdown,.txt,.xml"}),
        help_text=_("Markdown files (.md), one practice each, or one MediaWiki export (.xml)."),
        error_messages={"required": _("Choose at least one file.")},
    )  # fmt: skip
    focus_area = OrgChoiceField(
        label=_("Key area when a file names none"), queryset=None, empty_label=None
    )
    unit = UnitChoiceField(label=_("Unit when a file names none"), queryset=None, empty_label=None)
    contact_role = forms.CharField(
        label=_("Contact (role) when a file names none"), max_length=150,
        initial=_("The education office"),
    )  # fmt: skip

    MAX_FILES = 50

    def __init__(self, *args: Any, units: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["focus_area"].queryset = FocusArea.objects.all()
        fields["unit"].queryset = units

    def clean_uploads(self) -> list[Any]:
        files = self.cleaned_data["uploads"]
        if len(files) > self.MAX_FILES:
            raise forms.ValidationError(
                _("Choose at most %(max)s files at a time."), params={"max": self.MAX_FILES}
            )
        for upload in files:
            if upload.size > MAX_XML_BYTES:
                raise forms.ValidationError(
                    _("%(name)s is larger than 5 MB."), params={"name": upload.name}
                )
        xml = [f for f in files if f.name.lower().endswith(".xml")]
        if xml and len(files) > 1:
            raise forms.ValidationError(
                _("Import a MediaWiki export on its own, not together with other files.")
            )
        return files
