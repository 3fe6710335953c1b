"""What the pupils say on a dashboard: the latest term's results (one query; nothing when there
is nothing to show). On a goal's page it is a panel (`views.pupil_voice_panel`)."""

from typing import Any

from django import template

from malbild.surveys import results

register = template.Library()


@register.inclusion_tag("surveys/_dashboard.html", takes_context=True)
def pupil_summary(
    context: dict[str, Any], unit: Any = None, picture: results.Overview | None = None
) -> dict[str, Any]:
    """The latest term's share who agree per statement in `unit`'s subtree (None: the whole
    organisation), with the change since the term before (one query; none when the view read
    `picture` already, as `results.summary(unit)`)."""
    return {
        "picture": results.summary(unit) if picture is None else picture,
        "unit": unit,
        "organisation": context.get("organisation"),
    }
