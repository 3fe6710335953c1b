"""The goal tree: goals set under the adopted målbild and broken down unit by unit, the evidence
they rest on, the indicators that measure them and the goals of other units they help.

Every function writes inside one transaction, records an audit event ("goals.<verb>") in it, and
brings stored progress up to date (`progress.recalculate`) with the goals it touched, so that what
the pages show is never behind what was written. A value entered for an indicator does the same
through `recalculate_for_indicator`, connected in `apps.py` to `indicators.signals.values_changed`.
"""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from malbild import audit
from malbild.goals import progress, signals
from malbild.goals.models import Contribution, Evidence, Goal, GoalIndicator
from malbild.indicators.models import Indicator
from malbild.platforms.models import Value
from malbild.targets.models import FocusArea
from malbild.targets.services import adopted
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import require_organisation

Status = Goal.Status
Kind = Evidence.Kind
EDITABLE = ("title", "description", "owner", "focus_area", "weight", "parent")
REFERENCE_KINDS = (Kind.ASSESSMENT, Kind.SIGNAL)


def _user(request: HttpRequest | None) -> Any:
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _state(goal: Goal) -> dict[str, Any]:
    """What the audit trail keeps of a goal (one query, for its values)."""
    return {
        "title": goal.title,
        "description": goal.description,
        "status": goal.status,
        "unit": goal.unit_id,
        "focus_area": goal.focus_area_id,
        "parent": goal.parent_id,
        "owner": goal.owner_id,
        "weight": _weight(goal.weight),
        "values": sorted(goal.values.values_list("pk", flat=True)),
    }


def _weight(value: Decimal) -> str:
    """A weight as the audit trail writes it: always two decimals ("1.50")."""
    return str(Decimal(value).quantize(Decimal("0.01")))


def _same_organisation(organisation_id: int, *objects: Any) -> None:
    """A guard for callers other than the forms (which only offer the organisation's rows)."""
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation_id:
            raise ValueError(f"{obj!r} belongs to another organisation")


# Rules --------------------------------------------------------------------------------------------


def check_weight(weight: Decimal | None, field: str = "weight") -> None:
    if weight is None or weight < 0:
        raise ValidationError({field: _("The weight cannot be negative. Use 0 or more.")})


def builds_on(goal_ids: set[int]) -> set[int]:
    """The goals and every goal whose progress they feed, through parents and contributions
    (two queries a level)."""
    found = set(goal_ids)
    frontier = set(goal_ids)
    while frontier:
        parents = set(
            Goal.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
        targets = set(
            Contribution.objects.filter(goal_id__in=frontier).values_list("to_goal_id", flat=True)
        )
        frontier = (parents | targets) - found
        found |= frontier
    return found


def check_parent(unit: OrgUnit, parent: Goal | None, goal: Goal | None = None) -> None:
    """A goal breaks down a goal of a unit strictly above its own, never itself or a goal that
    already builds on it (which would make a circle), and never a closed goal. An active goal
    breaks down only an active one: what the public reads of a goal includes what it breaks down,
    and a draft is not yet the organisation's."""
    if parent is None:
        return
    if goal is not None and goal.pk is not None and goal.pk in builds_on({parent.pk}):
        raise ValidationError(
            {
                "parent": ValidationError(
                    _("“%(parent)s” builds on this goal already, so this goal cannot break it "
                      "down: that would make a circle."),
                    params={"parent": parent.title},
                )
            }
        )  # fmt: skip
    if parent.unit_id == unit.pk or not parent.unit.contains(unit):
        raise ValidationError(
            {
                "parent": ValidationError(
                    _("A goal can only break down a goal of a unit above its own. “%(parent)s” "
                      "belongs to %(parent_unit)s, which is not above %(unit)s."),
                    params={
                        "parent": parent.title,
                        "parent_unit": parent.unit.name,
                        "unit": unit.name,
                    },
                )
            }
        )  # fmt: skip
    if parent.status == Status.CLOSED:
        raise ValidationError(
            {
                "parent": ValidationError(
                    _("“%(parent)s” is closed and cannot be broken down further."),
                    params={"parent": parent.title},
                )
            }
        )
    if parent.status == Status.DRAFT and goal is not None and goal.status == Status.ACTIVE:
        raise ValidationError(
            {
                "parent": ValidationError(
                    _("“%(parent)s” is still a draft. An active goal can only break down an "
                      "active goal: make “%(parent)s” active first, or choose another."),
                    params={"parent": parent.title},
                )
            }
        )  # fmt: skip


def adopted_or_refuse(organisation: Organisation) -> Any:
    """The målbild in force, which every new goal is set under (one query)."""
    target = adopted(organisation)
    if target is None:
        raise ValidationError(
            _("Adopt a målbild first: every goal is set under the målbild in force, and none "
              "has been adopted yet.")
        )  # fmt: skip
    return target


# Goals --------------------------------------------------------------------------------------------


@transaction.atomic
def create_goal(
    organisation: Organisation,
    request: HttpRequest | None,
    *,
    unit: OrgUnit,
    focus_area: FocusArea,
    title: str,
    description: str = "",
    owner: Any = None,
    values: Iterable[Value] = (),
    weight: Decimal = Decimal(1),
    parent: Goal | None = None,
) -> Goal:
    """Set a goal for `unit` under the adopted målbild, as a draft; with `parent`, it breaks
    that goal of a higher unit down."""
    values = list(values)
    _same_organisation(organisation.pk, unit, focus_area, parent, *values)
    target = adopted_or_refuse(organisation)
    if unit.is_archived:
        raise ValidationError(_("Goals cannot be set for an archived unit."))
    check_weight(weight)
    check_parent(unit, parent)
    goal = Goal.objects.create(
        organisation=organisation,
        target_vision=target,
        focus_area=focus_area,
        unit=unit,
        parent=parent,
        title=title,
        description=description,
        owner=owner,
        weight=weight,
        created_by=_user(request),
    )
    goal.values.set(values)
    audit.record(
        "goals.created",
        request=request,
        target=goal,
        summary=goal.title,
        after=_state(goal),
        organisation=organisation,
    )
    progress.recalculate([goal.pk])
    return goal


@transaction.atomic
def update_goal(goal: Goal, request: HttpRequest | None, **fields: Any) -> Goal:
    """Change what `EDITABLE` names, and the values (`values=`). A new parent is checked like at
    creation; the old parent's progress is recalculated without this goal."""
    before = _state(goal)
    old_parent_id = goal.parent_id
    values = fields.pop("values", None)
    for name in fields:
        if name not in EDITABLE:
            raise ValueError(name)
    _same_organisation(
        goal.organisation_id, fields.get("focus_area"), fields.get("parent"), *(values or [])
    )
    if "weight" in fields:
        check_weight(fields["weight"])
    new_parent = fields.get("parent")
    if new_parent is not None and new_parent.pk != old_parent_id:
        check_parent(goal.unit, new_parent, goal)
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.save()
    if values is not None:
        goal.values.set(values)
    audit.record(
        "goals.changed",
        request=request,
        target=goal,
        summary=goal.title,
        before=before,
        after=_state(goal),
    )
    progress.recalculate({goal.pk} | ({old_parent_id} if old_parent_id else set()))
    return goal


def _set_status(goal: Goal, status: str, action: str, request: HttpRequest | None) -> Goal:
    before = {"status": goal.status}
    goal.status = status
    goal.save(update_fields=["status"])
    audit.record(
        action,
        request=request,
        target=goal,
        summary=goal.title,
        before=before,
        after={"status": status},
    )
    progress.recalculate([goal.pk])
    signals.status_changed.send(sender=Goal, goal=goal, request=request)
    return goal


@transaction.atomic
def activate(goal: Goal, request: HttpRequest | None) -> Goal:
    """Make a goal active: only when it cites at least one piece of evidence."""
    if goal.status == Status.ACTIVE:
        raise ValidationError(_("The goal is already active."))
    if not Evidence.objects.filter(goal=goal).exists():
        raise ValidationError(
            _("A goal can be made active only when it rests on evidence: data from an "
              "indicator, research, a change in a steering document, a self-assessment result "
              "or a signal. Add at least one piece of evidence first.")
        )  # fmt: skip
    if goal.parent is not None and goal.parent.status == Status.DRAFT:
        raise ValidationError(
            _("This goal breaks down “%(parent)s”, which is still a draft. Make “%(parent)s” "
              "active first, or change which goal this one breaks down."),
            params={"parent": goal.parent.title},
        )  # fmt: skip
    return _set_status(goal, Status.ACTIVE, "goals.activated", request)


@transaction.atomic
def close(goal: Goal, request: HttpRequest | None) -> Goal:
    """Close a goal; it no longer counts in the progress of the goal it breaks down."""
    if goal.status == Status.CLOSED:
        raise ValidationError(_("The goal is already closed."))
    return _set_status(goal, Status.CLOSED, "goals.closed", request)


# Evidence -----------------------------------------------------------------------------------------


@transaction.atomic
def add_evidence(
    goal: Goal,
    request: HttpRequest | None,
    kind: str,
    *,
    title: str = "",
    url: str = "",
    doi: str = "",
    summary: str = "",
    steering_change: Any = None,
    reference: str = "",
) -> Evidence:
    """Cite research, a change in a steering document, a self-assessment result or a signal.
    Data is cited by linking an indicator (:func:`link_indicator`)."""
    _same_organisation(goal.organisation_id, steering_change)
    if kind == Kind.RESEARCH:
        if not title:
            raise ValidationError({"title": _("Write the title of the research.")})
        if not url and not doi:
            raise ValidationError(
                {"url": _("Give a link or a DOI (or both), so that others can read the research.")}
            )
    elif kind == Kind.STEERING:
        if steering_change is None:
            raise ValidationError(
                {"steering_change": _("Choose the change in a steering document.")}
            )
        title = title or str(steering_change)
    elif kind in REFERENCE_KINDS:
        if not title or not reference:
            raise ValidationError(_("Write a title and what the evidence refers to."))
    else:
        raise ValueError(kind)
    evidence = Evidence.objects.create(
        organisation_id=goal.organisation_id,
        goal=goal,
        kind=kind,
        title=title[:300],
        url=url,
        doi=doi,
        summary=summary,
        steering_change=steering_change,
        reference=reference,
        added_by=_user(request),
    )
    audit.record(
        "goals.evidence_added",
        request=request,
        target=goal,
        summary=evidence.title,
        after={"kind": kind, "title": evidence.title, "url": url, "doi": doi,
               "steering_change": getattr(steering_change, "pk", None), "reference": reference},
    )  # fmt: skip
    return evidence


def _left_without_evidence(goal: Goal, removed: Q) -> bool:
    return (
        goal.status == Status.ACTIVE
        and not Evidence.objects.filter(goal=goal).exclude(removed).exists()
    )


LAST_EVIDENCE = _(
    "This is the last piece of evidence of an active goal, and an active goal must rest on "
    "evidence. Add other evidence first, or close the goal."
)


@transaction.atomic
def remove_evidence(evidence: Evidence, request: HttpRequest | None) -> None:
    """Remove one piece of evidence; for data, the indicator no longer measures the goal."""
    goal = evidence.goal
    if _left_without_evidence(goal, Q(pk=evidence.pk)):
        raise ValidationError(LAST_EVIDENCE)
    unlinked = False
    if evidence.kind == Kind.INDICATOR and evidence.indicator_id is not None:
        still_cited = (
            Evidence.objects.filter(goal=goal, kind=Kind.INDICATOR, indicator=evidence.indicator_id)
            .exclude(pk=evidence.pk)
            .exists()
        )
        if not still_cited:
            unlinked = bool(
                GoalIndicator.objects.filter(goal=goal, indicator=evidence.indicator_id).delete()[0]
            )
    audit.record(
        "goals.evidence_removed",
        request=request,
        target=goal,
        summary=evidence.title,
        before={"kind": evidence.kind, "title": evidence.title, "indicator": evidence.indicator_id},
    )
    evidence.delete()
    if unlinked:
        progress.recalculate([goal.pk])


# Indicators ---------------------------------------------------------------------------------------


@transaction.atomic
def link_indicator(
    goal: Goal, request: HttpRequest | None, indicator: Indicator, weight: Decimal = Decimal(1)
) -> GoalIndicator:
    """Let `indicator` measure the goal, with a weight in its progress. The data counts as
    evidence: an Evidence row of kind "indicator" is added with the link."""
    _same_organisation(goal.organisation_id, indicator)
    check_weight(weight)
    if GoalIndicator.objects.filter(goal=goal, indicator=indicator).exists():
        raise ValidationError(
            {
                "indicator": ValidationError(
                    _("%(indicator)s already measures this goal."),
                    params={"indicator": str(indicator)},
                )
            }
        )
    link = GoalIndicator.objects.create(
        organisation_id=goal.organisation_id, goal=goal, indicator=indicator, weight=weight
    )
    Evidence.objects.create(
        organisation_id=goal.organisation_id,
        goal=goal,
        kind=Kind.INDICATOR,
        title=str(indicator)[:300],
        indicator=indicator,
        added_by=_user(request),
    )
    audit.record(
        "goals.indicator_linked",
        request=request,
        target=goal,
        summary=str(indicator),
        after={"indicator": indicator.pk, "weight": _weight(weight)},
    )
    progress.recalculate([goal.pk])
    return link


@transaction.atomic
def change_indicator_weight(
    link: GoalIndicator, request: HttpRequest | None, weight: Decimal
) -> GoalIndicator:
    check_weight(weight)
    before = {"indicator": link.indicator_id, "weight": _weight(link.weight)}
    link.weight = weight
    link.save(update_fields=["weight"])
    audit.record(
        "goals.indicator_changed",
        request=request,
        target=link.goal,
        summary=str(link.indicator),
        before=before,
        after={"indicator": link.indicator_id, "weight": _weight(weight)},
    )
    progress.recalculate([link.goal_id])
    return link


@transaction.atomic
def unlink_indicator(link: GoalIndicator, request: HttpRequest | None) -> None:
    """The indicator no longer measures the goal; its data is no longer cited as evidence."""
    goal = link.goal
    cited = Q(kind=Kind.INDICATOR, indicator=link.indicator_id)
    if _left_without_evidence(goal, cited):
        raise ValidationError(LAST_EVIDENCE)
    Evidence.objects.filter(cited, goal=goal).delete()
    audit.record(
        "goals.indicator_unlinked",
        request=request,
        target=goal,
        summary=str(link.indicator),
        before={"indicator": link.indicator_id, "weight": _weight(link.weight)},
    )
    link.delete()
    progress.recalculate([goal.pk])


# Contributions ------------------------------------------------------------------------------------


@transaction.atomic
def add_contribution(
    goal: Goal, to_goal: Goal, request: HttpRequest | None, weight: Decimal = Decimal(1)
) -> Contribution:
    """Say that `goal` also helps `to_goal`, a goal of another unit, with a weight in its
    progress. Refused when it would make a circle through parents and contributions."""
    _same_organisation(goal.organisation_id, to_goal)
    check_weight(weight)

    def refuse(message: Any) -> ValidationError:
        return ValidationError(
            {"to_goal": ValidationError(message, params={"goal": goal.title, "to": to_goal.title})}
        )

    if to_goal.unit_id == goal.unit_id:
        raise refuse(
            _("Choose a goal of another unit. Within a unit, break the goal down instead.")
        )
    if to_goal.pk == goal.parent_id:
        raise refuse(_("“%(goal)s” already breaks down “%(to)s”, and counts in it that way."))
    if to_goal.status == Status.CLOSED:
        raise refuse(_("“%(to)s” is closed."))
    if Contribution.objects.filter(goal=goal, to_goal=to_goal).exists():
        raise refuse(_("“%(goal)s” already contributes to “%(to)s”."))
    if goal.pk in builds_on({to_goal.pk}):
        raise refuse(
            _("“%(to)s” already builds on “%(goal)s”, so “%(goal)s” cannot contribute to it: "
              "that would make a circle.")
        )  # fmt: skip
    contribution = Contribution.objects.create(
        organisation_id=goal.organisation_id, goal=goal, to_goal=to_goal, weight=weight
    )
    audit.record(
        "goals.contribution_added",
        request=request,
        target=goal,
        summary=f"{goal.title} → {to_goal.title}",
        after={"to_goal": to_goal.pk, "weight": _weight(weight)},
    )
    progress.recalculate([goal.pk])
    return contribution


@transaction.atomic
def remove_contribution(contribution: Contribution, request: HttpRequest | None) -> None:
    to_goal_id = contribution.to_goal_id
    audit.record(
        "goals.contribution_removed",
        request=request,
        target=contribution.goal,
        summary=str(contribution),
        before={"to_goal": to_goal_id, "weight": _weight(contribution.weight)},
    )
    contribution.delete()
    progress.recalculate([to_goal_id])


# Reactions to the apps below ----------------------------------------------------------------------


def set_assessment(goal: Goal, light: str) -> None:
    """Keep the light of the goal's latest follow-up report marked ready ("" for none). The
    follow-up's write that changes it records the audit event."""
    if goal.assessed_light != light:
        Goal.objects.filter(pk=goal.pk).update(assessed_light=light)
        goal.assessed_light = light


def recalculate_for_indicator(
    *, indicator_id: int, unit_id: int | None = None, **_signal: Any
) -> None:
    """An indicator's values, baseline or targets changed (`indicators.signals.values_changed`,
    in the transaction of that write): the goals it measures, for `unit_id` or for every unit,
    and everything above them. When that moved a goal's or a unit's stored figures it is
    counted (`Organisation.progress_moved`); a value that moved none leaves the dashboards
    cached (docs/performance.md)."""
    if progress.recalculate_measured_by(indicator_id, unit_id):
        Organisation.progress_moved(require_organisation().pk)
