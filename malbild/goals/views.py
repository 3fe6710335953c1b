"""The goal tree: the chain from the målbild down to the smallest unit, a unit's goals and where
each comes from, one goal with its chain of trust and evidence, and the editors' forms.

Every member reads all of it; writing needs `can_edit_goals` for the goal's unit, and goes
through `goals.services`, which audits and recalculates progress in the same transaction.
"""

from collections import defaultdict
from typing import Any, NamedTuple

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.goals import services, signals, trends
from malbild.goals.forms import (
    ContributionForm,
    GoalForm,
    IndicatorEvidenceForm,
    ReferenceForm,
    ResearchForm,
    SteeringEvidenceForm,
    WeightForm,
)
from malbild.goals.models import Contribution, Evidence, Goal, GoalIndicator
from malbild.lib import htmx
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.targets import services as target_services
from malbild.targets.models import TargetVision
from malbild.tenants.decorators import member_view
from malbild.tenants.models import OrgUnit, within
from malbild.tenants.permissions import Access
from malbild.tenants.requests import MemberRequest, OrganisationRequest

EDIT = "can_edit_goals"
Kind = Evidence.Kind
CHILDREN_SHOWN = 10  # per goal on the chain page; the goal's own page shows them all
ABOVE_SHOWN = 50  # goals of higher units offered for breaking down on a unit's page
CHAIN_READ = 4  # levels of the goals a goal breaks down that come with the query loading it
# What the goal's page shows of its evidence and of the goals that break it down: the rest of
# their columns (and of the rows joined to them) would cost compiling and loading for nothing.
EVIDENCE_SHOWN = [
    "goal", "kind", "title", "url", "doi", "summary", "reference",
    "indicator__code", "indicator__name",
    "steering_change__kind", "steering_change__date", "steering_change__description",
    "steering_change__document__title",
]  # fmt: skip
CHILD_SHOWN = [
    "parent", "title", "status", "light", "assessed_light", "progress", "weight", "unit__name",
]  # fmt: skip
EVIDENCE_FORMS: dict[str, type[BaseForm]] = {
    Kind.RESEARCH: ResearchForm,
    Kind.STEERING: SteeringEvidenceForm,
    Kind.INDICATOR: IndicatorEvidenceForm,
    Kind.ASSESSMENT: ReferenceForm,
    Kind.SIGNAL: ReferenceForm,
}


def _id_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _goal(goal_id: int) -> Goal:
    """A goal of the organisation in scope, or 404 (also for another organisation's id)."""
    return get_object_or_404(Goal.objects.select_related("unit", "focus_area"), pk=goal_id)


def _editable_goal(request: MemberRequest, goal_id: int) -> Goal:
    """A goal the person may change, 404 when it is not the organisation's, otherwise 403
    with the explanation when the goal's unit is outside their subtree."""
    goal = _goal(goal_id)
    request.access.require(EDIT, goal.unit)
    return goal


def _to_goal(request: OrganisationRequest, goal: Goal, anchor: str = "") -> HttpResponse:
    url = reverse("goals:detail", args=[request.organisation.slug, goal.pk])
    return redirect(url + (f"#{anchor}" if anchor else ""))


def _not_possible(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "goals/not_possible.html", {"message": message}, status=400)


def _child_count() -> Coalesce:
    children = (
        Goal.objects.filter(parent=OuterRef("pk"))
        .order_by()
        .values("parent")
        .annotate(n=Count("id"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(children, output_field=IntegerField()), 0)


def _by_focus_area(goals: QuerySet[Goal]) -> QuerySet[Goal]:
    return goals.order_by(
        "focus_area__position", "focus_area__name", "focus_area_id", "title", "id"
    )


def _grouped(items: list[Any], area_of: Any) -> list[tuple[Any, list[Any]]]:
    """Consecutive items with the same focus area, as (focus area, items)."""
    groups: list[tuple[Any, list[Any]]] = []
    for item in items:
        area = area_of(item)
        if groups and groups[-1][0].pk == area.pk:
            groups[-1][1].append(item)
        else:
            groups.append((area, [item]))
    return groups


# Reading ------------------------------------------------------------------------------------------


@require_safe
@member_view()
def chain(request: MemberRequest) -> HttpResponse:
    """The chain from the målbild down: the top-level goals by focus area, paged, each with the
    goals that break it down (two levels; deeper ones on the goal's own page)."""
    organisation = request.organisation
    tops = _by_focus_area(
        Goal.objects.filter(parent__isnull=True)
        .select_related("unit", "focus_area")
        .annotate(child_count=_child_count())
    )
    page = paginate(request, tops)
    goals = list(page.object_list)
    children: dict[int, list[Goal]] = defaultdict(list)
    if goals:
        rows = (
            Goal.objects.filter(parent__in=[g.pk for g in goals])
            .select_related("unit")
            .annotate(
                child_count=_child_count(),
                rank=Window(
                    RowNumber(),
                    partition_by=[F("parent_id")],
                    order_by=[F("title").asc(), F("id").asc()],
                ),
            )
            .filter(rank__lte=CHILDREN_SHOWN)
            .order_by("parent_id", "rank")
        )
        for child in rows:
            children[child.parent_id].append(child)  # type: ignore[index]
    tree = [(goal, children[goal.pk]) for goal in goals]
    return render(
        request,
        "goals/chain.html",
        {
            "target": target_services.adopted(organisation),
            "page": page,
            "groups": _grouped(tree, lambda row: row[0].focus_area),
            "children_shown": CHILDREN_SHOWN,
            "may_set_goals": request.access.can(EDIT, anywhere=True),
        },
    )


@require_safe
@member_view()
def unit_goals(request: MemberRequest, unit_id: int) -> HttpResponse:
    """A unit's goals and where each comes from: the goal it breaks down and that goal's unit."""
    organisation = request.organisation
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    goals = _by_focus_area(
        Goal.objects.filter(unit=unit).select_related("focus_area", "parent", "parent__unit")
    )
    page = paginate(request, goals)
    may_edit = request.access.can(EDIT, unit) and not unit.is_archived
    above: list[Goal] = []
    if may_edit:
        above = list(
            Goal.objects.filter(unit_id__in=unit.ancestor_ids())
            .exclude(status=Goal.Status.CLOSED)
            .select_related("unit")
            .order_by("unit__path", "title", "id")[: ABOVE_SHOWN + 1]
        )
    ancestors = OrgUnit.objects.in_bulk(unit.ancestor_ids()) if unit.parent_id else {}
    return render(
        request,
        "goals/unit_goals.html",
        {
            "unit": unit,
            "breadcrumbs": [ancestors[pk] for pk in unit.ancestor_ids() if pk in ancestors],
            "page": page,
            "may_edit": may_edit,
            "above": above[:ABOVE_SHOWN],
            "more_above": len(above) > ABOVE_SHOWN,
            "has_target": may_edit and target_services.adopted(organisation) is not None,
        },
    )


class Above(NamedTuple):
    """A goal that the shown goal breaks down, as its page names it."""

    pk: int
    title: str
    unit_name: str


def _chain_columns() -> dict[str, F]:
    """The first CHAIN_READ levels above a goal as columns of its own query (`upN_id`,
    `upN_title`, `upN_unit`), and the id of the level after them: a few columns compile and load
    far faster than as many goals and units through select_related."""
    columns = {}
    path = "parent"
    for level in range(1, CHAIN_READ + 1):
        columns[f"up{level}_id"] = F(path)
        columns[f"up{level}_title"] = F(f"{path}__title")
        columns[f"up{level}_unit"] = F(f"{path}__unit__name")
        path += "__parent"
    columns[f"up{CHAIN_READ + 1}_id"] = F(path)
    return columns


def _chain_up(goal: Goal) -> list[Above]:
    """The goals `goal` breaks down, from the top down to its parent. The first CHAIN_READ
    levels come with the goal's own query (_chain_columns); deeper ones cost a query each."""
    found: list[Above] = []
    seen = {goal.pk}
    row = vars(goal)
    for level in range(1, CHAIN_READ + 1):
        pk = row[f"up{level}_id"]
        if pk is None or pk in seen:
            return list(reversed(found))
        seen.add(pk)
        found.append(Above(pk, row[f"up{level}_title"], row[f"up{level}_unit"]))
    pk = row[f"up{CHAIN_READ + 1}_id"]
    while pk is not None and pk not in seen:
        seen.add(pk)
        above = Goal.objects.values("title", "unit__name", "parent_id").get(pk=pk)
        found.append(Above(pk, above["title"], above["unit__name"]))
        pk = above["parent_id"]
    return list(reversed(found))


def _evidence_by_kind(goal: Goal) -> list[tuple[str, list[Evidence]]]:
    items = (
        goal.evidence.select_related("indicator", "steering_change__document")
        .only(*EVIDENCE_SHOWN)
        .order_by("added_at", "id")
    )
    by_kind: dict[str, list[Evidence]] = defaultdict(list)
    for item in items:
        by_kind[item.kind].append(item)
    return [(str(label), by_kind[kind]) for kind, label in Kind.choices if by_kind[kind]]


def _break_down_url(request: MemberRequest, goal: Goal) -> str:
    """Where "break this goal down" leads, or "" when the person may set no goal below it."""
    if goal.status == Goal.Status.CLOSED:
        return ""
    subtrees = request.access.subtrees(EDIT)
    url = reverse("goals:create", args=[request.organisation.slug]) + f"?bryter-ner={goal.pk}"
    if subtrees is None:
        return url
    below = [u for u in subtrees if goal.unit.contains(u) and u.pk != goal.unit_id]
    if len(below) == 1:
        return f"{url}&enhet={below[0].pk}"
    if below or any(u.contains(goal.unit) for u in subtrees):
        return url
    return ""


@require_safe
@member_view()
def detail(request: MemberRequest, goal_id: int) -> HttpResponse:
    """One goal: its facts, progress, chain of trust (the målbild it was set under, that
    målbild's decision and investments, the goals it breaks down), evidence, indicators, the
    goals that break it down and its contributions both ways, and the trends of the goal and of
    each indicator, drawn from their stored series (twelve queries: a key page of DESIGN.md §6).
    """
    return render(request, "goals/detail.html", _detail_context(request, goal_id))


def _detail_context(request: MemberRequest, goal_id: int) -> dict[str, Any]:
    organisation = request.organisation
    goal = get_object_or_404(
        Goal.objects.select_related(
            "unit", "focus_area", "owner", "target_vision__decision__made_by"
        ).annotate(**_chain_columns()),
        pk=goal_id,
    )
    target = goal.target_vision
    in_force = target if target.status == TargetVision.Status.ADOPTED else None
    if in_force is None:
        in_force = target_services.adopted(organisation)
    investments = list(target.investments.all())
    children = paginate(
        request,
        goal.children.select_related("unit").only(*CHILD_SHOWN).order_by("title", "id"),
    )
    may_edit = request.access.can(EDIT, goal.unit)
    # Both directions of contribution in one query, sorted here: the model's ordering would
    # join and compile both goals' orderings for nothing.
    both = (
        Contribution.objects.filter(Q(goal=goal) | Q(to_goal=goal))
        .select_related("goal__unit", "to_goal__unit")
        .only("weight", "goal__title", "goal__unit__name", "to_goal__title", "to_goal__unit__name")
        .order_by()
    )
    contributions = sorted(
        (c for c in both if c.goal_id == goal.pk), key=lambda c: (c.to_goal.title, c.pk)
    )
    contributors = sorted(
        (c for c in both if c.to_goal_id == goal.pk), key=lambda c: (c.goal.title, c.pk)
    )
    # The model's ordering (goal, indicator) less the goal, which is the same on every row.
    links = list(goal.indicator_links.select_related("indicator").order_by("indicator__code"))
    for item in links:
        item.trend = trends.link_trend(item, goal.unit.name)  # type: ignore[attr-defined]
    return {
        "goal": goal,
        "target": target,
        "in_force": in_force,
        "investments": investments,
        "parents": _chain_up(goal),
        "values": list(goal.values.all()),
        "evidence_groups": _evidence_by_kind(goal),
        "links": links,
        "goal_trend": trends.goal_trend(goal),
        "page": children,
        # What the apps above show here: what the pupils say (surveys), the activities
        # that serve the goal (plans).
        "measure_panels": signals.measure_panels.render(Goal, request=request, goal=goal),
        "work_panels": signals.work_panels.render(Goal, request=request, goal=goal),
        "contributions": contributions,
        "contributors": contributors,
        "may_edit": may_edit,
        "break_down_url": _break_down_url(request, goal),
    }


# Parts of the goal's page that a change answers with, for htmx, and the parts that change with
# them: a change of evidence or indicators may move the progress and the other list.
SECTIONS = {
    "evidence-section": ("indicators-section", "goal-facts"),
    "indicators-section": ("evidence-section", "goal-facts"),
    "contributions-section": (),
}


def _answer(
    request: MemberRequest, goal: Goal, section: str, said: str, error: str = ""
) -> HttpResponse:
    """What a change on the goal's page answers: for htmx, the changed `section` with the parts
    that change with it and `said` (or the `error`, shown in the section) in the live region;
    otherwise back to the section of the page, with the message."""
    if htmx.asks_for(request, section):
        context = {**_detail_context(request, goal.pk), "error": error, "error_in": section}
        return htmx.part(request, "goals/detail.html", section, context,
                         announce=error or said, also=SECTIONS[section])  # fmt: skip
    if error:
        messages.error(request, error)
    else:
        messages.success(request, said)
    return _to_goal(request, goal, section.removesuffix("-section"))


# Setting and changing goals -----------------------------------------------------------------------


def _editable_units(access: Access, parent: Goal | None) -> QuerySet[OrgUnit]:
    """The active units the person may set goals for (below `parent`'s unit, if given)."""
    units = OrgUnit.objects.filter(archived_at__isnull=True)
    subtrees = access.subtrees(EDIT)
    if subtrees is not None:
        units = units.filter(within(subtrees))
    if parent is not None:
        units = units.filter(path__startswith=parent.unit.path).exclude(pk=parent.unit_id)
    return units.order_by("path")


@require_http_methods(["GET", "POST"])
@member_view(EDIT)
def create(request: MemberRequest) -> HttpResponse:
    """Set a goal for a unit (`?enhet=`), or break a goal down (`?bryter-ner=`); without a
    unit, first choose one of the units the person may set goals for."""
    organisation = request.organisation
    access = request.access
    unit_id = _id_param(request, "enhet")
    parent_id = _id_param(request, "bryter-ner")
    parent = _goal(parent_id) if parent_id is not None else None
    unit = get_object_or_404(OrgUnit, pk=unit_id) if unit_id is not None else None
    try:
        services.adopted_or_refuse(organisation)
    except ValidationError as e:
        return _not_possible(request, " ".join(e.messages))
    if unit is None:
        units = list(_editable_units(access, parent))
        top = min((u.depth for u in units), default=0)
        return render(
            request,
            "goals/choose_unit.html",
            {"units": [(u.pk, u.indented_name(top)) for u in units], "parent": parent},
            status=400 if request.method == "POST" else 200,
        )
    access.require(EDIT, unit)
    initial = {"parent": parent.pk, "focus_area": parent.focus_area_id} if parent else {}
    form = GoalForm(request.POST or None, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.create_goal(organisation, request, unit=unit, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The goal %(title)s has been set for %(unit)s, as a draft. Add evidence to "
                  "make it active.") % {"title": goal.title, "unit": unit.name},
            )  # fmt: skip
            return redirect("goals:detail", organisation.slug, goal.pk)
    return render(request, "goals/goal_form.html", {"form": form, "unit": unit, "parent": parent})


@require_http_methods(["GET", "POST"])
@member_view(EDIT)
def edit(request: MemberRequest, goal_id: int) -> HttpResponse:
    goal = _editable_goal(request, goal_id)
    initial = GoalForm.initial_for(goal)
    form = GoalForm(request.POST or None, unit=goal.unit, goal=goal, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        values = data.pop("values")
        changed = {name: value for name, value in data.items() if getattr(goal, name) != value}
        if {v.pk for v in values} != set(initial["values"]):
            changed["values"] = list(values)
        try:
            if changed:
                services.update_goal(goal, request, **changed)
        except ValidationError as e:
            goal.refresh_from_db()
            apply_errors(form, e)
        else:
            messages.success(request, _("The goal %(title)s has been saved.") % {"title": goal})
            return _to_goal(request, goal)
    return render(request, "goals/goal_form.html", {"form": form, "unit": goal.unit, "goal": goal})


@require_POST
@member_view(EDIT)
def activate(request: MemberRequest, goal_id: int) -> HttpResponse:
    goal = _editable_goal(request, goal_id)
    try:
        services.activate(goal, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The goal %(title)s is active.") % {"title": goal.title})
    return _to_goal(request, goal)


@require_POST
@member_view(EDIT)
def close(request: MemberRequest, goal_id: int) -> HttpResponse:
    goal = _editable_goal(request, goal_id)
    try:
        services.close(goal, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("The goal %(title)s is closed.") % {"title": goal.title})
    return _to_goal(request, goal)


# Evidence and indicators --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(EDIT)
def evidence_add(request: MemberRequest, goal_id: int) -> HttpResponse:
    """Choose the kind of evidence (`?typ=`), then cite it with that kind's form."""
    goal = _editable_goal(request, goal_id)
    kind = request.GET.get("typ", "")
    if not kind:
        return render(
            request,
            "goals/evidence_form.html",
            {"goal": goal},
            status=400 if request.method == "POST" else 200,
        )
    if kind not in EVIDENCE_FORMS:
        raise Http404
    form = EVIDENCE_FORMS[kind](request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if kind == Kind.INDICATOR:
                services.link_indicator(goal, request, data["indicator"], data["weight"])
            else:
                services.add_evidence(goal, request, kind, **data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, _("The evidence has been added."))
            return _to_goal(request, goal, "evidence")
    return render(
        request,
        "goals/evidence_form.html",
        {"goal": goal, "form": form, "kind": kind, "kind_label": Kind(kind).label},
    )


@require_POST
@member_view(EDIT)
def evidence_remove(request: MemberRequest, goal_id: int, evidence_id: int) -> HttpResponse:
    goal = _editable_goal(request, goal_id)
    evidence = get_object_or_404(Evidence, pk=evidence_id, goal=goal)
    evidence.goal = goal
    said = _("The evidence %(title)s has been removed.") % {"title": evidence.title}
    try:
        services.remove_evidence(evidence, request)
    except ValidationError as e:
        return _answer(request, goal, "evidence-section", said, " ".join(e.messages))
    return _answer(request, goal, "evidence-section", said)


def _link(goal: Goal, link_id: int) -> GoalIndicator:
    link = get_object_or_404(
        GoalIndicator.objects.select_related("indicator"), pk=link_id, goal=goal
    )
    link.goal = goal
    return link


@require_POST
@member_view(EDIT)
def indicator_weight(request: MemberRequest, goal_id: int, link_id: int) -> HttpResponse:
    goal = _editable_goal(request, goal_id)
    link = _link(goal, link_id)
    form = WeightForm(request.POST)
    said = _("The weight of %(indicator)s has been saved.") % {"indicator": link.indicator}
    if not form.is_valid():
        error = " ".join(str(e) for e in form.errors.get("weight", []))
        return _answer(request, goal, "indicators-section", said, error)
    try:
        services.change_indicator_weight(link, request, form.cleaned_data["weight"])
    except ValidationError as e:
        return _answer(request, goal, "indicators-section", said, " ".join(e.messages))
    return _answer(request, goal, "indicators-section", said)


@require_POST
@member_view(EDIT)
def indicator_unlink(request: MemberRequest, goal_id: int, link_id: int) -> HttpResponse:
    goal = _editable_goal(request, goal_id)
    link = _link(goal, link_id)
    said = _("%(indicator)s no longer measures the goal.") % {"indicator": link.indicator}
    try:
        services.unlink_indicator(link, request)
    except ValidationError as e:
        return _answer(request, goal, "indicators-section", said, " ".join(e.messages))
    return _answer(request, goal, "indicators-section", said)


# Contributions ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_view(EDIT)
def contribution_add(request: MemberRequest, goal_id: int) -> HttpResponse:
    """Say which goal of another unit this goal also helps; `?q=` searches the goals."""
    goal = _editable_goal(request, goal_id)
    query = request.GET.get("q", "").strip()[:100]
    form = ContributionForm(request.POST or None, goal=goal, query=query)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_contribution(goal, data["to_goal"], request, data["weight"])
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("%(goal)s now contributes to %(to)s.")
                % {"goal": goal.title, "to": data["to_goal"].title},
            )
            return _to_goal(request, goal, "contributions")
    return render(
        request, "goals/contribution_form.html", {"goal": goal, "form": form, "query": query}
    )


@require_POST
@member_view(EDIT)
def contribution_remove(request: MemberRequest, goal_id: int, contribution_id: int) -> HttpResponse:
    """Either side may end a contribution: the goal that helps, or the goal it helps."""
    goal = _editable_goal(request, goal_id)
    contribution = get_object_or_404(
        Contribution.objects.select_related("goal", "to_goal"),
        Q(goal=goal) | Q(to_goal=goal),
        pk=contribution_id,
    )
    services.remove_contribution(contribution, request)
    said = _("%(goal)s no longer contributes to %(to)s.") % {
        "goal": contribution.goal.title,
        "to": contribution.to_goal.title,
    }
    return _answer(request, goal, "contributions-section", said)
