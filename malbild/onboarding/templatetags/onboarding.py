"""The getting-started box on the start page: `{% load onboarding %}{% getting_started %}`.

Shown to the organisation's administrators until every step is done or they put it away, and
then only a link to the checklist. One query for them, none for anyone else."""

from typing import Any

from django import template

from malbild.onboarding import checklist

register = template.Library()


@register.inclusion_tag("onboarding/_box.html", takes_context=True)
def getting_started(context: Any) -> dict[str, Any]:
    request = context.get("request")
    access = getattr(request, "access", None)
    if access is None or not access.can("can_set_up_organisation"):
        return {"show": False}
    return {"show": True, "status": checklist.status(access.organisation), "request": request}
