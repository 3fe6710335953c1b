"""Template helpers of follow-up: a period's state on a given day."""

from datetime import date

from django import template

from malbild.followup.models import Period

register = template.Library()


@register.filter
def period_state(period: Period, today: date) -> str:
    """`{{ period|period_state:today }}`: upcoming, open or closed."""
    return period.state(today)


@register.filter
def period_state_label(period: Period, today: date) -> str:
    return period.state_label(today)


@register.filter
def is_closed(period: Period, today: date) -> bool:
    """`{% if period|is_closed:today %}`: whether its deadline has passed."""
    return period.is_closed(today)
