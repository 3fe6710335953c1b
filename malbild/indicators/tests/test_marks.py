"""The traffic light, the progress and the two voices are written by template tags
(`indicators` library) instead of included templates: the same HTML as the templates gave,
byte for byte, the trailing newline of each template file included."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from malbild.goals.models import Goal


def render(source: str, **context: object) -> str:
    return Template("{% load indicators %}" + source).render(Context(context))


def test_the_two_voices_show_when_the_lead_assesses_otherwise():
    goal = Goal(light="off_track", assessed_light="at_risk")
    with translation.override("en"):
        html = render("{% voices goal %}", goal=goal)
    assert html == (
        '<span class="voices"><span class="voice">Measured: <span class="light '
        'light--off_track"><span class="light__shape" aria-hidden="true">■</span> off track'
        '</span>\n</span><span class="voices__sep" aria-hidden="true"> · </span><span '
        'class="voice">The lead\'s assessment: <span class="light light--at_risk"><span '
        'class="light__shape" aria-hidden="true">▲</span> at risk</span>\n</span></span>'
    )


def test_one_light_shows_when_the_voices_agree_or_nobody_assessed():
    expected = (
        '<span class="light light--on_track"><span class="light__shape" aria-hidden="true">●'
        "</span> on track</span>\n"
    )
    with translation.override("en"):
        for assessed in ("on_track", ""):
            goal = Goal(light="on_track", assessed_light=assessed)
            assert render("{% voices goal %}", goal=goal) == expected


def test_progress_is_written_with_one_decimal_in_the_language_or_said_missing():
    with translation.override("sv"):
        assert render("{% progress v %}", v=Decimal("12.35")) == (
            '<span class="nowrap">12,4 %</span>\n'
        )
        assert render("{% progress v %}", v=None) == (
            '<span aria-hidden="true">–</span><span class="visually-hidden">inget framsteg ännu'
            "</span>\n"
        )
    with translation.override("en"):
        assert render("{% progress v %}", v=Decimal("0")) == '<span class="nowrap">0.0 %</span>\n'


def test_a_light_escapes_what_it_is_given_and_has_a_shape_for_no_light():
    assert render("{% light light label %}", light="x<y", label="<b>&") == (
        '<span class="light light--x&lt;y"><span class="light__shape" aria-hidden="true">○'
        "</span> &lt;b&gt;&amp;</span>\n"
    )
    assert render("{% light light label %}", light="no_data", label="") == (
        '<span class="light light--no_data"><span class="light__shape" aria-hidden="true">○'
        "</span> </span>\n"
    )
