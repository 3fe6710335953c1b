"""Plain Swedish (issue 24): no technical words in the main text, Swedish short dates, date
fields that say how to write a date, no "---------" as an empty choice and no "— —" in lists of
units."""

import re
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext, pgettext

from malbild.followup.forms import PeriodForm
from malbild.tenants.forms import UnitChoiceField

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_short_dates_are_written_the_swedish_way():
    with translation.override("sv"):
        written = [formats.date_format(date(2026, m, 6), "j N Y") for m in (1, 5, 9, 12)]
    assert written == ["6 jan. 2026", "6 maj 2026", "6 sept. 2026", "6 dec. 2026"]


def test_no_template_writes_english_style_month_abbreviations():
    # "j M Y" gives "6 dec 2026" in Swedish and "6 Dec 2026" in English; "j N Y" is the short date.
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.*")
        if re.search(r'\|date:"[^"]*\bM\b', path.read_text(encoding="utf-8"))
        and path.name != "_timeline.html"  # a month's name alone over a column of the timeline
    ]
    assert offenders == []


def test_the_empty_choice_of_a_list_says_choose():
    class Form(forms.Form):
        kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])

    with translation.override("sv"):
        html = str(Form()["kind"])
    assert "---------" not in html
    assert '<option value="" selected>Välj …</option>' in html


@pytest.mark.django_db
def test_units_in_a_list_are_indented_without_dashes(cast):
    field = UnitChoiceField(queryset=None)
    assert field.label_from_instance(cast.team) == "\u00a0" * 12 + "Arbetslag F-3"
    assert "—" not in field.label_from_instance(cast.school)


def test_a_date_field_says_how_to_write_the_date():
    with translation.override("sv"):
        html = render_to_string("includes/field.html", {"field": PeriodForm()["starts_on"]})
    label = html.split("<label")[1].split("</label>")[0]
    assert "åååå-mm-dd, till exempel 2026-12-06" in label


@pytest.mark.parametrize(
    ("msgid", "plain"),
    [
        ("Markdown: **bold**, lists, links.", "Formatering: **fetstil**, listor, länkar."),
        ("Atom feed: %(feed)s", "Prenumerera: %(feed)s"),
        ("Your feeds and e-mail", "Prenumerera och e-post"),
        ("All (T)", "Alla"),
        ("Girls and women (K)", "Flickor och kvinnor"),
        ("Boys and men (M)", "Pojkar och män"),
    ],
)
def test_the_main_text_uses_no_technical_words(msgid, plain):
    with translation.override("sv"):
        assert gettext(msgid) == plain


def test_the_lifecycle_of_a_goal_is_its_lage():
    with translation.override("sv"):
        assert pgettext("goal lifecycle", "Stage") == "Läge"


def test_no_swedish_help_text_says_markdown():
    # A help text says how to format ("Formatering: **fetstil** …"), not what the syntax is
    # called; only the practices' import page names the file format it reads (.md files).
    catalogue = Path(__file__).resolve().parents[1] / "locale/sv/LC_MESSAGES/django.po"
    entries = catalogue.read_text(encoding="utf-8").split("\n\n")
    offenders = []
    for entry in entries:
        msgstr = entry.split("\nmsgstr ", 1)[-1] if "\nmsgstr " in entry else ""
        if (
            "Markdown" in msgstr
            and "templates/practices/import.html" not in entry
            and ("(.md)" not in msgstr)
        ):
            offenders.append(msgstr)
    assert offenders == []
    with translation.override("sv"):
        assert gettext("What happened and what it meant. Markdown: **bold**, lists, links.") == (
            "Vad som hände och vad det betydde. Formatering: **fetstil**, listor, länkar."
        )
