"""The organisation's start page, and the dashboards: a unit's goals with progress and traffic
lights, the status of its subtree, its units below and what needs attention; the organisation's
dashboard does the same for the top unit(s) and the whole tree.

Every figure is read from the stored `progress` and `light` that `goals.progress` keeps current;
nothing is recomputed on read. Each page runs the same number of queries whatever the size of
the tree: one aggregate for the counts, one windowed query for the capped attention lists.

The dashboards are the pages everyone opens and few change, so their content is rendered once
and cached under the organisation's data version, which every audited write counts up when it
commits: the first request after a change renders afresh, the others read it from the process's
memory without a query (docs/performance.md). The version is the one without self-assessment
answers, which no dashboard shows, and without the values entered that moved no goal's or
unit's stored progress, light or trend (the dashboards show nothing else a value changes); and
what a value entered cannot change (the Kolada figures,
the målbild's review, the stories, what the pupils say) is kept apart, under the version without
answers or values, so that the content rendered afresh after a value entered reads it from the
cache. Writes outside the services (the admin site, a shell) show within CACHE_SECONDS.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.cache import caches
from django.core.paginator import Page
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from malbild.dashboards import start
from malbild.goals.models import Evidence, Goal
from malbild.imports import comparison
from malbild.lib.paging import PAGE_SIZE, paginate
from malbild.steering import services as steering_services
from malbild.stories import services as story_services
from malbild.surveys import results as survey_results
from malbild.targets.models import TargetVision
from malbild.targets.tasks import REMIND_DAYS_AHEAD
from malbild.tenants.decorators import member_view
from malbild.tenants.models import OrgUnit
from malbild.tenants.requests import MemberRequest
from malbild.tenants.signals import start_panels

Light = Goal.Light
Status = Goal.Status
ATTENTION_LIMIT = 10  # goals shown per "needs attention" list; the count says how many in all
UNITS_PAGE = "enheter"  # the query parameter that pages the units below (goals use "page")
CACHE_SECONDS = 600  # the longest a write that is not audited stays unseen
KEY_FIGURES = 8  # key figures from Kolada on the organisation's dashboard

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


# A goal's list, for the goals on some list: a draft is on "no evidence", an active goal on the
# list named after its light (OFF_TRACK and NO_DATA are the lights' own values). The condition
# with the evidence subquery stays in the WHERE clause, once, instead of in a CASE repeated in
# the select and in both windows' partitions (four times compiled, four subplans run).
_CATEGORY = Case(When(status=Status.DRAFT, then=Value(NO_EVIDENCE)), default=F("light"))


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


def _attention(goals: QuerySet[Goal]) -> list[Attention]:
    """The first ATTENTION_LIMIT goals of each attention list and the length of each list, in
    one query: each goal is given its list, its rank in the list and the list's length, and
    only the top of each list is read. The units joined
    are limited to the goals' organisation too: without that PostgreSQL, misjudging how many
    goals qualify, hashes every organisation's units."""
    lists = _attention_lists()
    on_a_list = Q()
    for where in lists.values():
        on_a_list |= where
    rows = (
        goals.filter(on_a_list)
        .annotate(
            category=_CATEGORY,
            rank=Window(
                RowNumber(),
                partition_by=_CATEGORY,
                order_by=[F("progress").asc(nulls_first=True), F("title").asc(), F("pk").asc()],
            ),
            length=Window(Count("pk"), partition_by=_CATEGORY),
        )
        .filter(rank__lte=ATTENTION_LIMIT, unit__organisation=F("organisation"))
        .select_related("unit", "focus_area")
        .order_by("title", "pk")
    )
    found: dict[str, list[Goal]] = {key: [] for key in lists}
    lengths = dict.fromkeys(lists, 0)
    for goal in rows:
        found[goal.category].append(goal)
        lengths[goal.category] = goal.length
    return [Attention(key, found[key], lengths[key]) for key in lists]


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
    is unchanged (but for self-assessment answers, which no dashboard shows, and values entered
    that moved no goal's or unit's stored figures: `version_of_goal_figures`), else rendered by
    `render_content` and kept. The key holds everything the content depends on besides the
    data: the unit, the query string (pages), the language, the day (review notices) and
    whether the reader may record a review."""
    organisation = request.organisation
    may_review = request.access.can("can_draft_target_vision")
    parts = (
        organisation.pk,
        organisation.version_of_goal_figures,
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


def _settled(request: MemberRequest, unit: OrgUnit | None) -> dict[str, Any]:
    """What a dashboard shows that neither a self-assessment answer nor a value entered can
    change: the municipality's key figures from Kolada, the målbild's review notice, the
    highlighted stories and what the pupils say. Read from the cache while the organisation's
    other data is unchanged (`version_without_answers_or_values`), else read (four queries) and
    kept. The key holds what else they depend on: the unit, the language and the day."""
    organisation = request.organisation
    parts = (
        organisation.pk,
        organisation.version_without_answers_or_values,
        unit.pk if unit else "",
        translation.get_language(),
        timezone.localdate().isoformat(),
    )
    key = "dashboard-settled:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    pages = caches["pages"]
    found: dict[str, Any] | None = pages.get(key)
    if found is None:
        found = {
            "review": _review(timezone.localdate()),
            "highlights": story_services.highlights(unit),
            "pupils": survey_results.summary(unit),
            # The municipality's own figures from Kolada: on a new organisation's dashboard,
            # before it has goals, the first answer to "how is it going".
            "key_figures": []
            if unit
            else comparison.latest_of_municipality(organisation, KEY_FIGURES),
        }
        pages.set(key, found, CACHE_SECONDS)
    return found


def _voices(status: start.Status) -> dict[str, Any]:
    """The active goals per light, measured and as their leads assessed them."""
    lights = [
        LightCount(value, str(label), measured, status.assessed.get(value, 0))
        for (value, label), measured in zip(Light.choices, status.totals, strict=True)
    ]
    active = sum(light.count for light in lights)
    assessed = sum(light.assessed for light in lights)
    return {
        "lights": lights,
        "active": active,
        "assessed": assessed,
        "unassessed": active - assessed,
    }


def _content(
    request: MemberRequest,
    unit: OrgUnit | None,
    own_goals: QuerySet[Goal],
    subtree_goals: QuerySet[Goal],
    units_below: QuerySet[OrgUnit],
) -> dict[str, Any]:
    goals = paginate(
        request,
        own_goals.exclude(status=Status.CLOSED)
        .select_related("unit", "focus_area")
        .order_by("focus_area__position", "focus_area__name", "title", "pk"),
    )
    units = paginate(
        request,
        units_below.filter(archived_at__isnull=True).order_by("name", "pk"),
        PAGE_SIZE,
        UNITS_PAGE,
    )
    status = start.status(subtree_goals, None)
    scope_name = unit.name if unit else request.organisation.name
    return {
        "status": status,
        "scope_name": scope_name,
        "chart": status.chart(
            title=_("Active goals by focus area and status in %(scope)s") % {"scope": scope_name},
            description=_(
                "One bar per focus area, divided by status: on track, at risk, off track and "
                "without data. The table below has the same figures."
            ),
        ),
        "lights": start.light_counts(status),
        "goal_rows": start.progress_bars(goals.object_list),
        "page": goals,
        "goal_links": _page_links(request, goals, "page"),
        "units": units,
        "unit_links": _page_links(request, units, UNITS_PAGE),
        "voices": _voices(status),
        "attention": _attention(subtree_goals),
        "attention_limit": ATTENTION_LIMIT,
    } | _settled(request, unit)


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
    """A person's start page, where login lands: what needs them now ("Att göra": reports to
    write or approve, late ones first, rounds to answer, signals waiting for their comment, the
    målbild's review and what waits for the nämnd), how it is going ("Så går det": the active
    goals of the organisation, or of the person's own units, by focus area and light, as a
    picture with its numbers) and the coming dates. At most nine queries of its own
    (`dashboards.start`)."""
    organisation = request.organisation
    access = request.access
    today = timezone.localdate()
    scope = start.status_scope(access)
    status = start.status(Goal.objects.all(), scope)
    periods = start.periods(access)
    work = start.report_work(access, periods, today)
    target = start.versions(today)
    changes = steering_services.coming_changes()
    scope_name = organisation.name if scope is None else ", ".join(unit.name for unit in scope)
    chart = status.chart(
        title=_("Active goals by focus area and status in %(scope)s") % {"scope": scope_name},
        description=_(
            "One bar per focus area, divided by status: on track, at risk, off track and "
            "without data. The table below has the same figures."
        ),
    )
    rounds = start.rounds_to_answer(request.user.pk)
    mentions = start.signals_to_answer(request.user.pk)
    may_review = access.can("can_draft_target_vision")
    may_adopt = access.can("can_adopt_target_vision") or access.can("can_record_decision")
    todo_count = (
        len(work)
        + len(rounds)
        + len(mentions)
        + (target.review_due and may_review)
        + bool(target.proposed and may_adopt)
    )
    return render(
        request,
        "dashboards/home.html",
        {
            "organisation": organisation,
            "todo_count": todo_count,
            "status": status,
            "scope_name": scope_name,
            "chart": chart,
            "lights": start.light_counts(status),
            "work": work,
            "rounds": rounds,
            "mentions": mentions,
            "target": target,
            "may_review": may_review,
            "may_adopt": may_adopt,
            "panels": start_panels.render(Goal, request=request),
            "dates": start.coming_dates(
                periods, target, changes, today, start.surveys_closing(access, today), rounds
            ),
        },
    )
