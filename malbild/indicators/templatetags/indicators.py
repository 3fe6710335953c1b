from decimal import Decimal
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from malbild.indicators.progress import Light

register = template.Library()


@register.filter
def measure(value: Decimal | None) -> str:
    """`{{ value|measure }}`: a stored value as people write it in the current language, without
    trailing zeros ("12,5" in Swedish, "12.5" in English); empty for no value."""
    if value is None:
        return ""
    whole = value == value.to_integral_value()
    return number_format(value.quantize(Decimal(1)) if whole else value.normalize(), use_l10n=True)


# A light's shape, so that it is never told by colour alone (no data: an empty circle).
SHAPES = {Light.ON_TRACK: "●", Light.AT_RISK: "▲", Light.OFF_TRACK: "■"}
# The newline each of these marks ended with when it was an included template file: kept, so
# that the pages stay the same to the byte.
END = "\n"


def translated(message: str) -> SafeString:
    """A message of our catalogue, unescaped as `{% translate %}` leaves it ("The lead's
    assessment:" keeps its apostrophe)."""
    return mark_safe(message)  # noqa: S308


@register.simple_tag
def light(value: str | None, label: object) -> SafeString:
    """`{% light goal.light goal.get_light_display %}`: a traffic light, a shape hidden from
    screen readers and its label in words. Written here, not as an included template: the
    dashboards and the goal page show dozens, and each include cost a template render."""
    return format_html(
        '<span class="light light--{}"><span class="light__shape" aria-hidden="true">{}</span>'
        " {}</span>{}",
        value,
        SHAPES.get(value, "○"),  # type: ignore[call-overload]
        label,
        END,
    )


@register.simple_tag
def progress(value: Decimal | float | None) -> SafeString:
    """`{% progress goal.progress %}`: stored progress in per cent with one decimal, or a dash
    said in words."""
    if value is None:
        return format_html(
            '<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>{}',
            translated(_("no progress yet")),
            END,
        )
    return format_html('<span class="nowrap">{} %</span>{}', floatformat(value, "1"), END)


@register.simple_tag
def voices(goal: Any) -> SafeString:
    """`{% voices goal %}`: a goal's status in its two voices, the measured light and beside it
    the lead's assessment in the latest report marked ready when the two differ."""
    measured = light(goal.light, goal.get_light_display())
    if not goal.voices_differ:
        return measured
    return format_html(
        '<span class="voices"><span class="voice">{} {}</span><span class="voices__sep" '
        'aria-hidden="true"> · </span><span class="voice">{} {}</span></span>',
        translated(_("Measured:")),
        measured,
        translated(_("The lead's assessment:")),
        light(goal.assessed_light, goal.get_assessed_light_display()),
    )
