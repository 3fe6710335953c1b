"""Progress, exactly as DESIGN.md §3 defines it, kept up to date on every write.

* An indicator's progress is linear from its baseline to its (last) target, capped to 0–100 %,
  read from the latest measurement of the goal's unit (all genders, `T`).
* A goal's progress is the weighted mean of its indicators', its child goals' and its
  contributing goals' progress (whatever of those has data).
* A unit's progress is the weighted mean of the goals it owns; child units are not added again.
* The traffic light compares progress with the planned trajectory at the time of the latest
  measurement: on track at 95 % of plan or more, at risk from 80 %, off track below.

:func:`recalculate` is called by every service that changes what progress depends on, inside its
transaction, with the goals it touched; it walks up through parents and contributions once.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from malbild.goals.models import Contribution, Goal, GoalIndicator
from malbild.indicators.models import IndicatorTarget, Measurement
from malbild.indicators.progress import Reading, indicator_reading, light, one_decimal
from malbild.tenants.models import OrgUnit

# bulk_update writes one CASE expression per batch; small batches keep each statement cheap.
BATCH = 200


def _weighted(parts: Iterable[tuple[Decimal, Decimal | None, Decimal | None]]) -> Reading:
    total = Decimal(0)
    progress = Decimal(0)
    expected = Decimal(0)
    for weight, part_progress, part_expected in parts:
        if part_progress is None or weight <= 0:
            continue
        total += weight
        progress += weight * part_progress
        expected += weight * (part_expected if part_expected is not None else part_progress)
    if total == 0:
        return Reading(None, None)
    return Reading(one_decimal(progress / total), one_decimal(expected / total))


# What the calculation reads of a goal (not its texts): every goal below a top goal is read.
READ = (
    "organisation_id",
    "unit_id",
    "parent_id",
    "weight",
    "status",
    "progress",
    "expected",
    "light",
)


def _with_ancestors(goal_ids: set[int]) -> set[int]:
    """The goals and every goal above them through parents and contributions (one query a
    level: the parents and the goals contributed to, in a union)."""
    found = set(goal_ids)
    frontier = set(goal_ids)
    while frontier:
        parents = (
            Goal.objects.filter(pk__in=frontier, parent__isnull=False)
            .order_by()
            .values_list("parent_id", flat=True)
        )
        targets = (
            Contribution.objects.filter(goal_id__in=frontier)
            .order_by()
            .values_list("to_goal_id", flat=True)
        )
        frontier = set(parents.union(targets)) - found
        found |= frontier
    return found


def _latest_measurements(links: list[GoalIndicator]) -> dict[tuple[int, int], Measurement]:
    """The latest reported all-gender measurement per (indicator, unit) of the links."""
    if not links:
        return {}
    # One term per indicator (not per link): SQLite refuses expressions deeper than 1,000.
    units_by_indicator: dict[int, set[int]] = defaultdict(set)
    for link in links:
        units_by_indicator[link.indicator_id].add(link.goal.unit_id)
    wanted = Q()
    for indicator_id, unit_ids in units_by_indicator.items():
        wanted |= Q(indicator_id=indicator_id, org_unit_id__in=sorted(unit_ids))
    latest: dict[tuple[int, int], Measurement] = {}
    rows = (
        Measurement.objects.filter(wanted, gender="T", value__isnull=False)
        .order_by("indicator_id", "org_unit_id", "-position")
        .only("indicator_id", "org_unit_id", "position", "value", "period")
    )
    for row in rows:
        latest.setdefault((row.indicator_id, row.org_unit_id), row)
    return latest


Results = dict[int, tuple[Decimal | None, Decimal | None, str]]


def compute(goal_ids: set[int]) -> tuple[Results, list[GoalIndicator]]:
    """What progress, planned progress and light `goal_ids` and their ancestors should have,
    and the indicator links whose readings changed (nothing is saved)."""
    results, links, _goals = _compute(goal_ids)
    return results, links


def _compute(goal_ids: set[int]) -> tuple[Results, list[GoalIndicator], dict[int, Goal]]:
    """compute(), and the goals it read (as stored)."""
    affected = _with_ancestors(goal_ids)
    goals = {g.pk: g for g in Goal.objects.filter(pk__in=affected).only(*READ)}
    links = list(
        GoalIndicator.objects.filter(goal_id__in=affected).select_related("indicator", "goal")
    )
    targets: dict[int, list[IndicatorTarget]] = defaultdict(list)
    for target in IndicatorTarget.objects.filter(
        indicator_id__in={link.indicator_id for link in links}
    ).order_by("position"):
        targets[target.indicator_id].append(target)
    latest = _latest_measurements(links)
    link_readings: dict[int, list[tuple[Decimal, Decimal | None, Decimal | None]]] = defaultdict(
        list
    )
    changed_links = []
    for link in links:
        reading = indicator_reading(
            link.indicator,
            targets[link.indicator_id],
            latest.get((link.indicator_id, link.goal.unit_id)),
        )
        if (link.progress, link.expected) != (reading.progress, reading.expected):
            link.progress, link.expected = reading.progress, reading.expected
            changed_links.append(link)
        link_readings[link.goal_id].append((link.weight, reading.progress, reading.expected))
    children: dict[int, list[Goal]] = defaultdict(list)
    for child in (
        Goal.objects.filter(parent_id__in=affected).exclude(status=Goal.Status.CLOSED).only(*READ)
    ):
        children[child.parent_id].append(child)  # type: ignore[index]
    contributors: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    for contribution in Contribution.objects.filter(to_goal_id__in=affected):
        contributors[contribution.to_goal_id].append((contribution.weight, contribution.goal_id))
    outside = {
        g.pk: g
        for g in Goal.objects.filter(
            pk__in={gid for items in contributors.values() for _w, gid in items} - affected
        ).only(*READ)
    }

    results: Results = {}

    def reading_of(goal_id: int, seen: frozenset[int] = frozenset()) -> Reading:
        if goal_id in results:
            progress, expected, _light = results[goal_id]
            return Reading(progress, expected)
        if goal_id not in goals:  # not affected: its stored progress is current
            goal = outside[goal_id]
            return Reading(goal.progress, goal.expected)
        if goal_id in seen:  # validation forbids cycles; never loop if one slipped in
            return Reading(None, None)
        parts = list(link_readings[goal_id])
        for child in children[goal_id]:
            child_reading = (
                reading_of(child.pk, seen | {goal_id})
                if child.pk in goals
                else Reading(child.progress, child.expected)
            )
            parts.append((child.weight, child_reading.progress, child_reading.expected))
        for weight, contributor in contributors[goal_id]:
            contributed = reading_of(contributor, seen | {goal_id})
            parts.append((weight, contributed.progress, contributed.expected))
        reading = _weighted(parts)
        results[goal_id] = (
            reading.progress,
            reading.expected,
            light(reading.progress, reading.expected),
        )
        return reading

    for goal_id in goals:
        reading_of(goal_id)
    return results, changed_links, goals


def recalculate(goal_ids: Iterable[int]) -> None:
    """Bring the stored progress of `goal_ids`, the goals above them and their units up to date.
    Call it inside the transaction of the write that changed them."""
    ids = set(goal_ids)
    if not ids:
        return
    results, links, goals = _compute(ids)  # the goals as read inside this transaction
    if links:
        GoalIndicator.objects.bulk_update(links, ["progress", "expected"], batch_size=BATCH)
    changed = []
    for goal_id, (progress, expected, state) in results.items():
        goal = goals[goal_id]
        if (goal.progress, goal.expected, goal.light) != (progress, expected, state):
            goal.progress, goal.expected, goal.light = progress, expected, state
            changed.append(goal)
    if changed:
        Goal.objects.bulk_update(changed, ["progress", "expected", "light"], batch_size=BATCH)
    recalculate_units({goal.unit_id for goal in goals.values()})


def unit_reading(unit_ids: set[int]) -> dict[int, Decimal | None]:
    """Each unit's progress: the weighted mean of the active goals it owns (one query)."""
    parts: dict[int, list[tuple[Decimal, Decimal | None, Decimal | None]]] = defaultdict(list)
    for goal in Goal.objects.filter(unit_id__in=unit_ids, status=Goal.Status.ACTIVE).only(
        "unit_id", "weight", "progress", "expected"
    ):
        parts[goal.unit_id].append((goal.weight, goal.progress, goal.expected))
    return {unit_id: _weighted(parts[unit_id]).progress for unit_id in unit_ids}


def recalculate_units(unit_ids: set[int]) -> None:
    if not unit_ids:
        return
    readings = unit_reading(unit_ids)
    units = OrgUnit.objects.in_bulk(list(unit_ids))
    changed = [u for uid, u in units.items() if u.progress != readings[uid]]
    for unit in changed:
        unit.progress = readings[unit.pk]
    if changed:
        OrgUnit.objects.bulk_update(changed, ["progress"], batch_size=BATCH)


def goals_measured_by(indicator_id: int, unit_id: int | None = None) -> list[int]:
    """The goals whose progress a measurement of `indicator_id` (for `unit_id`) moves."""
    links = GoalIndicator.objects.filter(indicator_id=indicator_id)
    if unit_id is not None:
        links = links.filter(goal__unit_id=unit_id)
    return list(links.values_list("goal_id", flat=True))


@dataclass(frozen=True)
class Drift:
    goal_id: int
    stored: Decimal | None
    computed: Decimal | None


def verify() -> list[Drift]:
    """Recompute every goal of the organisation in scope and list those whose stored progress
    differs (the nightly check; it changes nothing)."""
    stored = {g.pk: g.progress for g in Goal.objects.only("progress")}
    results, _links = compute(set(stored))
    return [
        Drift(goal_id, stored[goal_id], progress)
        for goal_id, (progress, _expected, _light) in sorted(results.items())
        if stored.get(goal_id) != progress
    ]
