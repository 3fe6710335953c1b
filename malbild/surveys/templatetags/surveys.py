"""What the pupils say, on other apps' pages: a goal measured by a survey statement, and the
latest term's results on a dashboard. Each tag is one query and renders nothing when there is
nothing to show."""

from typing import Any

from django import template
from django.db.models import OuterRef, Subquery

from malbild.indicators.models import Measurement
from malbild.surveys import results
from malbild.surveys.models import IndicatorLink

register = template.Library()


@register.inclusion_tag("surveys/_goal_voice.html", takes_context=True)
def pupil_voice(context: dict[str, Any], goal: Any) -> dict[str, Any]:
    """The statements that measure the goal's indicators, with the latest value for the goal's
    unit: "72 % of the pupils agree that …" (one query)."""
    latest = Measurement.objects.filter(
        indicator=OuterRef("indicator"),
        org_unit_id=goal.unit_id,
        gender=Measurement.Gender.ALL,
        value__isnull=False,
    ).order_by("-position")
    links = list(
        IndicatorLink.objects.filter(indicator__goal_links__goal=goal)
        .select_related("indicator")
        .annotate(
            value=Subquery(latest.values("value")[:1]),
            period=Subquery(latest.values("period")[:1]),
        )
        .order_by("statement_key")
    )
    labels = results.statement_labels()
    rows = [
        {"link": link, "text": results._label(link.statement_key)[1]}
        for link in links
        if link.statement_key in labels
    ]
    request = context.get("request")
    organisation = getattr(request, "organisation", None) or goal.organisation
    return {"rows": rows, "goal": goal, "slug": organisation.slug}


@register.inclusion_tag("surveys/_dashboard.html", takes_context=True)
def pupil_summary(context: dict[str, Any], unit: Any = None) -> dict[str, Any]:
    """The latest term's share who agree per statement in `unit`'s subtree (None: the whole
    organisation), with the change since the term before (one query)."""
    return {
        "picture": results.summary(unit),
        "unit": unit,
        "organisation": context.get("organisation"),
    }
