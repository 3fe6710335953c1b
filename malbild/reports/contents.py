"""What a follow-up document holds, gathered once and frozen as plain JSON.

`gather` reads a period and a unit's subtree in the organisation in scope and returns a dict of
text and numbers only (labels already in the document's language), which `reports.pdf` and
`reports.excel` render and `GeneratedReport.contents` keeps. Rendering again from the kept dict
(after a consent is withdrawn) gives the same document, whatever has changed in the database
since.

The rule on drafts is `followup.access`: follow-up reports that are not ready go in only when
`with_drafts` is set, which the caller sets only for a person who reads the subtree's drafts.
"""

from collections import Counter, defaultdict
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation

from malbild.followup.access import PUBLISHED
from malbild.followup.models import InvestmentFollowUp, Period, Report
from malbild.goals.models import Goal, GoalIndicator
from malbild.imports.measurements import export_rows
from malbild.indicators.models import IndicatorTarget, Measurement
from malbild.lib import periods
from malbild.plans.models import ActivityRevision
from malbild.platforms import services as platform
from malbild.stories import services as story_services
from malbild.targets import services as targets
from malbild.tenants.models import Organisation, OrgUnit

STORIES = 6  # the highlights: the latest stories published in the subtree


class EmptyPeriod(Exception):
    """Nothing has been reported for the period in the subtree: there is nothing to put in a
    document."""


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _person(user: Any) -> str:
    return "" if user is None else (user.name or user.email)


def _decision(decision: Any) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "body": decision.body,
        "decided_on": decision.decided_on.isoformat(),
        "reference": decision.reference,
    }


def _subtree_goals(period: Period, unit: OrgUnit) -> list[Goal]:
    """The goals of the subtree the period follows up: the active ones and any reported on."""
    reported = Report.objects.filter(period=period, goal=OuterRef("pk"))
    return list(
        Goal.objects.filter(unit__path__startswith=unit.path)
        .filter(Q(status=Goal.Status.ACTIVE) | Q(Exists(reported)))
        .select_related("unit", "focus_area")
        .order_by("focus_area__position", "focus_area__name", "unit__path", "title", "id")
    )


def has_reports(period: Period, unit: OrgUnit, *, with_drafts: bool) -> bool:
    """Whether any follow-up report of the subtree for the period goes into a document (one
    query)."""
    reports = Report.objects.filter(period=period, unit__path__startswith=unit.path)
    if not with_drafts:
        reports = reports.filter(state__in=PUBLISHED)
    return reports.exists()


def _indicators(goals: list[Goal]) -> dict[int, list[dict[str, Any]]]:
    """Per goal, its indicators with the series of the goal's unit (all genders together) and
    the plan from baseline to targets, for the chart and the table under it (three queries)."""
    links = list(
        GoalIndicator.objects.filter(goal__in=goals)
        .select_related("indicator")
        .order_by("indicator__code")
    )
    indicator_ids = {link.indicator_id for link in links}
    unit_of = {goal.pk: goal.unit_id for goal in goals}
    series: dict[tuple[int, int], list[Measurement]] = defaultdict(list)
    for m in Measurement.objects.filter(
        indicator_id__in=indicator_ids,
        org_unit_id__in=set(unit_of.values()),
        gender=Measurement.Gender.ALL,
        value__isnull=False,
    ).order_by("position"):
        series[(m.indicator_id, m.org_unit_id)].append(m)
    plans: dict[int, list[IndicatorTarget]] = defaultdict(list)
    for t in IndicatorTarget.objects.filter(indicator_id__in=indicator_ids).order_by("position"):
        plans[t.indicator_id].append(t)
    found: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        indicator = link.indicator
        measured: list[list[Any]] = [
            [m.position, m.period, _number(m.value)]
            for m in series[(indicator.pk, unit_of[link.goal_id])]
        ]
        base = periods.parse(indicator.baseline_period)
        planned: list[list[Any]] = [[base.position, base.text, _number(indicator.baseline_value)]]
        planned += [[t.position, t.period, _number(t.value)] for t in plans[indicator.pk]]
        rows: dict[str, dict[str, Any]] = {}
        for position, text, value in measured:
            rows.setdefault(text, {"period": text, "position": position})["value"] = value
        for position, text, value in planned:
            rows.setdefault(text, {"period": text, "position": position})["planned"] = value
        found[link.goal_id].append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit_of_measure": indicator.unit_of_measure,
                "periodicity": indicator.periodicity,
                "measured": measured,
                "planned": planned,
                "rows": sorted(rows.values(), key=lambda row: row["position"]),
            }
        )
    return found


def _goals(period: Period, goals: list[Goal], *, with_drafts: bool) -> list[dict[str, Any]]:
    reports = Report.objects.filter(period=period, goal__in=goals)
    if not with_drafts:
        reports = reports.filter(state__in=PUBLISHED)
    by_goal = {r.goal_id: r for r in reports}
    indicators = _indicators(goals)
    found = []
    for goal in goals:
        report = by_goal.get(goal.pk)
        found.append(
            {
                "id": goal.pk,
                "title": goal.title,
                "unit": goal.unit.name,
                "focus_area": goal.focus_area.name,
                "status": goal.get_status_display(),
                "progress": _number(goal.progress),
                "light": goal.light,
                "light_label": goal.get_light_display(),
                "indicators": indicators.get(goal.pk, []),
                "report": None
                if report is None
                else {
                    "state": report.state,
                    "state_label": report.get_state_display(),
                    "light": report.light,
                    "light_label": report.get_light_display(),
                    "analysis": report.analysis,
                    "decision": report.decision,
                    "decision_label": report.get_decision_display(),
                    "reasoning": report.reasoning,
                    "revised_plan": report.revised_plan,
                    "late": report.late,
                },
            }
        )
    return found


def _revisions(period: Period, unit: OrgUnit) -> list[dict[str, Any]]:
    """The changes to the subtree's action plans made during the period, oldest first."""
    start = timezone.make_aware(datetime.combine(period.starts_on, time.min))
    end = timezone.make_aware(datetime.combine(period.ends_on, time.max))
    revisions = (
        ActivityRevision.objects.filter(
            activity__unit__path__startswith=unit.path, changed_at__range=(start, end)
        )
        .select_related("activity", "activity__unit", "changed_by")
        .order_by("changed_at", "id")
    )
    return [
        {
            "activity": r.activity.title,
            "unit": r.activity.unit.name,
            "kind": r.get_kind_display(),
            "changed_at": timezone.localtime(r.changed_at).isoformat(),
            "by": _person(r.changed_by),
            "reason": r.reason,
            "changes": [[row.label, row.before, row.after] for row in r.rows()],
        }
        for r in revisions
    ]


def _investments(organisation: Organisation, period: Period) -> list[dict[str, Any]]:
    target = targets.adopted(organisation)
    if target is None:
        return []
    followups = {
        f.investment_id: f
        for f in InvestmentFollowUp.objects.filter(period=period, investment__target_vision=target)
    }
    found = []
    for investment in target.investments.all():
        followup = followups.get(investment.pk)
        found.append(
            {
                "title": investment.title,
                "amount_per_year": _number(investment.amount_per_year),
                "spent": None if followup is None else _number(followup.spent),
                "achieved": "" if followup is None else followup.achieved,
                "gains": "" if followup is None else followup.get_gains_display(),
                "gains_note": "" if followup is None else followup.gains_note,
            }
        )
    return found


def _stories(period: Period, unit: OrgUnit, today: date) -> list[dict[str, Any]]:
    """The latest stories published in the subtree from the period's start (stories of the whole
    organisation belong to its top unit), with the quotes and pictures whose consent stands."""
    in_subtree = Q(unit__path__startswith=unit.path)
    if unit.parent_id is None:
        in_subtree |= Q(unit__isnull=True)
    start = timezone.make_aware(datetime.combine(period.starts_on, time.min))
    stories = list(
        story_services.published_stories()
        .filter(in_subtree, published_at__gte=start)
        .select_related("unit")
        .order_by("-published_at", "-id")[:STORIES]
    )
    quotes: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for quote in story_services.live_quotes().filter(story__in=stories).order_by("id"):
        quotes[quote.story_id].append(
            {"id": quote.pk, "text": quote.text, "speaker": quote.speaker}
        )
    images: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for image in story_services.live_images().filter(story__in=stories).order_by("id"):
        if image.file:
            images[image.story_id].append({"id": image.pk, "alt": image.alt_text})
    return [
        {
            "id": story.pk,
            "title": story.title,
            "summary": story.summary,
            "unit": story.unit.name if story.unit else "",
            "published_on": timezone.localtime(story.published_at).date().isoformat()
            if story.published_at
            else today.isoformat(),
            "quotes": quotes[story.pk],
            "images": images[story.pk],
        }
        for story in stories
    ]


def _platform(organisation: Organisation) -> dict[str, Any] | None:
    version = platform.in_force(organisation)
    if version is None:
        return None
    return {
        "vision": version.vision,
        "mission": version.mission,
        "values": [
            {"name": str(v.get("name", "")), "description": str(v.get("description", ""))}
            for v in version.core_values
        ],
        "decision": _decision(version.decision),
    }


def _target(organisation: Organisation) -> dict[str, Any] | None:
    target = targets.adopted(organisation)
    if target is None:
        return None
    return {
        "title": target.title,
        "statement": target.statement,
        "start_year": target.start_year,
        "end_year": target.end_year,
        "decision": _decision(target.decision),
    }


def gather(
    organisation: Organisation,
    period: Period,
    unit: OrgUnit,
    *,
    language: str,
    with_drafts: bool,
) -> dict[str, Any]:
    """The contents of the document, in `language` (a constant number of queries, whatever the
    size of the subtree). Raises EmptyPeriod when nothing has been reported."""
    if not has_reports(period, unit, with_drafts=with_drafts):
        raise EmptyPeriod
    today = timezone.localdate()
    with translation.override(language):
        goals = _subtree_goals(period, unit)
        goal_rows = _goals(period, goals, with_drafts=with_drafts)
        decisions = Counter(g["report"]["decision"] for g in goal_rows if g["report"])
        indicator_ids = list(
            GoalIndicator.objects.filter(goal__in=goals).values_list("indicator_id", flat=True)
        )
        return {
            "organisation": organisation.name,
            "language": language,
            "generated_on": today.isoformat(),
            "with_drafts": with_drafts,
            "period": {
                "name": period.name,
                "starts_on": period.starts_on.isoformat(),
                "ends_on": period.ends_on.isoformat(),
                "deadline": period.deadline.isoformat(),
            },
            "unit": {"name": unit.name, "code": unit.code},
            "platform": _platform(organisation),
            "target": _target(organisation),
            "goals": goal_rows,
            "decisions": [
                {"decision": value, "label": str(label), "count": decisions.get(value, 0)}
                for value, label in Report.Decision.choices
            ],
            "revisions": _revisions(period, unit),
            "investments": _investments(organisation, period),
            "stories": _stories(period, unit, today),
            "measurements": list(
                export_rows(
                    organisation,
                    indicator_ids=sorted(set(indicator_ids)),
                    unit_path=unit.path,
                    numbers=True,
                )
            ),
            "removed": [],
        }


def quote_ids(contents: dict[str, Any]) -> list[int]:
    return [q["id"] for s in contents.get("stories", []) for q in s["quotes"]]


def image_ids(contents: dict[str, Any]) -> list[int]:
    return [i["id"] for s in contents.get("stories", []) for i in s["images"]]


def without(
    contents: dict[str, Any], *, quotes: set[int], images: set[int], on: date
) -> dict[str, Any]:
    """The contents with the given quotes and images taken out, each leaving a note in its
    story and in the document's list of removals (with the date)."""
    removed = list(contents.get("removed", []))
    stories = []
    for story in contents.get("stories", []):
        story = dict(story)
        gone_quotes = [q for q in story["quotes"] if q["id"] in quotes]
        gone_images = [i for i in story["images"] if i["id"] in images]
        story["quotes"] = [q for q in story["quotes"] if q["id"] not in quotes]
        story["images"] = [i for i in story["images"] if i["id"] not in images]
        story["removed_quotes"] = story.get("removed_quotes", 0) + len(gone_quotes)
        story["removed_images"] = story.get("removed_images", 0) + len(gone_images)
        for kind, gone in (("quote", gone_quotes), ("image", gone_images)):
            removed.extend(
                {"kind": kind, "story": story["title"], "on": on.isoformat()} for _item in gone
            )
        stories.append(story)
    return {**contents, "stories": stories, "removed": removed}
