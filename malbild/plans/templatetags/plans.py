from typing import Any

from django import template

from malbild.goals.models import Goal
from malbild.plans.views import context_for_goal

register = template.Library()
SHOWN = 20


@register.inclusion_tag("plans/_goal_activities.html", takes_context=True)
def activities_serving(context: dict[str, Any], goal: Goal) -> dict[str, Any]:
    """`{% activities_serving goal %}`: the goal page's section on the activities that serve it
    (two queries), with a link to plan one where the person may."""
    request = context["request"]
    return {"request": request, "goal": goal, **context_for_goal(request, goal, SHOWN)}
