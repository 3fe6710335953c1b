"""Radio buttons offer only real choices (issue 24): Django's blank choice ("---------") has no
place among them. A select's blank reads "Välj …" (templates/django/forms/widgets); a radio
button with that label would make no sense, so a field shown as radio buttons has none at all,
and where "none" is a real answer it is a choice of its own with a Swedish label."""

import importlib
import inspect
import pkgutil

from django import forms

import malbild


def radio_fields():
    """Every field shown as radio buttons in the apps' forms, as declared on the class."""
    for info in pkgutil.iter_modules(malbild.__path__):
        try:
            module = importlib.import_module(f"malbild.{info.name}.forms")
        except ModuleNotFoundError:
            continue
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            declared: dict[str, forms.Field] = getattr(cls, "base_fields", {})
            for field_name, field in declared.items():
                if isinstance(field.widget, forms.RadioSelect):
                    yield f"{module.__name__}.{name}.{field_name}", field


def blank_choice(field):
    if isinstance(field, forms.ModelChoiceField):
        return field.empty_label is not None
    return any(value in ("", None) for value, _label in field.choices)


def test_the_apps_have_radio_buttons_to_check():
    assert len(list(radio_fields())) >= 15


def test_no_radio_button_is_an_empty_choice():
    assert [name for name, field in radio_fields() if blank_choice(field)] == []


def test_the_check_finds_a_blank_among_radio_buttons():
    with_blank = forms.ChoiceField(
        choices=[("", "---------"), ("a", "A")], widget=forms.RadioSelect
    )
    model_blank: forms.Field = forms.ModelChoiceField(
        queryset=None, widget=forms.RadioSelect, blank=True
    )
    assert blank_choice(with_blank)
    assert blank_choice(model_blank)
    assert not blank_choice(forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect))
