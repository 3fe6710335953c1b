"""Action plans: a unit's plan (a timeline that is also a table), the organisation's activities
filtered by unit, status and goal, one activity with its milestones and history, and the forms.

Every member reads all of it. Adding an activity needs `can_add_activities` for its unit: with
`can_edit_action_plans` for it too the person chooses who is responsible, otherwise (staff) they
are. Changing an activity needs `can_edit_action_plans`; updating status, progress and milestones
needs that, or `can_update_activities` for the unit and being the activity's responsible person.
Writes go through `plans.services`, which keeps a revision and an audit event.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from malbild.goals.models import Goal
from malbild.lib import htmx
from malbild.lib.forms import apply_errors
from malbild.lib.paging import paginate
from malbild.plans import services, signals, timeline
from malbild.plans.access import ADD, EDIT, UPDATE, activity_or_404, may_update, updatable
from malbild.plans.forms import ActivityForm, FilterForm, MilestoneForm, StatusForm
from malbild.plans.models import Activity, Milestone
from malbild.tenants.decorators import member_view
from malbild.tenants.models import OrgUnit, within
from malbild.tenants.permissions import Access
from malbild.tenants.requests import MemberRequest, OrganisationRequest


def _id_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


def _editable(request: MemberRequest, activity_id: int) -> Activity:
    activity = activity_or_404(activity_id)
    request.access.require(EDIT, activity.unit)
    return activity


def _to_activity(
    request: OrganisationRequest, activity: Activity, anchor: str = ""
) -> HttpResponse:
    response = redirect("plans:detail", request.organisation.slug, activity.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _ancestors(unit: OrgUnit) -> list[OrgUnit]:
    found = OrgUnit.objects.in_bulk(unit.ancestor_ids()) if unit.parent_id else {}
    return [found[pk] for pk in unit.ancestor_ids() if pk in found]


def _plan_rows(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.select_related("unit", "owner").prefetch_related("goals", "milestones")


def _may_plan_somewhere(access: Access, unit: OrgUnit | None = None) -> bool:
    """Whether the person may add activities at all (or, with `unit`, for it, a unit below it
    or a unit above it)."""
    subtrees = access.subtrees(ADD)
    if subtrees is None:
        return True
    if unit is None:
        return bool(subtrees)
    return any(u.contains(unit) or unit.contains(u) for u in subtrees)


# Reading ------------------------------------------------------------------------------------------


@require_safe
@member_view()
def unit_plan(request: MemberRequest, unit_id: int) -> HttpResponse:
    """A unit's action plan: its activities on a timeline over months, and the same facts in a
    table (paged by 50; a constant number of queries)."""
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    page = paginate(request, _plan_rows(Activity.objects.filter(unit=unit)))
    activities = list(page.object_list)
    return render(
        request,
        "plans/unit_plan.html",
        {
            "unit": unit,
            "breadcrumbs": _ancestors(unit),
            "page": page,
            "activities": activities,
            "timeline": timeline.build(activities, timezone.localdate()),
            "may_plan": request.access.can(ADD, unit) and not unit.is_archived,
            "today": timezone.localdate(),
        },
    )


@require_safe
@member_view()
def activity_list(request: MemberRequest) -> HttpResponse:
    """Every activity of the organisation, by unit (and the units below), status and goal."""
    form = FilterForm(request.GET or None)
    activities = Activity.objects.all()
    if form.is_bound:
        if not form.is_valid():
            activities = Activity.objects.none()
        else:
            data = form.cleaned_data
            if data["enhet"] is not None:
                activities = activities.filter(unit__path__startswith=data["enhet"].path)
            if data["status"]:
                activities = activities.filter(status=data["status"])
            if data["mal"] is not None:
                activities = activities.filter(goals=data["mal"])
    page = paginate(
        request, _plan_rows(activities).order_by("unit__path", "starts_on", "title", "id")
    )
    count = page.paginator.count
    return htmx.page_or_part(
        request,
        "plans/list.html",
        "activity-results",
        {
            "form": form,
            "page": page,
            "may_plan": _may_plan_somewhere(request.access),
            "today": timezone.localdate(),
        },
        announce=ngettext("%(n)s activity shown.", "%(n)s activities shown.", count) % {"n": count},
    )


@require_safe
@member_view()
def detail(request: MemberRequest, activity_id: int) -> HttpResponse:
    """One activity: its facts, the goals and values it serves, its milestones and every
    revision, newest first (paged)."""
    activity = activity_or_404(activity_id)
    revisions = paginate(request, activity.revisions.select_related("changed_by"))
    return render(
        request,
        "plans/detail.html",
        {
            "activity": activity,
            "goals": list(activity.goals.select_related("unit").order_by("unit__path", "title")),
            "values": list(activity.values.all()),
            "milestones": list(activity.milestones.all()),
            "panels": signals.activity_panels.render(Activity, request=request, activity=activity),
            "page": revisions,
            "may_edit": request.access.can(EDIT, activity.unit),
            "may_update": may_update(request, activity),
            "today": timezone.localdate(),
        },
    )


# Planning and changing ----------------------------------------------------------------------------


def _plannable_units(access: Access, goal: Goal | None) -> QuerySet[OrgUnit]:
    """The active units the person may add activities to (the goal's unit and those below, if
    given)."""
    units = OrgUnit.objects.filter(archived_at__isnull=True)
    subtrees = access.subtrees(ADD)
    if subtrees is not None:
        units = units.filter(within(subtrees))
    if goal is not None:
        units = units.filter(path__startswith=goal.unit.path)
    return units.order_by("path")


def _require_add(access: Access, unit: OrgUnit) -> None:
    if not access.can(ADD, unit):
        raise PermissionDenied(
            _("You may add activities only to the action plans of the units where you work and "
              "of the units below them. %(unit)s is not one of them: ask its unit lead or the "
              "administration.")
            % {"unit": unit.name}
        )  # fmt: skip


@require_http_methods(["GET", "POST"])
@member_view(ADD)
def create(request: MemberRequest) -> HttpResponse:
    """Add an activity to a unit's plan (`?enhet=`), serving a goal (`?mal=`) if given; without a
    unit, first choose one of the units the person may add to.

    Someone who may also change the unit's plan chooses who is responsible; anyone else (staff)
    is responsible for what they add: the form offers no choice, and an `owner` sent anyway is
    not read."""
    organisation = request.organisation
    access = request.access
    unit_id = _id_param(request, "enhet")
    goal_id = _id_param(request, "mal")
    goal = get_object_or_404(Goal.objects.select_related("unit"), pk=goal_id) if goal_id else None
    unit = get_object_or_404(OrgUnit, pk=unit_id) if unit_id is not None else None
    if unit is None:
        units = list(_plannable_units(access, goal))
        top = min((u.depth for u in units), default=0)
        return render(
            request,
            "plans/choose_unit.html",
            {"units": [(u.pk, u.indented_name(top)) for u in units], "goal": goal},
            status=400 if request.method == "POST" else 200,
        )
    _require_add(access, unit)
    if unit.is_archived:
        return render(
            request,
            "plans/not_possible.html",
            {"message": _("Activities cannot be planned for an archived unit.")},
            status=400,
        )
    initial = {"goals": [goal.pk]} if goal is not None else {}
    # Someone who may not change the unit's plan is responsible for what they add.
    responsible = None if access.can(EDIT, unit) else request.user
    form = ActivityForm(request.POST or None, unit=unit, initial=initial, responsible=responsible)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if responsible is not None:
            data["owner"] = responsible
        try:
            activity = services.create_activity(organisation, request, unit=unit, **data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request,
                _("The activity %(title)s is in the action plan of %(unit)s.")
                % {"title": activity.title, "unit": unit.name},
            )
            return _to_activity(request, activity)
    return render(request, "plans/activity_form.html", {"form": form, "unit": unit, "goal": goal})


@require_http_methods(["GET", "POST"])
@member_view(EDIT)
def edit(request: MemberRequest, activity_id: int) -> HttpResponse:
    """Change an activity; a change of its dates or scope asks why."""
    activity = _editable(request, activity_id)
    initial = ActivityForm.initial_for(activity)
    form = ActivityForm(request.POST or None, unit=activity.unit, activity=activity,
                        initial=initial)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "")
        try:
            revision = services.update_activity(activity, request, reason, **data)
        except ValidationError as e:
            activity.refresh_from_db()
            apply_errors(form, e)
        else:
            if revision is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request, _("The activity %(title)s has been saved.") % {"title": activity}
                )
            return _to_activity(request, activity)
    return render(
        request,
        "plans/activity_form.html",
        {"form": form, "unit": activity.unit, "activity": activity},
    )


@require_http_methods(["GET", "POST"])
@member_view(UPDATE)
def status(request: MemberRequest, activity_id: int) -> HttpResponse:
    """Record where the activity stands: status, progress and a comment."""
    activity = updatable(request, activity_id)
    initial = {"status": activity.status, "progress": activity.progress}
    form = StatusForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            revision = services.update_status(
                activity, request, data["status"], data["progress"], data["comment"]
            )
        except ValidationError as e:
            activity.refresh_from_db()
            apply_errors(form, e)
        else:
            if revision is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request,
                    _("The status of %(title)s has been updated.") % {"title": activity.title},
                )
            return _to_activity(request, activity)
    return render(request, "plans/status_form.html", {"form": form, "activity": activity})


def _milestone(activity: Activity, milestone_id: int) -> Milestone:
    milestone = get_object_or_404(Milestone, pk=milestone_id, activity=activity)
    milestone.activity = activity
    return milestone


@require_http_methods(["GET", "POST"])
@member_view(UPDATE)
def milestone_add(request: MemberRequest, activity_id: int) -> HttpResponse:
    activity = updatable(request, activity_id)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            milestone = services.add_milestone(activity, request, **form.cleaned_data)
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(
                request, _("The milestone %(title)s has been added.") % {"title": milestone.title}
            )
            return _to_activity(request, activity, "milestones")
    return render(request, "plans/milestone_form.html", {"form": form, "activity": activity})


@require_http_methods(["GET", "POST"])
@member_view(UPDATE)
def milestone_edit(request: MemberRequest, activity_id: int, milestone_id: int) -> HttpResponse:
    activity = updatable(request, activity_id)
    milestone = _milestone(activity, milestone_id)
    initial = {"title": milestone.title, "due_on": milestone.due_on, "done_on": milestone.done_on}
    form = MilestoneForm(request.POST or None, milestone=milestone, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            revision = services.change_milestone(milestone, request, **form.cleaned_data)
        except ValidationError as e:
            milestone.refresh_from_db()
            apply_errors(form, e)
        else:
            if revision is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request,
                    _("The milestone %(title)s has been saved.") % {"title": milestone.title},
                )
            return _to_activity(request, activity, "milestones")
    return render(
        request,
        "plans/milestone_form.html",
        {"form": form, "activity": activity, "milestone": milestone},
    )


@require_POST
@member_view(UPDATE)
def milestone_done(request: MemberRequest, activity_id: int, milestone_id: int) -> HttpResponse:
    activity = updatable(request, activity_id)
    milestone = _milestone(activity, milestone_id)
    try:
        services.mark_milestone_done(milestone, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request, _("The milestone %(title)s is done.") % {"title": milestone.title}
        )
    return _to_activity(request, activity, "milestones")


def context_for_goal(request: MemberRequest, goal: Goal, shown: int) -> dict[str, Any]:
    """The activities serving `goal` for its page (two queries), and where "plan an activity
    for this goal" leads, if anywhere."""
    activities = list(
        Activity.objects.filter(goals=goal)
        .select_related("unit")
        .only("title", "starts_on", "ends_on", "progress", "status", "unit__name")
        .order_by("unit__path", "starts_on", "title", "id")[: shown + 1]
    )
    may_plan = goal.status != Goal.Status.CLOSED and _may_plan_somewhere(request.access, goal.unit)
    return {"activities": activities[:shown], "more": len(activities) > shown, "may_plan": may_plan}


# A panel on the goals app's page ------------------------------------------------------------------

SERVING_SHOWN = 20


def activities_panel(*, request: MemberRequest, goal: Goal, **_signal: Any) -> str:
    """On a goal's page (`goals.signals.work_panels`): the activities that serve the goal (two
    queries), with a link to plan one where the person may."""
    return render_to_string(
        "plans/_goal_activities.html",
        {"goal": goal, **context_for_goal(request, goal, SERVING_SHOWN)},
        request,
    )
