import pytest
from django import forms

from malbild.assessments.forms import LEVEL_CHOICES, AnswerForm, RadioSelect


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


def test_the_answer_form_uses_them():
    assert isinstance(AnswerForm.base_fields["level"].widget, RadioSelect)
