import pytest
from django import forms

from malbild.assessments.forms import (
    LEVEL_CHOICES,
    AnswerForm,
    CheckboxInput,
    RadioSelect,
    Textarea,
)


class Both(forms.Form):
    django = forms.ChoiceField(choices=LEVEL_CHOICES, required=False, widget=forms.RadioSelect)
    ours = forms.ChoiceField(choices=LEVEL_CHOICES, required=False, widget=RadioSelect)
    django_required = forms.ChoiceField(choices=LEVEL_CHOICES, widget=forms.RadioSelect)
    ours_required = forms.ChoiceField(choices=LEVEL_CHOICES, widget=RadioSelect)


@pytest.mark.parametrize("chosen", ["3", "na", "<script>", None])
def test_the_answer_options_are_the_same_html_as_djangos_radio_buttons(chosen):
    form = Both(prefix="s7", initial=dict.fromkeys(Both.base_fields, chosen))
    for theirs, ours in (("django", "ours"), ("django_required", "ours_required")):
        expected = [str(radio.tag()).replace(theirs, ours) for radio in form[theirs]]
        assert [str(radio.tag()) for radio in form[ours]] == expected
        assert str(form[ours]) == str(form[theirs]).replace(theirs, ours)
    assert sum(" checked" in str(r.tag()) for r in form["ours"]) == (chosen in {"3", "na"})


class Boxes(forms.Form):
    django = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    ours = forms.CharField(required=False, widget=Textarea(attrs={"rows": 2}))
    django_required = forms.CharField(max_length=20, widget=forms.Textarea)
    ours_required = forms.CharField(max_length=20, widget=Textarea)
    django_check = forms.BooleanField(required=False)
    ours_check = forms.BooleanField(required=False, widget=CheckboxInput)
    django_check_required = forms.BooleanField(widget=forms.CheckboxInput(attrs={"x": "<"}))
    ours_check_required = forms.BooleanField(widget=CheckboxInput(attrs={"x": "<"}))


@pytest.mark.parametrize(
    "given", ["", "Ett svar", '<script>alert("x")</script> & å', "två\nrader", True, False, None]
)
@pytest.mark.parametrize("bound", [False, True])
def test_the_comment_box_and_checkbox_are_the_same_html_as_djangos(given, bound):
    if bound:
        data = {name: given for name in Boxes.base_fields if given not in (None, False)}
        form = Boxes(data, prefix="s7")
        form.is_valid()  # errors add aria-invalid: compared too
    else:
        form = Boxes(prefix="s7", initial=dict.fromkeys(Boxes.base_fields, given))
    for theirs in ("django", "django_required", "django_check", "django_check_required"):
        ours = theirs.replace("django", "ours")
        assert str(form[ours]) == str(form[theirs]).replace(theirs, ours)


def test_the_answer_form_uses_them():
    assert isinstance(AnswerForm.base_fields["level"].widget, RadioSelect)
    assert isinstance(AnswerForm.base_fields["comment"].widget, Textarea)
    assert isinstance(AnswerForm.base_fields["comment_named"].widget, CheckboxInput)
