"""Public pages of the goals (`/offentlig/<org>/mal/…`, no login): the units that own goals of
the målbild in force, with their progress, and each unit's goals. Read-only and cacheable
(`lib/cacheable.py`). The apps above add to them through `goals.signals`: the news feeds in the
head (`public_feeds`) and the highlighted success stories (`public_panels`)."""

from typing import cast

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from malbild.goals import pictures, signals, trends
from malbild.goals.access import PUBLIC_STATUSES
from malbild.goals.models import Goal
from malbild.lib.cacheable import cached_render, newest
from malbild.lib.paging import paginate
from malbild.targets import services as target_services
from malbild.tenants.decorators import public_view
from malbild.tenants.models import OrgUnit
from malbild.tenants.requests import OrganisationRequest, PublicRequest


def feed_links(request: OrganisationRequest) -> list[tuple[str, str]]:
    """The feeds the apps above offer beside these pages, as (title, url)."""
    answers = signals.public_feeds.send(Goal, request=request)
    return [link for _receiver, links in answers for link in cast(list[tuple[str, str]], links)]


PUBLIC_GOALS = Q(goals__status__in=PUBLIC_STATUSES)


@require_safe
@public_view
def goals(request: PublicRequest) -> HttpResponse:
    """The units that own goals of the målbild in force, with their progress as a bar."""
    organisation = request.organisation
    target = target_services.adopted(organisation)
    units = (
        OrgUnit.objects.filter(archived_at__isnull=True)
        .annotate(
            goal_count=Count(
                "goals", filter=PUBLIC_GOALS & Q(goals__target_vision=target), distinct=True
            )
        )
        .filter(goal_count__gt=0)
        .order_by("path")
    )
    page = paginate(request, units)
    rows = list(page.object_list)
    for unit in rows:
        unit.chart = pictures.progress_bar(unit.progress, None, key=f"unit-{unit.pk}")
    panels = signals.public_panels.render(Goal, request=request)
    return cached_render(
        request,
        "goals/public/goals.html",
        {"organisation": organisation, "target": target, "page": page, "rows": rows,
         "panels": panels, "feeds": feed_links(request)},
        parts=[
            organisation.name,
            target.pk if target else None,
            target.adopted_at if target else None,
            page.paginator.count,
            *((u.pk, u.name, u.progress, u.goal_count) for u in rows),
            *(panel.html for panel in panels),
        ],
        last_modified=newest(
            target.adopted_at if target else organisation.created_at,
            *(panel.changed_at for panel in panels),
        ),
    )  # fmt: skip


@require_safe
@public_view
def unit_goals(request: PublicRequest, unit_id: int) -> HttpResponse:
    organisation = request.organisation
    unit = get_object_or_404(OrgUnit, pk=unit_id, archived_at__isnull=True)
    target = target_services.adopted(organisation)
    items = (
        Goal.objects.filter(
            unit=unit,
            target_vision=target,
            status__in=PUBLIC_STATUSES,
        )
        .select_related("focus_area", "parent", "parent__unit")
        .order_by("focus_area__position", "title", "id")
    )
    page = paginate(request, items)
    rows = list(page.object_list)
    for goal in rows:
        # The goal it breaks down, only if that one is public too: an active goal may break
        # down a draft, whose title is not the public's yet.
        parent = goal.parent
        goal.public_parent = parent if parent and parent.status in PUBLIC_STATUSES else None
        goal.chart = pictures.progress_bar(goal.progress, goal.expected, key=f"goal-{goal.pk}")
        goal.trend = trends.goal_trend(goal, key=f"trend-{goal.pk}")
    return cached_render(
        request,
        "goals/public/unit_goals.html",
        {"organisation": organisation, "unit": unit, "target": target, "page": page,
         "rows": rows, "feeds": feed_links(request)},
        parts=[
            organisation.name, unit.name, unit.progress, target.pk if target else None,
            page.paginator.count,
            *((g.pk, g.title, g.status, g.light, g.progress, g.expected, g.series, g.description,
               g.public_parent and (g.public_parent.title, g.public_parent.unit.name))
              for g in rows),
        ],
        last_modified=target.adopted_at if target else organisation.created_at,
    )  # fmt: skip
