"""Read-only questions other parts of Målbild ask about action plans (the follow-up, for one)."""

from django.db.models import QuerySet

from malbild.goals.models import Goal
from malbild.plans.models import Activity
from malbild.tenants.models import OrgUnit


def activities_serving(goal: Goal, unit: OrgUnit, *, below: bool = False) -> QuerySet[Activity]:
    """The activities of `unit` (with `below`, also of the units under it) that serve `goal`,
    in the order of the action plan. A lazy queryset on the scoped manager: run it inside the
    organisation's scope; add `select_related`/`prefetch_related` as the page needs."""
    activities = Activity.objects.filter(goals=goal)
    if below:
        activities = activities.filter(unit__path__startswith=unit.path)
    else:
        activities = activities.filter(unit=unit)
    return activities.order_by("starts_on", "title", "id")
