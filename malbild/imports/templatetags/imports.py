from typing import Any

from django import template

register = template.Library()


@register.filter
def year_value(values: dict[int, Any], year: int) -> Any:
    """The value of `year`, None when Kolada says it is missing, "absent" when there is none."""
    return values.get(year, "absent")
