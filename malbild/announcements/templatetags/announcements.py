"""The news that concerns the person, for the organisation's start page (one query)."""

from typing import Any

from django import template

from malbild.announcements import services
from malbild.announcements.access import concerning

register = template.Library()
SHOWN = 5


@register.inclusion_tag("announcements/_for_you.html", takes_context=True)
def news_for_you(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    items = list(
        services.published()
        .filter(concerning(request.access.memberships))
        .select_related("unit")[:SHOWN]
    )
    return {"request": request, "items": items, "organisation": request.organisation}
