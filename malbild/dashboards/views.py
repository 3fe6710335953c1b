"""The organisation's start page, and the dashboards: a unit's goals with progress and traffic
lights, the status of its subtree, its units below and what needs attention; the organisation's
dashboard does the same for the top unit(s) and the whole tree.

Every figure is read from the stored `progress` and `light` that `goals.progress` keeps current;
nothing is recomputed on read. Each page runs the same number of queries whatever the size of
the tree: one aggregate for the counts, one windowed query for the capped attention lists.

The dashboards are the pages everyone opens and few change, so their content is rendered once
and cached under the organisation's `data_version`, which every audited write counts up when it
commits: the first request after a change renders afresh, the others read it from the process's
memory without a query (docs/performance.md). Writes outside the services (the admin site, a
shell) show within CACHE_SECONDS.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from malbild.goals.models import Evidence, Goal
from malbild.lib.paging import PAGE_SIZE, paginate
from malbild.platforms import services as platform_services
from malbild.platforms.models import Value as PlatformValue
from malbild.steering import services as steering_services
from malbild.stories import services as story_services
from malbild.targets import services as target_services
from malbild.targets.models import TargetVision
from malbild.targets.tasks import REMIND_DAYS_AHEAD
from malbild.tenants.decorators import member_view
from malbild.tenants.models import OrgUnit
from malbild.tenants.requests import MemberRequest

Light = Goal.Light
Status = Goal.Status
ATTENTION_LIMIT = 10  # goals shown per "needs attention" list; the count says how many in all
UNITS_PAGE = "enheter"  # the query parameter that pages the units below (goals use "page")
CACHE_SECONDS = 600  # the longest a write that is not audited stays unseen

ACTIVE = Q(status=Status.ACTIVE)
OFF_TRACK, NO_DATA, NO_EVIDENCE = "off_track", "no_data", "no_evidence"


def _attention_lists() -> dict[str, Q]:
    """The "needs attention" lists, each a condition on goals, in the order shown. (Built per
    request: the evidence subquery goes through the scoped manager.)"""
    has_evidence = Exists(Evidence.objects.filter(goal=OuterRef("pk")))
    return {
        OFF_TRACK: ACTIVE & Q(light=Light.OFF_TRACK),
        NO_DATA: ACTIVE & Q(light=Light.NO_DATA),
        NO_EVIDENCE: Q(Q(status=Status.DRAFT), ~has_evidence),
    }


@dataclass(frozen=True)
class LightCount:
    light: str
    label: str
    count: int  # active goals with this measured light
    assessed: int  # active goals whose lead assessed this light in the latest ready report


@dataclass(frozen=True)
class Attention:
    key: str
    goals: list[Goal]
    count: int


@dataclass(frozen=True)
class Review:
    version: TargetVision
    overdue: bool


def _counts(goals: QuerySet[Goal]) -> dict[str, int]:
    """Active goals per light and the attention counts of `goals`, in one aggregate query."""
    counts: dict[str, int] = goals.aggregate(
        **{f"light_{light}": Count("pk", filter=ACTIVE & Q(light=light)) for light in Light.values},
        **{
            f"assessed_{light}": Count("pk", filter=ACTIVE & Q(assessed_light=light))
            for light in Light.values
        },
        **{
            f"attention_{key}": Count("pk", filter=where)
            for key, where in _attention_lists().items()
        },
    )
    return counts


def _attention(goals: QuerySet[Goal], counts: dict[str, int]) -> list[Attention]:
    """The first ATTENTION_LIMIT goals of each attention list, in one query: each goal is given
    its list and its rank in the list, and only the top of each list is read. The units joined
    are limited to the goals' organisation too: without that PostgreSQL, misjudging how many
    goals qualify, hashes every organisation's units."""
    lists = _attention_lists()
    category = Case(
        *[When(where, then=Value(key)) for key, where in lists.items()], default=Value("")
    )
    rows = (
        goals.annotate(category=category)
        .exclude(category="")
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("category"),
                order_by=[F("progress").asc(nulls_first=True), F("title").asc(), F("pk").asc()],
            )
        )
        .filter(rank__lte=ATTENTION_LIMIT, unit__organisation=F("organisation"))
        .select_related("unit", "focus_area")
        .order_by("title", "pk")
    )
    found: dict[str, list[Goal]] = {key: [] for key in lists}
    for goal in rows:
        found[goal.category].append(goal)
    return [Attention(key, found[key], counts[f"attention_{key}"]) for key in lists]


def _review(today: date) -> Review | None:
    """The adopted målbild when its review is due within REMIND_DAYS_AHEAD days or overdue."""
    adopted = TargetVision.objects.filter(status=TargetVision.Status.ADOPTED).first()
    if adopted is None or adopted.review_date is None:
        return None
    if adopted.review_date > today + timedelta(days=REMIND_DAYS_AHEAD):
        return None
    return Review(adopted, adopted.review_overdue(today))


def _page_links(request: HttpRequest, page: Page, param: str) -> dict[str, str]:
    """The query strings of the first, previous, next and last pages of `page` under `param`,
    keeping the page's other parameters (two lists are paged on one page)."""

    def link(number: int) -> str:
        query: QueryDict = request.GET.copy()
        query[param] = str(number)
        return "?" + query.urlencode()

    links = {}
    if page.has_previous():
        links["first"] = link(1)
        links["previous"] = link(page.previous_page_number())
    if page.has_next():
        links["next"] = link(page.next_page_number())
        links["last"] = link(page.paginator.num_pages)
    return links


def _cached(request: MemberRequest, unit: OrgUnit | None, render_content: Callable[[], str]) -> str:
    """The dashboard's content for this request: from the cache while the organisation's data
    is unchanged, else rendered by `render_content` and kept. The key holds everything the
    content depends on besides the data: the unit, the query string (pages), the language, the
    day (review notices) and whether the reader may record a review."""
    organisation = request.organisation
    may_review = request.access.can("can_draft_target_vision")
    parts = (
        organisation.pk,
        organisation.data_version,
        unit.pk if unit else "",
        request.GET.urlencode(),
        translation.get_language(),
        timezone.localdate().isoformat(),
        may_review,
    )
    key = "dashboard:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    pages = caches["pages"]
    content: str | None = pages.get(key)
    if content is None:
        content = render_content()
        pages.set(key, content, CACHE_SECONDS)
    return content


def _dashboard(
    request: MemberRequest,
    *,
    unit: OrgUnit | None,
    own_goals: QuerySet[Goal],
    subtree_goals: QuerySet[Goal],
    units_below: QuerySet[OrgUnit],
    breadcrumbs: Callable[[], list[OrgUnit]],
) -> HttpResponse:
    organisation = request.organisation

    def render_content() -> str:
        return render_to_string(
            "dashboards/_content.html",
            _content(request, unit, own_goals, subtree_goals, units_below)
            | {"organisation": organisation, "unit": unit, "breadcrumbs": breadcrumbs()},
            request,
        )

    # Rendered by our own template, with its autoescaping, so it is safe as it stands.
    content: SafeString = mark_safe(_cached(request, unit, render_content))  # noqa: S308
    return render(
        request,
        "dashboards/dashboard.html",
        {"organisation": organisation, "unit": unit, "content": content},
    )


def _content(
    request: HttpRequest,
    unit: OrgUnit | None,
    own_goals: QuerySet[Goal],
    subtree_goals: QuerySet[Goal],
    units_below: QuerySet[OrgUnit],
) -> dict[str, Any]:
    counts = _counts(subtree_goals)
    goals = paginate(
        request,
        own_goals.exclude(status=Status.CLOSED)
        .select_related("unit", "focus_area")
        .order_by("focus_area__position", "focus_area__name", "title", "pk"),
    )
    units = Paginator(
        units_below.filter(archived_at__isnull=True).order_by("name", "pk"), PAGE_SIZE
    ).get_page(request.GET.get(UNITS_PAGE))
    lights = [
        LightCount(value, str(label), counts[f"light_{value}"], counts[f"assessed_{value}"])
        for value, label in Light.choices
    ]
    active_total = sum(light.count for light in lights)
    assessed_total = sum(light.assessed for light in lights)
    return {
        "page": goals,
        "goal_links": _page_links(request, goals, "page"),
        "units": units,
        "unit_links": _page_links(request, units, UNITS_PAGE),
        "lights": lights,
        "active_total": active_total,
        "assessed_total": assessed_total,
        "unassessed": active_total - assessed_total,
        "attention": _attention(subtree_goals, counts),
        "attention_limit": ATTENTION_LIMIT,
        "review": _review(timezone.localdate()),
        "highlights": story_services.highlights(unit),
    }


@require_safe
@member_view()
def unit(request: MemberRequest, unit_id: int) -> HttpResponse:
    """A unit's dashboard: its own goals, and the status of it and every unit below it
    (about a dozen queries, whatever the size of the subtree)."""
    unit = get_object_or_404(OrgUnit, pk=unit_id)

    def breadcrumbs() -> list[OrgUnit]:
        ancestors = OrgUnit.objects.in_bulk(unit.ancestor_ids()) if unit.ancestor_ids() else {}
        return [ancestors[pk] for pk in unit.ancestor_ids() if pk in ancestors]

    return _dashboard(
        request,
        unit=unit,
        own_goals=Goal.objects.filter(unit=unit),
        subtree_goals=Goal.objects.filter(unit__path__startswith=unit.path),
        units_below=OrgUnit.objects.filter(parent=unit),
        breadcrumbs=breadcrumbs,
    )


@require_safe
@member_view()
def organisation(request: MemberRequest) -> HttpResponse:
    """The organisation's dashboard: the goals of its top unit(s) and the status of the whole
    tree."""
    return _dashboard(
        request,
        unit=None,
        own_goals=Goal.objects.filter(unit__parent__isnull=True),
        subtree_goals=Goal.objects.all(),
        units_below=OrgUnit.objects.filter(parent__isnull=True),
        breadcrumbs=list,
    )


# The start page ---------------------------------------------------------------------------------


@require_safe
@member_view()
def home(request: MemberRequest) -> HttpResponse:
    """The start page: the common platform first, then the målbild, what is coming in the
    steering documents, and the organisation's units (about eight queries)."""
    organisation = request.organisation
    access = request.access
    target = target_services.adopted(organisation)
    today = timezone.localdate()
    counts = dict(
        OrgUnit.objects.filter(archived_at__isnull=True)
        .values_list("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    kinds = [(label, counts.get(value, 0)) for value, label in OrgUnit.Kind.choices]
    return render(
        request,
        "dashboards/home.html",
        {
            "organisation": organisation,
            "memberships": access.memberships,
            "kinds": [(label, n) for label, n in kinds if n],
            "platform": platform_services.in_force(organisation),
            "values": PlatformValue.objects.filter(retired_at__isnull=True),
            "target": target,
            "open_version": target_services.open_version(organisation),
            "review_soon": bool(
                target
                and target.review_date
                and target.review_date <= today + timedelta(days=REMIND_DAYS_AHEAD)
            ),
            "review_overdue": bool(target and target.review_overdue(today)),
            "coming_changes": steering_services.coming_changes(),
        },
    )
