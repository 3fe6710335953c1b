"""What a person's start page asks the database: what needs them now ("Att göra"), how it is
going ("Så går det") and the coming dates.

Each function is one query (the goals to report on: one more, for people limited to units), so
the start page costs the same dozen queries whatever the size of the organisation (the bench's
`max_queries_per_page`). Everything goes through the organisation's scoped managers; what is
limited to a subtree (draft reports, whose goals a rektor reports on) follows the person's
memberships, and the whole organisation for roles without a unit limit.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from malbild.assessments.models import AssessmentRound, Participant
from malbild.followup.models import Period, Report
from malbild.goals import pictures, trends
from malbild.goals.models import Goal
from malbild.lib import charts
from malbild.scanning.models import Mention, SignalComment
from malbild.steering.models import SteeringChange
from malbild.surveys.access import RUN, runnable
from malbild.surveys.models import Survey
from malbild.targets.models import TargetVision
from malbild.targets.tasks import REMIND_DAYS_AHEAD
from malbild.tenants.models import OrgUnit, within
from malbild.tenants.permissions import Access

Light = Goal.Light
SHOWN = 5  # items of one kind in "Att göra"; the count says how many in all
LATE_SHOWN_DAYS = 60  # a period whose deadline passed this long ago leaves "Att göra"
PERIODS_READ = 12  # the newest periods read for the to-dos and the coming dates
PUBLISHED = (Report.State.READY, Report.State.APPROVED)

# The traffic lights in the picture: each a colour (above 3:1 on white, and white text on it
# above 4.5:1) and the shape the pages use for it, so colour never carries the meaning alone.
LIGHT_STYLES: dict[str, charts.Style] = {
    Light.ON_TRACK: charts.Style("#1e6b34", shape="circle"),
    Light.AT_RISK: charts.Style("#8a5700", shape="triangle"),
    Light.OFF_TRACK: charts.Style("#a4161a", shape="square"),
    Light.NO_DATA: charts.Style("#5b6470", shape="ring"),
}


# Så går det ---------------------------------------------------------------------------------------


@dataclass
class AreaStatus:
    """One focus area's active goals per light, in the order of Goal.Light."""

    name: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(light, 0) for light in Light.values]


@dataclass
class Status:
    areas: list[AreaStatus]
    scope: list[OrgUnit] | None  # the person's units, or None for the whole organisation
    # Active goals per light as their leads assessed it in the latest ready report (the second
    # voice beside the measured light); goals without such a report are not counted.
    assessed: dict[str, int] = field(default_factory=dict)

    @property
    def totals(self) -> list[int]:
        return [sum(a.counts.get(light, 0) for a in self.areas) for light in Light.values]

    @property
    def total(self) -> int:
        return sum(self.totals)

    def chart(self, title: str, description: str) -> str:
        parts = [
            charts.Part(
                str(label), [a.counts.get(value, 0) for a in self.areas], LIGHT_STYLES[value]
            )
            for value, label in Light.choices
        ]
        return charts.stacked(
            [a.name for a in self.areas], parts, title=title, description=description
        )


def status_scope(access: Access) -> list[OrgUnit] | None:
    """The units whose goals a person's "Så går det" shows: those their roles are limited to, or
    None (the whole organisation) when any role covers it all."""
    units: list[OrgUnit] = []
    for membership in access.memberships:
        if membership.unit is None:
            return None
        units.append(membership.unit)
    return units


def status(goals: QuerySet[Goal], scope: list[OrgUnit] | None) -> Status:
    """Active goals by focus area and light, within `scope` (one query)."""
    if scope is not None:
        goals = goals.filter(within(scope, "unit__path"))
    rows = (
        goals.filter(status=Goal.Status.ACTIVE)
        .values("focus_area__position", "focus_area__name", "light", "assessed_light")
        .annotate(n=Count("pk"))
        .order_by("focus_area__position", "focus_area__name", "light", "assessed_light")
    )
    areas: dict[str, AreaStatus] = {}
    assessed: dict[str, int] = {}
    for row in rows:
        name = row["focus_area__name"] or _("No focus area")
        area = areas.setdefault(name, AreaStatus(name, {}))
        area.counts[row["light"]] = area.counts.get(row["light"], 0) + row["n"]
        if row["assessed_light"]:
            assessed[row["assessed_light"]] = assessed.get(row["assessed_light"], 0) + row["n"]
    return Status(list(areas.values()), scope, assessed)


def light_counts(status: Status) -> list[tuple[str, str, int]]:
    """The totals of `status` per light as (light, label, count), in the order of Goal.Light."""
    return [
        (value, str(label), count)
        for (value, label), count in zip(Light.choices, status.totals, strict=True)
    ]


# Att göra -----------------------------------------------------------------------------------------


@dataclass
class PeriodWork:
    """A follow-up period as it concerns the person: how many of the active goals they report on
    have no ready report yet, and (for those who approve) how many reports wait for approval."""

    period: Period
    missing: int
    to_approve: int
    late: bool
    goals: list[Goal] = field(default_factory=list)  # the first goals to report on, with links


def _ready_reports(subtrees: list[OrgUnit] | None) -> Coalesce:
    reports = Report.objects.filter(
        period=OuterRef("pk"), state__in=PUBLISHED, goal__status=Goal.Status.ACTIVE
    )
    if subtrees is not None:
        reports = reports.filter(within(subtrees, "unit__path"))
    counted = reports.order_by().values("period").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _waiting_for_approval() -> Coalesce:
    reports = Report.objects.filter(period=OuterRef("pk"), state=Report.State.READY)
    counted = reports.order_by().values("period").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _reportable(subtrees: list[OrgUnit] | None) -> Coalesce:
    goals = Goal.objects.filter(status=Goal.Status.ACTIVE)
    if subtrees is not None:
        goals = goals.filter(within(subtrees, "unit__path"))
    counted = goals.order_by().values("organisation").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def periods(access: Access) -> list[Period]:
    """The newest periods, newest deadline first, each with the number of active goals the
    person reports on (`reportable`), how many of those have a ready report (`ready`) and how
    many reports wait for approval (`waiting`) (one query)."""
    subtrees = access.subtrees("can_report_followup")
    return list(
        Period.objects.annotate(
            reportable=_reportable(subtrees),
            ready=_ready_reports(subtrees),
            waiting=_waiting_for_approval(),
        ).order_by("-deadline", "-pk")[:PERIODS_READ]
    )


def report_work(access: Access, found: list[Period], today: date) -> list[PeriodWork]:
    """The periods (from `periods`) open for reports or recently past their deadline in which
    the person has reports to write (`can_report_followup`) or approve (`can_manage_followup`),
    late ones first. For a person limited to units the most pressing period lists its first
    goals to report on (one query)."""
    may_report = access.can("can_report_followup", anywhere=True)
    may_approve = access.can("can_manage_followup")
    work = []
    for period in found:
        if period.starts_on > today or period.deadline < today - timedelta(days=LATE_SHOWN_DAYS):
            continue
        counts: Any = period  # the annotations of `periods`
        missing = max(counts.reportable - counts.ready, 0) if may_report else 0
        waiting = counts.waiting if may_approve else 0
        if missing or waiting:
            work.append(PeriodWork(period, missing, waiting, period.deadline < today))
    work.sort(key=lambda w: (not w.late, w.period.deadline, w.period.pk))
    subtrees = access.subtrees("can_report_followup")
    first = next((w for w in work if w.missing), None)
    if first is not None and subtrees is not None:
        first.goals = goals_to_report(first.period, subtrees)
    return work


def goals_to_report(period: Period, subtrees: list[OrgUnit]) -> list[Goal]:
    """The first active goals in `subtrees` without a ready report for `period` (one query)."""
    done = Report.objects.filter(period=period, goal=OuterRef("pk"), state__in=PUBLISHED)
    return list(
        Goal.objects.filter(within(subtrees, "unit__path"), status=Goal.Status.ACTIVE)
        .filter(~Exists(done))
        .select_related("unit")
        .order_by("unit__path", "title", "pk")[:SHOWN]
    )


def rounds_to_answer(user_id: int) -> list[Participant]:
    """The open self-assessment rounds the person is invited to, the soonest last day to
    answer first (past ones first of all: they are late) and rounds without one after them
    (one query)."""
    return list(
        Participant.objects.filter(user_id=user_id, round__status=AssessmentRound.Status.OPEN)
        .select_related("round", "round__unit")
        .order_by(F("round__closes_on").asc(nulls_last=True), "round__started_at", "pk")[:SHOWN]
    )


def signals_to_answer(user_id: int) -> list[Mention]:
    """The signal comments that name the person and that they have not commented after, oldest
    first (one query)."""
    answered = SignalComment.objects.filter(
        signal=OuterRef("comment__signal"),
        author_id=user_id,
        created_at__gt=OuterRef("comment__created_at"),
    )
    return list(
        Mention.objects.filter(person_id=user_id)
        .filter(~Exists(answered))
        .select_related("comment__signal", "comment__author")
        .order_by("comment__created_at", "pk")[:SHOWN]
    )


@dataclass
class Versions:
    """The målbild in force (its review when due) and the one waiting for the nämnd's decision."""

    adopted: TargetVision | None
    proposed: TargetVision | None
    review_due: bool
    review_overdue: bool


def versions(today: date) -> Versions:
    """The adopted and the proposed målbild (one query)."""
    adopted = proposed = None
    for version in TargetVision.objects.filter(
        status__in=[TargetVision.Status.ADOPTED, TargetVision.Status.PROPOSED]
    ).order_by("number"):
        if version.status == TargetVision.Status.ADOPTED:
            adopted = version
        else:
            proposed = version
    review = adopted.review_date if adopted else None
    return Versions(
        adopted,
        proposed,
        review_due=bool(review and review <= today + timedelta(days=REMIND_DAYS_AHEAD)),
        review_overdue=bool(adopted and adopted.review_overdue(today)),
    )


# Coming dates -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Date:
    day: date
    kind: str  # "followup", "review", "steering", "survey", "round"
    text: str
    url_name: str
    url_args: tuple[int, ...] = ()


def surveys_closing(access: Access, today: date) -> list[Survey]:
    """The open pupil surveys in the units where the person runs surveys whose last day to
    answer is still to come, soonest first (one query). Only for people limited to units (a
    rektor, a teacher): for an administrator of the whole organisation every class's survey
    would be noise, and the calendar feed has them all. The last days of self-assessment
    rounds come from the rounds the person answers (`rounds_to_answer`)."""
    if not access.can(RUN, anywhere=True) or access.subtrees(RUN) is None:
        return []
    return list(
        Survey.objects.filter(runnable(access), status=Survey.Status.OPEN, closes_on__gte=today)
        .select_related("unit")
        .order_by("closes_on", "pk")[:SHOWN]
    )


def coming_dates(
    found: list[Period],
    target: Versions,
    changes: list[SteeringChange],
    today: date,
    surveys: Iterable[Survey] = (),
    rounds: Iterable[Participant] = (),
) -> list[Date]:
    """The coming deadlines, review, steering-document changes, last days of the person's
    pupil surveys and of the self-assessment rounds they answer, soonest first (no query: from
    what the page has read already)."""
    dates = [
        Date(p.deadline, "followup", _("Follow-up reports due: %(name)s") % {"name": p.name},
             "followup:period_detail", (p.pk,))
        for p in found
        if p.deadline >= today
    ]  # fmt: skip
    if target.adopted and target.adopted.review_date and target.adopted.review_date >= today:
        dates.append(
            Date(target.adopted.review_date, "review",
                 _("Review of the målbild: %(title)s") % {"title": target.adopted.title},
                 "targets:detail")
        )  # fmt: skip
    for change in changes:
        dates.append(
            Date(change.date, "steering",
                 f"{change.document.title}: {change.get_kind_display()}",
                 "steering:detail", (change.document.pk,))
        )  # fmt: skip
    for survey in surveys:
        dates.append(
            Date(survey.closes_on, "survey",
                 _("Last day to answer the pupil survey: %(title)s") % {"title": survey.title},
                 "surveys:detail", (survey.pk,))
        )  # fmt: skip
    for participant in rounds:
        round_ = participant.round
        if round_.closes_on is not None and round_.closes_on >= today:
            dates.append(
                Date(round_.closes_on, "round",
                     _("Last day to answer the self-assessment: %(title)s (%(unit)s)")
                     % {"title": round_.title, "unit": round_.unit.name},
                     "assessments:answer", (round_.pk,))
            )  # fmt: skip
    return sorted(dates, key=lambda d: (d.day, d.kind, d.text))


# Progress bars ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    """A goal with its progress drawn as a bar, the planned-so-far mark on it, and its progress
    over time as a small line against the plan."""

    goal: Goal
    chart: str
    trend: trends.GoalTrend


def progress_bars(goals: Iterable[Goal]) -> list[GoalProgress]:
    """Each goal's stored progress and planned progress as a bar, and its stored series as a
    trend (no query)."""
    return [
        GoalProgress(g, pictures.progress_bar(g.progress, g.expected), trends.goal_trend(g))
        for g in goals
    ]
