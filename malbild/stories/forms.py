"""Forms of the stories app. Constructors take `organisation=` and build scoped choices."""

from typing import Any

from django import forms
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from malbild.lib.spam import SpamGuardForm
from malbild.stories import images
from malbild.stories.images import ACCEPT, MAX_IMAGE_MB
from malbild.stories.models import ConsentBy, Story
from malbild.tenants.forms import UnitChoiceField, active_units
from malbild.tenants.models import CONSENT_AGE_MAX, CONSENT_AGE_MIN, Organisation, OrgUnit, within


def _strip(value: str) -> str:
    return (value or "").strip()


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.unit.name}: {obj.title}"


class StoryForm(forms.Form):
    title = forms.CharField(label=capfirst(_("headline")), max_length=200)
    summary = forms.CharField(
        label=capfirst(_("summary")),
        max_length=300,
        required=False,
        help_text=_("One or two sentences, shown in lists, feeds and when the page is shared."),
    )
    body = forms.CharField(
        label=capfirst(_("story")),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text=_("What happened and what it meant. Markdown: **bold**, lists, links."),
    )
    unit = UnitChoiceField(
        label=capfirst(_("unit")),
        queryset=None,
        required=False,
        empty_label=_("The whole organisation"),
        help_text=_("The school or preschool the story is about; its leaders approve it."),
    )
    goals = GoalChoiceField(
        label=capfirst(_("goals")),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("The goals the success brings closer. Hold Ctrl (⌘ on a Mac) to pick several."),
    )
    values: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=capfirst(_("values")),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The values of the platform the story shows in practice."),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, subtrees: list[OrgUnit] | None, **kwargs: Any
    ) -> None:
        from malbild.goals.models import Goal
        from malbild.platforms.models import Value

        super().__init__(*args, **kwargs)
        units = active_units(organisation)
        if subtrees is not None:
            units = units.filter(within(subtrees))
            self.fields["unit"].required = True
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)  # noqa: S101  (for mypy)
        unit_field.queryset = units
        goal_field = self.fields["goals"]
        assert isinstance(goal_field, forms.ModelMultipleChoiceField)  # noqa: S101
        goal_field.queryset = (
            Goal.objects.filter(status__in=[Goal.Status.ACTIVE, Goal.Status.CLOSED])
            .select_related("unit")
            .order_by("unit__path", "title")
        )
        value_field = self.fields["values"]
        assert isinstance(value_field, forms.ModelMultipleChoiceField)  # noqa: S101
        value_field.queryset = Value.objects.filter(retired_at__isnull=True)

    def clean_title(self) -> str:
        title = _strip(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Give the story a headline."))
        return title

    def clean_summary(self) -> str:
        return _strip(self.cleaned_data["summary"])

    def clean_body(self) -> str:
        return _strip(self.cleaned_data["body"])

    @staticmethod
    def initial_for(story: Story) -> dict[str, Any]:
        return {
            "title": story.title,
            "summary": story.summary,
            "body": story.body,
            "unit": story.unit_id,
            "goals": [g.pk for g in story.goals.all()],
            "values": [v.pk for v in story.values.all()],
        }


def consent_help(age: int) -> str:
    return _(
        "A pupil aged %(age)s or over consents for themselves; for a younger pupil, a guardian "
        "consents."
    ) % {"age": age}


def consent_choices(age: int) -> list[tuple[str, str]]:
    """Who may consent, with the organisation's age of consent in the pupil's choice."""
    return [
        (ConsentBy.PUPIL, _("The pupil (aged %(age)s or over)") % {"age": age}),
        (ConsentBy.GUARDIAN, str(capfirst(ConsentBy.GUARDIAN.label))),
    ]


class QuoteForm(forms.Form):
    text = forms.CharField(
        label=capfirst(_("quote")), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    speaker = forms.CharField(
        label=capfirst(_("who said it")),
        max_length=100,
        required=False,
        help_text=_("As it should be shown, without a full name: for example “Pupil in year 5”."),
    )
    consent_by = forms.ChoiceField(
        label=_("Who gave consent to publish the quote?"),
        choices=ConsentBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say who gave consent to publish the quote.")},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["consent_by"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = consent_choices(organisation.consent_age)
        field.help_text = consent_help(organisation.consent_age)

    def clean_text(self) -> str:
        text = _strip(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Write the pupil's words."))
        return text

    def clean_speaker(self) -> str:
        return _strip(self.cleaned_data["speaker"])


class ImageForm(forms.Form):
    image = forms.FileField(
        label=capfirst(_("image")),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=format_lazy(_("A PNG, JPEG or WebP image of at most {mb} MB."), mb=MAX_IMAGE_MB),
        error_messages={"required": _("Choose an image to upload.")},
    )
    alt_text = forms.CharField(
        label=capfirst(_("description of the image")),
        max_length=300,
        help_text=_("What the picture shows, for those who cannot see it."),
        error_messages={"required": _("Describe the image for those who cannot see it.")},
    )
    shows_pupil = forms.BooleanField(label=_("The image shows a pupil"), required=False)
    consent_by = forms.ChoiceField(
        label=_("If so, who gave consent to publish it?"),
        choices=[("", _("No pupil is shown")), *ConsentBy.choices],
        required=False,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["consent_by"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [("", _("No pupil is shown")), *consent_choices(organisation.consent_age)]
        field.help_text = consent_help(organisation.consent_age)

    def clean_alt_text(self) -> str:
        text = _strip(self.cleaned_data["alt_text"])
        if not text:
            raise forms.ValidationError(_("Describe the image for those who cannot see it."))
        return text

    def clean_image(self) -> Any:
        """The picture decoded and written anew, with no metadata left (stories.images)."""
        try:
            return images.clean(self.cleaned_data["image"])
        except forms.ValidationError as e:
            raise forms.ValidationError(e.messages) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("shows_pupil") and not data.get("consent_by"):
            self.add_error(
                "consent_by", _("A picture that shows a pupil needs consent. Say who gave it.")
            )
        return data


class ConsentAgeForm(forms.Form):
    consent_age = forms.IntegerField(
        label=_("Age of consent"),
        min_value=CONSENT_AGE_MIN,
        max_value=CONSENT_AGE_MAX,
        help_text=format_lazy(
            _(
                "From this age a pupil consents for themselves to the publishing of their words "
                "or picture; below it, a guardian consents. From {min} to {max}; 16 unless you "
                "decide otherwise."
            ),
            min=CONSENT_AGE_MIN,
            max=CONSENT_AGE_MAX,
        ),
        error_messages={
            "required": _("Give the age of consent."),
            "invalid": _("Give the age as a whole number of years, for example 16."),
            "min_value": format_lazy(
                _("Give an age from {min} to {max}."), min=CONSENT_AGE_MIN, max=CONSENT_AGE_MAX
            ),
            "max_value": format_lazy(
                _("Give an age from {min} to {max}."), min=CONSENT_AGE_MIN, max=CONSENT_AGE_MAX
            ),
        },
    )


# The public form ----------------------------------------------------------------------------------


class StorySubmitForm(SpamGuardForm):
    consent_by = forms.ChoiceField(
        label=_("Who are you?"),
        choices=ConsentBy.choices,  # with the organisation's age of consent in __init__
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you are a pupil or a guardian.")},
    )
    title = forms.CharField(
        label=_("What went well, in a few words?"),
        max_length=200,
        error_messages={"required": _("Give your story a headline.")},
    )
    text = forms.CharField(
        label=_("Tell us about it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("In your own words. Do not write other people's names."),
        error_messages={"required": _("Write what you experienced.")},
    )
    speaker = forms.CharField(
        label=_("How should we present you?"),
        max_length=100,
        required=False,
        help_text=_("Without your name, for example “Pupil in year 9” or “Parent at Åsen”."),
    )
    unit = UnitChoiceField(
        label=_("Which school or preschool?"),
        queryset=None,
        required=False,
        empty_label=_("Not a particular one"),
    )
    image = forms.FileField(
        label=_("A picture (if you like)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
        help_text=format_lazy(
            _("A PNG, JPEG or WebP image of at most {mb} MB. Only pictures you may share."),
            mb=MAX_IMAGE_MB,
        ),
    )
    alt_text = forms.CharField(
        label=_("What the picture shows"),
        max_length=300,
        required=False,
        help_text=_("A short description for those who cannot see it. Needed with a picture."),
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that the organisation may publish my words, and my picture if I send one, "
            "on its public pages. I can ask for them to be removed at any time."
        ),
        error_messages={"required": _("We can only publish your words if you agree to it.")},
    )

    field_order = [
        "consent_by", "title", "text", "speaker", "unit", "image", "alt_text", "consent", "website",
    ]  # fmt: skip

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, UnitChoiceField)  # noqa: S101
        unit_field.queryset = active_units(organisation).filter(
            kind__in=[OrgUnit.Kind.SCHOOL, OrgUnit.Kind.PRESCHOOL]
        )
        age = organisation.consent_age
        who = self.fields["consent_by"]
        assert isinstance(who, forms.ChoiceField)  # noqa: S101
        who.choices = [
            (ConsentBy.PUPIL, _("A pupil aged %(age)s or over") % {"age": age}),
            (
                ConsentBy.GUARDIAN,
                _("A guardian (for a pupil under %(age)s, a guardian sends it)") % {"age": age},
            ),
        ]

    def clean_title(self) -> str:
        title = _strip(self.cleaned_data["title"])
        if not title:
            raise forms.ValidationError(_("Give your story a headline."))
        return title

    def clean_text(self) -> str:
        text = _strip(self.cleaned_data["text"])
        if not text:
            raise forms.ValidationError(_("Write what you experienced."))
        return text

    def clean_speaker(self) -> str:
        return _strip(self.cleaned_data["speaker"])

    def clean_image(self) -> Any:
        """The picture decoded and written anew, with no metadata left (stories.images)."""
        upload = self.cleaned_data["image"]
        if not upload:
            return upload
        try:
            return images.clean(upload)
        except forms.ValidationError as e:
            raise forms.ValidationError(e.messages) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["alt_text"] = _strip(data.get("alt_text", ""))
        if data.get("image") and not data["alt_text"]:
            self.add_error("alt_text", _("Describe the picture for those who cannot see it."))
        return data
