from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def measure(value: Decimal | None) -> str:
    """`{{ value|measure }}`: a stored value as people write it in the current language, without
    trailing zeros ("12,5" in Swedish, "12.5" in English); empty for no value."""
    if value is None:
        return ""
    whole = value == value.to_integral_value()
    return number_format(value.quantize(Decimal(1)) if whole else value.normalize(), use_l10n=True)
