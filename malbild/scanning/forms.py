"""Forms of the omvärldsbevakning. Choices are the organisation's rows only: another
organisation's id (which no page offers) answers 404, like the same id in a URL."""

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from malbild.goals.forms import OrgChoiceField, OrgMultipleChoiceField, one_line
from malbild.goals.models import Goal
from malbild.plans.models import Activity
from malbild.scanning.models import FeedSource, Signal
from malbild.steering.forms import web_address_field
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.models import OrgUnit

SCALE_LABELS = {
    1: _("1 – very low"),
    2: _("2 – low"),
    3: _("3 – medium"),
    4: _("4 – high"),
    5: _("5 – very high"),
}
CHOICES_SHOWN = 50


class SignalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    url = web_address_field(_("Link"))
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=5000,
        help_text=_("What it is and why it may matter for our schools. Markdown: **bold**, "
                    "lists, links. To notify someone, mention them in a comment."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )  # fmt: skip
    kind = forms.ChoiceField(label=_("Kind"), choices=Signal.Kind.choices, widget=forms.RadioSelect)
    horizon = forms.ChoiceField(
        label=_("Time horizon"),
        choices=Signal.Horizon.choices,
        widget=forms.RadioSelect,
        help_text=_("When it may start to matter for the schools."),
    )
    focus_areas = OrgMultipleChoiceField(
        label=_("Focus areas"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["focus_areas"].queryset = FocusArea.objects.order_by("position", "name")

    def clean_title(self) -> str:
        title = one_line(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Write a title."))
        return title

    @classmethod
    def initial_for(cls, signal: Signal) -> dict[str, Any]:
        return {
            "title": signal.title,
            "url": signal.url,
            "summary": signal.summary,
            "kind": signal.kind,
            "horizon": signal.horizon,
            "focus_areas": [area.pk for area in signal.focus_areas.all()],
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        help_text=_("Write @ and a member's name (for example @Karin Lindqvist) or e-mail "
                    "address to notify them. Markdown: **bold**, lists, links."),
        widget=forms.Textarea(attrs={"rows": 4}),
        # A blank comment (spaces only too: the field strips them) is "required"'s case.
        error_messages={"required": _("Write a comment.")},
    )  # fmt: skip


class RatingForm(forms.Form):
    relevance = forms.TypedChoiceField(
        label=_("Relevance for us"),
        coerce=int,
        choices=list(SCALE_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how relevant the signal is, from 1 to 5.")},
    )
    impact = forms.TypedChoiceField(
        label=_("Impact if it happens"),
        coerce=int,
        choices=list(SCALE_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how great its impact would be, from 1 to 5.")},
    )


class StateForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=Signal.State.choices)


def _within(units: list[OrgUnit] | None, field: str = "unit__path") -> Q:
    """Rows whose unit lies in one of `units` (None: everywhere)."""
    if units is None:
        return Q()
    within = Q(pk__in=[])
    for unit in units:
        within |= Q(**{f"{field}__startswith": unit.path})
    return within


class GoalChoiceField(OrgChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.unit.name})"


class LinkGoalForm(forms.Form):
    """A goal of the units where the person may change goals, matching the search."""

    goal = GoalChoiceField(label=_("The goal"), queryset=None, empty_label=None,
                           widget=forms.RadioSelect)  # fmt: skip

    def __init__(
        self, *args: Any, units: list[OrgUnit] | None, query: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["goal"].queryset = Goal.objects.select_related("unit")
        candidates = (
            Goal.objects.exclude(status=Goal.Status.CLOSED)
            .filter(_within(units))
            .select_related("unit")
            .order_by("unit__path", "title", "id")
        )
        if query:
            candidates = candidates.filter(title__icontains=query)
        self.candidates = list(candidates[: CHOICES_SHOWN + 1])
        self.more = len(self.candidates) > CHOICES_SHOWN
        fields["goal"].choices = [
            (g.pk, f"{g.title} ({g.unit.name})") for g in self.candidates[:CHOICES_SHOWN]
        ]


class VersionChoiceField(OrgChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(
            _("%(title)s (version %(number)s, %(status)s)")
            % {"title": obj.title, "number": obj.number, "status": obj.get_status_display()}
        )


class LinkTargetForm(forms.Form):
    target_vision = VersionChoiceField(
        label=_("Version of the målbild"), queryset=None, empty_label=None,
        widget=forms.RadioSelect,
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        versions: QuerySet[TargetVision] = TargetVision.objects.exclude(
            status=TargetVision.Status.SUPERSEDED
        ).order_by("-number")
        fields["target_vision"].queryset = versions


class LinkActivityForm(forms.Form):
    activity = GoalChoiceField(
        label=_("The activity"), queryset=None, empty_label=None,
        widget=forms.RadioSelect,
    )  # fmt: skip

    def __init__(
        self, *args: Any, units: list[OrgUnit] | None, query: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["activity"].queryset = Activity.objects.select_related("unit")
        candidates = (
            Activity.objects.filter(_within(units))
            .exclude(status=Activity.Status.CANCELLED)
            .select_related("unit")
            .order_by("unit__path", "title", "id")
        )
        if query:
            candidates = candidates.filter(title__icontains=query)
        self.candidates = list(candidates[: CHOICES_SHOWN + 1])
        self.more = len(self.candidates) > CHOICES_SHOWN
        fields["activity"].choices = [
            (a.pk, f"{a.title} ({a.unit.name})") for a in self.candidates[:CHOICES_SHOWN]
        ]


class SourceForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("What people will see, for example Skolverket: nyheter."),
    )
    url = forms.URLField(
        label=_("Feed address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The address of the RSS or Atom feed, usually ending in /rss, /feed or .xml."),
        error_messages={"invalid": _("Give a web address that starts with https:// or http://.")},
    )

    def clean_name(self) -> str:
        name = one_line(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("Write a name."))
        return name

    def clean_url(self) -> str:
        url = self.cleaned_data["url"].strip()
        if not url.lower().startswith(("https://", "http://")):
            raise forms.ValidationError(
                _("Give a web address that starts with https:// or http://.")
            )
        if FeedSource.objects.filter(url=url).exists():
            raise forms.ValidationError(_("This feed is already one of the sources."))
        return url
