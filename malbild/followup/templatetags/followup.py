"""Template helpers of follow-up: a period's state on a given day, and the follow-up of the
målbild's investments shown under the investments on the målbild page."""

from collections import defaultdict
from datetime import date
from typing import Any

from django import template

from malbild.followup.models import InvestmentFollowUp, Period

register = template.Library()


@register.filter
def period_state(period: Period, today: date) -> str:
    """`{{ period|period_state:today }}`: upcoming, open or closed."""
    return period.state(today)


@register.filter
def period_state_label(period: Period, today: date) -> str:
    return period.state_label(today)


@register.inclusion_tag("followup/_investments.html", takes_context=True)
def investments_followed_up(context: dict[str, Any], investments: list[Any]) -> dict[str, Any]:
    """What each investment spent and achieved, period by period (one query for them all)."""
    by_investment: dict[int, list[InvestmentFollowUp]] = defaultdict(list)
    if investments:
        rows = (
            InvestmentFollowUp.objects.filter(investment__in=[i.pk for i in investments])
            .select_related("period")
            .order_by("-period__starts_on", "id")
        )
        for row in rows:
            by_investment[row.investment_id].append(row)
    return {
        "request": context["request"],
        "rows": [(i, by_investment[i.pk]) for i in investments if by_investment[i.pk]],
    }
