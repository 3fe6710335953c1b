"""Action plans: activities that serve a unit's goals, their milestones and the kept history.

Every function writes inside one transaction, keeps an :class:`ActivityRevision` of what changed
(readable values, field by field, with the reason) and records an audit event ("plans.<verb>")
in the same transaction. The rules are checked before anything is written, so a refused change
changes nothing.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.goals.models import Goal
from malbild.plans.models import Activity, ActivityRevision, Milestone
from malbild.platforms.models import Value
from malbild.tenants.models import Membership, Organisation, OrgUnit

Status = Activity.Status
Kind = ActivityRevision.Kind
# Changing these needs a reason: the plan's dates, and its scope (what it is and what it serves).
DATES = frozenset({"starts_on", "ends_on"})
SCOPE = frozenset({"title", "description", "goals"})
EDITABLE = frozenset({"title", "description", "goals", "values", "owner", "starts_on", "ends_on"})

REASON_NEEDED = _(
    "Write why: a reason is needed when the dates, the title, the description or the goals of "
    "an activity change. It is kept in the activity's history."
)


def _user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _same_organisation(organisation_id: int, *objects: Any) -> None:
    """A guard for callers other than the forms (which answer 404 for another organisation's id)."""
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation_id:
            raise ValueError(f"{obj!r} belongs to another organisation")


def _day(value: date) -> str:
    return date_format(value, "j F Y")


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.name or user.email


def snapshot(
    activity: Activity, goals: Iterable[Goal] | None = None, values: Iterable[Value] | None = None
) -> dict[str, Any]:
    """What a revision keeps of an activity: readable values (titles and names, ISO dates), so
    the history reads the same after goals or people change. Queries the goals and values
    unless they are given."""
    goal_list = list(goals) if goals is not None else list(activity.goals.all())
    value_list = list(values) if values is not None else list(activity.values.all())
    return {
        "title": activity.title,
        "description": activity.description,
        "goals": sorted(g.title for g in goal_list),
        "values": sorted(v.name for v in value_list),
        "owner": _person(activity.owner),
        "starts_on": activity.starts_on.isoformat(),
        "ends_on": activity.ends_on.isoformat(),
        "status": activity.status,
        "progress": activity.progress,
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {"before": before.get(name), "after": value}
        for name, value in after.items()
        if before.get(name) != value
    }


def _revise(
    activity: Activity,
    request: HttpRequest | None,
    kind: str,
    changes: dict[str, dict[str, Any]],
    reason: str = "",
) -> ActivityRevision:
    return ActivityRevision.objects.create(
        organisation_id=activity.organisation_id,
        activity=activity,
        kind=kind,
        changes=changes,
        reason=reason,
        changed_by=_user(request),
    )


# Rules --------------------------------------------------------------------------------------------


def check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ValidationError(
            {
                "ends_on": ValidationError(
                    _("The activity ends before it starts. Choose an end date on or after the "
                      "start date, %(start)s."),
                    params={"start": _day(starts_on)},
                )
            }
        )  # fmt: skip


def reachable_goals(unit: OrgUnit) -> Any:
    """The goals an activity of `unit` may serve: those of the unit and of the units above it
    (a lazy queryset)."""
    return Goal.objects.filter(unit_id__in=[unit.pk, *unit.ancestor_ids()])


def check_goals(unit: OrgUnit, goals: Iterable[Goal], already: Iterable[int] = ()) -> None:
    """Every goal belongs to the unit or a unit above it; a newly chosen goal is not closed.
    (`already`: the goals the activity serves now, which may stay even when closed.)"""
    allowed = {unit.pk, *unit.ancestor_ids()}
    kept = set(already)
    for goal in goals:
        if goal.unit_id not in allowed:
            raise ValidationError(
                {
                    "goals": ValidationError(
                        _("“%(goal)s” is a goal of %(goal_unit)s, which is neither %(unit)s nor "
                          "a unit above it. An activity can serve the goals of its own unit and "
                          "of the units above."),
                        params={"goal": goal.title, "goal_unit": goal.unit.name,
                                "unit": unit.name},
                    )
                }
            )  # fmt: skip
        if goal.status == Goal.Status.CLOSED and goal.pk not in kept:
            raise ValidationError(
                {
                    "goals": ValidationError(
                        _("“%(goal)s” is closed. Choose goals that are still open."),
                        params={"goal": goal.title},
                    )
                }
            )


def check_owner(owner: Any) -> None:
    """The responsible person is a member of the organisation in scope (one query)."""
    if owner is not None and not Membership.objects.filter(user=owner).exists():
        raise ValidationError(
            {"owner": _("The responsible person must be a member of the organisation.")}
        )


def check_due(due_on: date, starts_on: date, ends_on: date, field: str = "due_on") -> None:
    if not starts_on <= due_on <= ends_on:
        raise ValidationError(
            {
                field: ValidationError(
                    _("A milestone must fall within its activity, which runs from %(start)s to "
                      "%(end)s. Choose a due date within those dates, or change the activity's "
                      "dates first."),
                    params={"start": _day(starts_on), "end": _day(ends_on)},
                )
            }
        )  # fmt: skip


def check_done(done_on: date | None) -> None:
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationError(
            {"done_on": _("A milestone cannot be done in the future. Leave the date empty "
                          "until it is done.")}
        )  # fmt: skip


def check_progress(status: str, progress: int) -> None:
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress is a whole number from 0 to 100.")})
    if status == Status.NOT_STARTED and progress > 0:
        raise ValidationError(
            {"progress": _("An activity that has not started has no progress yet. Set the "
                           "status to in progress, or the progress to 0.")}
        )  # fmt: skip


# Activities ---------------------------------------------------------------------------------------


@transaction.atomic
def create_activity(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    unit: OrgUnit,
    title: str,
    starts_on: date,
    ends_on: date,
    description: str = "",
    goals: Iterable[Goal] = (),
    values: Iterable[Value] = (),
    owner: Any = None,
) -> Activity:
    """Plan an activity for `unit`, not started yet; its first revision is its creation."""
    goals, values = list(goals), list(values)
    _same_organisation(organisation.pk, unit, *goals, *values)
    if unit.is_archived:
        raise ValidationError(_("Activities cannot be planned for an archived unit."))
    check_dates(starts_on, ends_on)
    check_goals(unit, goals)
    check_owner(owner)
    activity = Activity.objects.create(
        organisation=organisation,
        unit=unit,
        title=title,
        description=description,
        owner=owner,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=_user(request),
    )
    activity.goals.set(goals)
    activity.values.set(values)
    after = snapshot(activity, goals, values)
    _revise(activity, request, Kind.CREATED, diff({}, after))
    audit.record(
        "plans.activity_created",
        request=request,
        target=activity,
        summary=activity.title,
        after={**after, "unit": unit.pk},
        organisation=organisation,
    )
    return activity


def pending_changes(activity: Activity, fields: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What `update_activity(activity, **fields)` would change, as a revision writes it (a query
    or two, for the goals and values)."""
    before = snapshot(activity)
    proposed = Activity(
        title=fields.get("title", activity.title),
        description=fields.get("description", activity.description),
        owner=fields.get("owner", activity.owner),
        starts_on=fields.get("starts_on", activity.starts_on),
        ends_on=fields.get("ends_on", activity.ends_on),
        status=activity.status,
        progress=activity.progress,
    )
    goals = fields.get("goals")
    values = fields.get("values")
    after = {
        **snapshot(proposed, goals if goals is not None else [], values or []),
        **({} if goals is not None else {"goals": before["goals"]}),
        **({} if values is not None else {"values": before["values"]}),
    }
    return diff(before, after)


def needs_reason(changes: dict[str, Any]) -> bool:
    return bool(set(changes) & (DATES | SCOPE))


@transaction.atomic
def update_activity(
    activity: Activity, request: HttpRequest | None, reason: str = "", **fields: Any
) -> ActivityRevision | None:
    """Change what `EDITABLE` names. A change of the dates or the scope needs `reason`; new
    dates must still hold every milestone. Returns the revision, or None when nothing changed."""
    for name in fields:
        if name not in EDITABLE:
            raise ValueError(name)
    goals = fields.get("goals")
    values = fields.get("values")
    _same_organisation(activity.organisation_id, *(goals or []), *(values or []))
    if "owner" in fields:
        check_owner(fields["owner"])
    reason = reason.strip()
    starts_on = fields.get("starts_on", activity.starts_on)
    ends_on = fields.get("ends_on", activity.ends_on)
    check_dates(starts_on, ends_on)
    if goals is not None:
        check_goals(activity.unit, goals, activity.goals.values_list("pk", flat=True))
    outside = [m for m in activity.milestones.all() if not starts_on <= m.due_on <= ends_on]
    if outside:
        raise ValidationError(
            {
                "ends_on" if outside[0].due_on > ends_on else "starts_on": ValidationError(
                    _("The milestone “%(milestone)s” is due on %(due)s, outside the new dates. "
                      "Move the milestone first, or choose dates that include it."),
                    params={"milestone": outside[0].title, "due": _day(outside[0].due_on)},
                )
            }
        )  # fmt: skip
    changes = pending_changes(activity, fields)
    if not changes:
        return None
    if needs_reason(changes) and not reason:
        raise ValidationError({"reason": REASON_NEEDED})
    before = snapshot(activity)
    for name, value in fields.items():
        if name not in ("goals", "values"):
            setattr(activity, name, value)
    activity.save()
    if goals is not None:
        activity.goals.set(goals)
    if values is not None:
        activity.values.set(values)
    revision = _revise(activity, request, Kind.CHANGED, changes, reason)
    audit.record(
        "plans.activity_changed",
        request=request,
        target=activity,
        summary=activity.title,
        before={name: before[name] for name in changes},
        after={**{name: change["after"] for name, change in changes.items()}, "reason": reason},
    )
    return revision


@transaction.atomic
def update_status(
    activity: Activity, request: HttpRequest | None, status: str, progress: int, comment: str = ""
) -> ActivityRevision | None:
    """Record where the activity stands. Done means 100 %; a comment is kept with the change."""
    if status not in Status.values:
        raise ValueError(status)
    if status == Status.DONE:
        progress = 100
    check_progress(status, progress)
    changes = diff(
        {"status": activity.status, "progress": activity.progress},
        {"status": status, "progress": progress},
    )
    comment = comment.strip()
    if not changes and not comment:
        return None
    before = {"status": activity.status, "progress": activity.progress}
    activity.status = status
    activity.progress = progress
    activity.save(update_fields=["status", "progress", "updated_at"])
    revision = _revise(activity, request, Kind.STATUS, changes, comment)
    audit.record(
        "plans.status_updated",
        request=request,
        target=activity,
        summary=activity.title,
        before=before,
        after={"status": status, "progress": progress, "comment": comment},
    )
    return revision


# Milestones ---------------------------------------------------------------------------------------


def _milestone_state(milestone: Milestone) -> dict[str, Any]:
    return {
        "milestone": milestone.title,
        "milestone_due_on": milestone.due_on.isoformat(),
        "milestone_done_on": milestone.done_on.isoformat() if milestone.done_on else None,
    }


@transaction.atomic
def add_milestone(
    activity: Activity, request: HttpRequest | None, *, title: str, due_on: date
) -> Milestone:
    check_due(due_on, activity.starts_on, activity.ends_on)
    milestone = Milestone.objects.create(
        organisation_id=activity.organisation_id, activity=activity, title=title, due_on=due_on
    )
    after = _milestone_state(milestone)
    _revise(activity, request, Kind.MILESTONE, diff({}, after))
    audit.record(
        "plans.milestone_added",
        request=request,
        target=activity,
        summary=f"{activity.title}: {title}",
        after=after,
    )
    return milestone


@transaction.atomic
def change_milestone(
    milestone: Milestone,
    request: HttpRequest | None,
    *,
    title: str,
    due_on: date,
    done_on: date | None,
    reason: str = "",
) -> ActivityRevision | None:
    activity = milestone.activity
    check_due(due_on, activity.starts_on, activity.ends_on)
    check_done(done_on)
    before = _milestone_state(milestone)
    milestone.title, milestone.due_on, milestone.done_on = title, due_on, done_on
    after = _milestone_state(milestone)
    changes = diff(before, after)
    if not changes:
        return None
    # The milestone's name always goes with the change, so the history says which one it was.
    changes.setdefault("milestone", {"before": before["milestone"], "after": title})
    milestone.save()
    revision = _revise(activity, request, Kind.MILESTONE, changes, reason.strip())
    audit.record(
        "plans.milestone_changed",
        request=request,
        target=activity,
        summary=f"{activity.title}: {title}",
        before=before,
        after=after,
    )
    return revision


@transaction.atomic
def mark_milestone_done(milestone: Milestone, request: HttpRequest | None) -> Milestone:
    if milestone.done_on is not None:
        raise ValidationError(
            _("The milestone was already marked done on %(date)s."),
            params={"date": _day(milestone.done_on)},
        )
    activity = milestone.activity
    before = _milestone_state(milestone)
    milestone.done_on = timezone.localdate()
    milestone.save(update_fields=["done_on"])
    after = _milestone_state(milestone)
    changes = diff(before, after)
    changes["milestone"] = {"before": milestone.title, "after": milestone.title}
    _revise(activity, request, Kind.MILESTONE, changes)
    audit.record(
        "plans.milestone_done",
        request=request,
        target=activity,
        summary=f"{activity.title}: {milestone.title}",
        before=before,
        after=after,
    )
    return milestone
