"""Progress, exactly as DESIGN.md §3 defines it, kept up to date on every write.

* An indicator's progress is linear from its baseline to its (last) target, capped to 0–100 %,
  read from the latest measurement of the goal's unit (all genders, `T`).
* A goal's progress is the weighted mean of its indicators', its child goals' and its
  contributing goals' progress (whatever of those has data).
* A unit's progress is the weighted mean of the goals it owns; child units are not added again.
* The traffic light compares progress with the planned trajectory at the time of the latest
  measurement: on track at 95 % of plan or more, at risk from 80 %, off track below.
* The series beside them, so that pages draw trends without a query of their own: each link
  keeps its unit's latest values (with the progress and planned progress each would give) and
  the plan through its baseline and targets (`GoalIndicator.series`); each goal keeps its
  progress and planned progress at each of the latest periods of its parts (`Goal.series`),
  rolled up exactly as its progress is, each part read at its latest period at or before.

:func:`recalculate` is called by every service that changes what progress depends on, inside its
transaction, with the goals it touched; it walks up through parents and contributions once.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from malbild.goals.models import Goal, GoalIndicator
from malbild.indicators.models import IndicatorTarget, Measurement
from malbild.indicators.progress import Reading, indicator_reading, light, one_decimal
from malbild.lib import periods
from malbild.tenants.models import OrgUnit

# bulk_update writes one CASE expression per batch; small batches keep each statement cheap.
BATCH = 200
SERIES_POINTS = 8  # the latest periods a stored series keeps: a trend, not the whole history


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
    "series",
)
# What it reads of a link and its indicator.
LINK_READ = (
    "goal_id",
    "indicator_id",
    "weight",
    "progress",
    "expected",
    "series",
    "indicator__baseline_value",
    "indicator__baseline_period",
)


# What the walk up the tree reads of a goal: its parent, the goals it contributes to, and the
# goals that contribute to it with their weights (joined: a row per pair of contributions). The
# joined contributions are the goal's organisation's: a contribution joins two of its goals.
WALK = (
    "pk",
    "parent_id",
    "contributions__to_goal_id",
    "contributors__goal_id",
    "contributors__weight",
)
WalkRow = tuple[int, int | None, int | None, int | None, Decimal | None]
Contributions = dict[tuple[int, int], Decimal]  # (goal contributed to, contributing goal): weight


def _with_ancestors(
    goal_ids: set[int], walked: list[WalkRow] | None = None
) -> tuple[set[int], Contributions]:
    """The goals and every goal above them through parents and contributions, and the
    contributions to all of these (one query a level). `walked`: the rows of `goal_ids`, when
    the caller has read them already."""
    found = set(goal_ids)
    frontier = set(goal_ids)
    contributions: Contributions = {}
    rows: Iterable[WalkRow] | None = walked
    while frontier:
        if rows is None:
            rows = Goal.objects.filter(pk__in=frontier).order_by().values_list(*WALK)
        above: set[int] = set()
        for goal_id, parent_id, to_goal_id, contributor_id, weight in rows:
            above.update(i for i in (parent_id, to_goal_id) if i is not None)
            if contributor_id is not None and weight is not None:
                contributions[(goal_id, contributor_id)] = weight
        frontier = above - found
        found |= frontier
        rows = None
    return found, contributions


def _latest_measurements(
    units_by_indicator: dict[int, set[int]],
) -> dict[tuple[int, int], list[Measurement]]:
    """The latest reported all-gender measurements per (indicator, unit) of `units_by_indicator`,
    at most `SERIES_POINTS`, oldest first (one query)."""
    if not units_by_indicator:
        return {}
    # One term per indicator (not per link): SQLite refuses expressions deeper than 1,000.
    wanted = Q()
    for indicator_id, unit_ids in units_by_indicator.items():
        wanted |= Q(indicator_id=indicator_id, org_unit_id__in=sorted(unit_ids))
    latest: dict[tuple[int, int], list[Measurement]] = defaultdict(list)
    rows = (
        Measurement.objects.filter(wanted, gender="T", value__isnull=False)
        .order_by("indicator_id", "org_unit_id", "-position")
        .only("indicator_id", "org_unit_id", "position", "value", "period")
    )
    for row in rows:
        found = latest[(row.indicator_id, row.org_unit_id)]
        if len(found) < SERIES_POINTS:
            found.append(row)
    return {key: found[::-1] for key, found in latest.items()}


# Stored series ------------------------------------------------------------------------------------
# Plain lists in a JSONField, numbers as decimal text (exact, and short): a link's
# {"measured": [[period, position, value, progress, expected], …], "plan": [[period, position,
# value], …]}, a goal's [[period, position, progress, expected], …]; oldest first. The functions
# below run no query and read only plain attributes, so the data migration that filled the
# series for existing rows uses them on its historical models.


def decimal_text(value: Decimal | None) -> str | None:
    """A decimal as the shortest exact text ("55.5", "100"), None as None."""
    if value is None:
        return None
    return format(value.normalize(), "f")


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def link_series(indicator: Any, targets: list[Any], measured: list[Any]) -> dict[str, list[Any]]:
    """A link's series: its unit's latest values (`measured`, oldest first) each with the
    progress and planned progress it gives, and the plan through the baseline and targets."""
    points = []
    for measurement in measured[-SERIES_POINTS:]:
        reading = indicator_reading(indicator, targets, measurement)
        points.append([
            measurement.period, measurement.position, decimal_text(measurement.value),
            decimal_text(reading.progress), decimal_text(reading.expected),
        ])  # fmt: skip
    plan: list[Any] = []
    try:
        base = periods.parse(indicator.baseline_period)
    except periods.PeriodError:
        pass
    else:
        plan.append([base.text, base.position, decimal_text(indicator.baseline_value)])
    plan += [[t.period, t.position, decimal_text(t.value)] for t in targets]
    return {"measured": points, "plan": plan}


def link_progress(series: dict[str, list[Any]]) -> list[list[Any]]:
    """A link's series as a goal's: [period, position, progress, expected] where it has one."""
    return [[p[0], p[1], p[3], p[4]] for p in series.get("measured", []) if p[3] is not None]


def combine(parts: list[tuple[Decimal, list[list[Any]]]]) -> list[list[Any]]:
    """A goal's series from its parts' (weight, series): at each of the latest periods of any
    part, the weighted mean of every part read at its latest period at or before it."""
    texts: dict[float, str] = {}
    for _weight, points in parts:
        for point in points:
            texts.setdefault(point[1], point[0])
    found = []
    for position in sorted(texts)[-SERIES_POINTS:]:
        readings = []
        for weight, points in parts:
            at = None
            for point in points:  # oldest first
                if point[1] > position:
                    break
                at = point
            if at is not None:
                readings.append((weight, _decimal(at[2]), _decimal(at[3])))
        reading = _weighted(readings)
        if reading.progress is not None:
            found.append([texts[position], position, decimal_text(reading.progress),
                          decimal_text(reading.expected)])  # fmt: skip
    return found


def goal_series(
    goal_ids: Iterable[int],
    link_parts: dict[int, list[tuple[Decimal, list[list[Any]]]]],
    children: dict[int, list[tuple[Decimal, int]]],
    contributors: dict[int, list[tuple[Decimal, int]]],
    stored: dict[int, list[list[Any]]],
) -> dict[int, list[list[Any]]]:
    """The series of `goal_ids` from their links' series (`link_parts`, by goal), their
    children's and contributors' (weight, goal id): computed when among `goal_ids`, else as
    `stored`."""
    wanted = set(goal_ids)
    found: dict[int, list[list[Any]]] = {}

    def series_of(goal_id: int, seen: frozenset[int]) -> list[list[Any]]:
        if goal_id in found:
            return found[goal_id]
        if goal_id not in wanted:
            return stored.get(goal_id) or []
        if goal_id in seen:  # validation forbids cycles; never loop if one slipped in
            return []
        inner = seen | {goal_id}
        parts = list(link_parts.get(goal_id, []))
        parts += [(w, series_of(g, inner)) for w, g in children.get(goal_id, [])]
        parts += [(w, series_of(g, inner)) for w, g in contributors.get(goal_id, [])]
        found[goal_id] = combine(parts)
        return found[goal_id]

    for goal_id in wanted:
        series_of(goal_id, frozenset())
    return found


Results = dict[int, tuple[Decimal | None, Decimal | None, str]]


def compute(goal_ids: set[int]) -> tuple[Results, list[GoalIndicator]]:
    """What progress, planned progress and light `goal_ids` and their ancestors should have,
    and the indicator links whose readings changed (nothing is saved)."""
    results, links, _goals, _series = _compute(goal_ids)
    return results, links


def _compute(
    goal_ids: set[int], walked: list[WalkRow] | None = None
) -> tuple[Results, list[GoalIndicator], dict[int, Goal], dict[int, list[list[Any]]]]:
    """compute(), the goals it read (as stored) and the series they should have; the links
    whose series changed are among the changed links. `walked` as for `_with_ancestors`."""
    affected, contributions = _with_ancestors(goal_ids, walked)
    contributing = {goal_id for _to, goal_id in contributions}
    # The affected goals, their children and the goals contributing to them, in one query; in
    # the goals' order (title, id), which is also the order in which their parts are combined.
    wanted = Q(pk__in=affected) | Q(parent_id__in=affected)
    if contributing - affected:
        wanted |= Q(pk__in=contributing - affected)
    goals: dict[int, Goal] = {}
    children: dict[int, list[Goal]] = defaultdict(list)
    outside: dict[int, Goal] = {}
    rank: dict[int, int] = {}
    for goal in Goal.objects.filter(wanted).only(*READ):
        rank[goal.pk] = len(rank)
        if goal.pk in affected:
            goals[goal.pk] = goal
        elif goal.pk in contributing:
            outside[goal.pk] = goal
        if goal.parent_id in affected and goal.status != Goal.Status.CLOSED:
            children[goal.parent_id].append(goal)
    contributors: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    # Each goal's contributors in their goals' order, as Contribution's own ordering gives it.
    for (to_goal_id, goal_id), weight in sorted(
        contributions.items(), key=lambda item: rank[item[0][1]]
    ):
        contributors[to_goal_id].append((weight, goal_id))
    # A goal's links in its indicators' order (their codes), as GoalIndicator's ordering gives
    # them; the order of the goals among themselves does not matter here.
    links = list(
        GoalIndicator.objects.filter(goal_id__in=affected)
        .select_related("indicator")
        .only(*LINK_READ)
        .order_by("indicator__code")
    )
    targets: dict[int, list[IndicatorTarget]] = defaultdict(list)
    for target in IndicatorTarget.objects.filter(
        indicator_id__in={link.indicator_id for link in links}
    ).order_by("position"):
        targets[target.indicator_id].append(target)
    units_by_indicator: dict[int, set[int]] = defaultdict(set)
    for link in links:
        units_by_indicator[link.indicator_id].add(goals[link.goal_id].unit_id)
    latest = _latest_measurements(units_by_indicator)
    link_readings: dict[int, list[tuple[Decimal, Decimal | None, Decimal | None]]] = defaultdict(
        list
    )
    link_parts: dict[int, list[tuple[Decimal, list[list[Any]]]]] = defaultdict(list)
    changed_links = []
    for link in links:
        measured = latest.get((link.indicator_id, goals[link.goal_id].unit_id), [])
        reading = indicator_reading(
            link.indicator, targets[link.indicator_id], measured[-1] if measured else None
        )
        values = link_series(link.indicator, targets[link.indicator_id], measured)
        if (link.progress, link.expected, link.series) != (
            reading.progress,
            reading.expected,
            values,
        ):
            link.progress, link.expected, link.series = reading.progress, reading.expected, values
            changed_links.append(link)
        link_readings[link.goal_id].append((link.weight, reading.progress, reading.expected))
        link_parts[link.goal_id].append((link.weight, link_progress(values)))

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
    series = goal_series(
        goals,
        link_parts,
        {gid: [(c.weight, c.pk) for c in found] for gid, found in children.items()},
        contributors,
        {g.pk: g.series for g in [*outside.values(), *(c for cs in children.values() for c in cs)]},
    )
    return results, changed_links, goals, series


def _save(rows: list[Any], fields: list[str]) -> None:
    """Write `fields` of the changed `rows`: one plain UPDATE when they all take the same values
    (as the links of one indicator and unit do), else bulk_update's CASE, a statement a batch."""
    if not rows:
        return
    model = type(rows[0])
    first = {name: getattr(rows[0], name) for name in fields}
    if all({name: getattr(row, name) for name in fields} == first for row in rows[1:]):
        model.objects.filter(pk__in=[row.pk for row in rows]).update(**first)
    else:
        model.objects.bulk_update(rows, fields, batch_size=BATCH)


def recalculate(goal_ids: Iterable[int], *, walked: list[WalkRow] | None = None) -> bool:
    """Bring the stored progress of `goal_ids`, the goals above them and their units up to date.
    Call it inside the transaction of the write that changed them. True when the stored
    progress, expected progress, light or trend of a goal, or the progress of a unit, moved
    (what the dashboards show); the indicators' own figures on a goal's page are not counted.
    `walked`: what the walk up the tree reads of `goal_ids` (`WALK`), when already read."""
    ids = set(goal_ids)
    if not ids:
        return False
    # The goals as read inside this transaction.
    results, links, goals, series = _compute(ids, walked)
    _save(links, ["progress", "expected", "series"])
    changed = []
    for goal_id, (progress, expected, state) in results.items():
        goal = goals[goal_id]
        found = series[goal_id]
        if (goal.progress, goal.expected, goal.light, goal.series) != (
            progress,
            expected,
            state,
            found,
        ):
            goal.progress, goal.expected, goal.light, goal.series = progress, expected, state, found
            changed.append(goal)
    _save(changed, ["progress", "expected", "light", "series"])
    units_moved = recalculate_units({goal.unit_id for goal in goals.values()})
    return bool(changed) or units_moved


def recalculate_units(unit_ids: set[int]) -> bool:
    """Bring the stored progress of `unit_ids` up to date: the weighted mean of the active goals
    each owns (child units are not added again). True when one of them moved."""
    if not unit_ids:
        return False
    parts: dict[int, list[tuple[Decimal, Decimal | None, Decimal | None]]] = defaultdict(list)
    stored: dict[int, Decimal | None] = {}
    # The goals with their unit's stored progress, in one query; a unit that owns no active goal
    # is read on its own.
    for unit_id, weight, goal_progress, expected, unit_progress in (
        Goal.objects.filter(unit_id__in=unit_ids, status=Goal.Status.ACTIVE)
        .order_by()
        .values_list("unit_id", "weight", "progress", "expected", "unit__progress")
    ):
        parts[unit_id].append((weight, goal_progress, expected))
        stored[unit_id] = unit_progress
    if len(stored) < len(unit_ids):
        stored |= dict(
            OrgUnit.objects.filter(pk__in=unit_ids - stored.keys())
            .order_by()
            .values_list("pk", "progress")
        )
    changed = []
    for unit_id, unit_progress in stored.items():
        reading = _weighted(parts[unit_id]).progress
        if unit_progress != reading:
            changed.append(OrgUnit(pk=unit_id, progress=reading))
    _save(changed, ["progress"])
    return bool(changed)


def _measuring(indicator_id: int, unit_id: int | None) -> QuerySet[GoalIndicator]:
    links = GoalIndicator.objects.filter(indicator_id=indicator_id).order_by()
    if unit_id is not None:
        links = links.filter(goal__unit_id=unit_id)
    return links


def goals_measured_by(indicator_id: int, unit_id: int | None = None) -> list[int]:
    """The goals whose progress a measurement of `indicator_id` (for `unit_id`) moves."""
    return list(_measuring(indicator_id, unit_id).values_list("goal_id", flat=True))


def recalculate_measured_by(indicator_id: int, unit_id: int | None = None) -> bool:
    """`recalculate(goals_measured_by(indicator_id, unit_id))`, reading what the walk up the
    tree needs of those goals in the same query."""
    walked = list(
        _measuring(indicator_id, unit_id).values_list(*(f"goal__{name}" for name in WALK))
    )
    return recalculate({row[0] for row in walked}, walked=walked)


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
