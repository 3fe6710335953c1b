"""The answer page writes each statement's fieldset in Python (`assessments.forms.fieldset`):
it must be the HTML that the template it replaced wrote from the form's widgets, kept here."""

from types import SimpleNamespace

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from malbild.assessments.forms import AnswerForm, fieldset
from malbild.assessments.models import Answer, Statement

# The answer page's template before, as it was (assessments/answer.html).
BEFORE = engines["django"].from_string("""{% load i18n partials %}
{% partialdef saved %}{% if saved %}<span aria-hidden="true">✓</span> {% translate "Saved." %}{% elif error %}<span class="field-error"><span aria-hidden="true">!</span> {{ error }}</span>{% endif %}{% if swap %}
<div id="status" class="visually-hidden" role="status" aria-live="polite" hx-swap-oob="true">{% if saved %}{% blocktranslate trimmed with key=form.statement.key %}Statement {{ key }} saved.{% endblocktranslate %}{% else %}{{ error }}{% endif %}</div>{% endif %}{% endpartialdef %}
{% partialdef statement %}{% with s=form.statement %}
<fieldset class="statement{% if form.errors %} field--error{% endif %}" id="statement-{{ s.pk }}" hx-post="{% url 'assessments:answer_statement' request.organisation.slug round.pk s.pk %}" hx-trigger="change" hx-target="#saved-{{ s.pk }}" hx-swap="innerHTML">
  <legend><span class="statement__key">{{ s.key }}</span> {{ s.label }}</legend>
  {% if s.tags %}<p class="statement__tags">{% for tag in s.tag_labels %}<span class="tag">{{ tag }}</span> {% endfor %}</p>{% endif %}
  {% if form.level.errors %}<p class="field-error" id="{{ form.level.auto_id }}_error"><span class="visually-hidden">{% translate "Error:" %}</span> {{ form.level.errors|join:" " }}</p>{% endif %}
  <div class="scale">
    {% for radio in form.level %}<label for="{{ radio.id_for_label }}" class="scale__choice">{{ radio.tag }} {{ radio.choice_label|capfirst }}</label>{% endfor %}
  </div>
  <div class="field">
    <label for="{{ form.comment.id_for_label }}">{% translate "Comment" %} <span class="optional">({% translate "optional" %})</span></label>
    {{ form.comment }}
  </div>
  <div class="checkbox"><label for="{{ form.comment_named.id_for_label }}">{{ form.comment_named }} {% translate "Show my name with the comment" %}</label></div>
  <p class="statement__saved" id="saved-{{ s.pk }}">{% partial saved %}</p>
</fieldset>
{% endwith %}{% endpartialdef %}{% for form in forms %}{% partial statement %}{% endfor %}""")  # noqa: E501

NASTY = """<script>alert("x & 'y'")</script>"""
STATEMENTS = [
    Statement(pk=7, key="L1", text_sv="Ledningen har en plan.", text_en="The lead has a plan.",
              tags=["preschool", "privacy"]),
    Statement(pk=12, key=f"K{NASTY}"[:10], text_sv=f"Lärarna {NASTY}", text_en=f"Teachers {NASTY}",
              tags=["unknown"]),
    Statement(pk=130, key="A3", text_sv="Eleverna", text_en="", tags=[]),
]  # fmt: skip
ANSWERS = [
    None,
    Answer(level=3, comment=NASTY, comment_named=True),
    Answer(level=None, comment="två\nrader", comment_named=False),
    Answer(level=0, comment="", comment_named=False),
]
SENT = [
    {},
    {"level": "4"},
    {"level": "na", "comment": NASTY, "comment_named": "on"},
    {"comment": NASTY},  # a comment without an answer: an error
    {"level": NASTY},  # not a choice: an error that repeats the value
    {"level": "2", "comment": "x" * 2001},  # too long: an error the page does not show
    {"level": "1", "comment_named": "on"},
    {"comment_named": "on"},
]
ROUND = 45


def before(forms):
    context = {
        "forms": forms,
        "request": SimpleNamespace(organisation=SimpleNamespace(slug="mittkoping")),
        "round": SimpleNamespace(pk=ROUND),
    }
    rendered = BEFORE.render(context)
    assert rendered.startswith("\n\n\n<fieldset")  # the lines of {% load %} and the partials
    return rendered[2:]


def url(statement):
    return reverse("assessments:answer_statement", args=["mittkoping", ROUND, statement.pk])


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("answer", ANSWERS)
def test_a_statement_with_its_saved_answer_is_the_html_of_before(language, answer):
    with translation.override(language):
        initial = AnswerForm.initial_for(answer)
        expected = before([AnswerForm(statement=s, initial=initial) for s in STATEMENTS])
        written = "".join(fieldset(s, url(s), **initial) for s in STATEMENTS)
    assert written == expected


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("sent", SENT)
def test_a_statement_sent_back_with_its_errors_is_the_html_of_before(language, sent):
    with translation.override(language):
        forms = []
        for statement in STATEMENTS:
            data = {f"s{statement.pk}-{name}": value for name, value in sent.items()}
            form = AnswerForm(data, statement=statement)
            form.is_valid()
            forms.append(form)
        expected = before(forms)
        written = "".join(form.fieldset(url(form.statement)) for form in forms)
    assert written == expected


def test_it_escapes_what_people_wrote():
    statement = STATEMENTS[1]
    written = fieldset(statement, url(statement), level="3", comment=NASTY)
    assert "<script>" not in written
    assert "&lt;script&gt;alert(&quot;x &amp; &#x27;y&#x27;&quot;)&lt;/script&gt;" in written
