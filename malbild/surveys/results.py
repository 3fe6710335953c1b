"""What the pupils said, read from the results kept when surveys closed (never from single
answers): one survey's distribution per statement and its change since the group's previous
survey; a unit's or the whole organisation's picture per term, each school beside it and the
spread between them; and the short summary on the dashboards and public pages.

Every figure here pools at least MIN_ANSWERS answers: a survey with fewer has no results, and a
school or term whose pooled answers are fewer is left out.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from malbild.lib import charts, periods
from malbild.surveys import content
from malbild.surveys.models import MIN_ANSWERS, STEP_FIELDS, Result, Scale, Survey
from malbild.surveys.services import share_agreeing
from malbild.tenants.models import OrgUnit

THIS_COLOUR, BEFORE_COLOUR = "#1d4f91", "#6b7480"
STEPS = (Scale.YES, Scale.MOSTLY, Scale.NOT_REALLY, Scale.NO, Scale.DONT_KNOW)


def statement_labels() -> dict[str, tuple[str, str]]:
    """Statement key → (area name, wording for years 4–6), untranslated msgids, from the bank's
    newest version (no query: keys are stable, so older surveys are named the same)."""
    _title, areas = content.VERSIONS[content.CURRENT_VERSION]
    return {s.key: (a.name, s.middle) for a in areas for s in a.statements}


def _label(key: str) -> tuple[str, str]:
    area, text = statement_labels().get(key, ("", key))
    return (_(area) if area else "", _(text))


def _order(key: str) -> int:
    keys = list(statement_labels())
    return keys.index(key) if key in keys else len(keys)


@dataclass(frozen=True)
class Step:
    label: str
    count: int
    percent: int  # of every answer to the statement, "I don't know" included


@dataclass
class Row:
    """One statement: its answers per step, the share who agree and the change since before."""

    key: str
    area: str
    text: str
    steps: list[Step]
    answers: int
    agree: Decimal | None
    previous: Decimal | None = None

    @property
    def change(self) -> Decimal | None:
        if self.agree is None or self.previous is None:
            return None
        return self.agree - self.previous


def _row(key: str, counts: dict[int, int], previous: Decimal | None = None) -> Row:
    total = sum(counts.values())
    area, text = _label(key)
    steps = [
        Step(
            str(step.label),
            counts.get(step, 0),
            round(100 * counts.get(step, 0) / total) if total else 0,
        )
        for step in STEPS
    ]
    return Row(key, area, text, steps, total, share_agreeing(counts)[0], previous)


def previous_survey(survey: Survey) -> Survey | None:
    """The same group's latest survey with results before this one (one query)."""
    return (
        Survey.objects.filter(
            unit_id=survey.unit_id,
            group_label=survey.group_label,
            status=Survey.Status.CLOSED,
            answer_count__gte=MIN_ANSWERS,
            opened_at__lt=survey.opened_at,
        )
        .order_by("-opened_at", "-pk")
        .first()
    )


def survey_rows(survey: Survey) -> tuple[list[Row], Survey | None]:
    """A closed survey's rows in the bank's order, each with the group's previous result for the
    same statement (a few queries); no rows when it has no results."""
    if not survey.has_results:
        return [], None
    before = previous_survey(survey)
    previous: dict[str, Decimal | None] = {}
    if before is not None:
        previous = dict(Result.objects.filter(survey=before).values_list("statement_key", "agree"))
    rows = [
        _row(result.statement_key, result.counts(), previous.get(result.statement_key))
        for result in Result.objects.filter(survey=survey)
    ]
    rows.sort(key=lambda row: _order(row.key))
    return rows, before


def chart(rows: Sequence[Row], *, title: str, this: str, before: str | None) -> SafeString | None:
    """Bars of the share who agree per statement, the previous result beside each when there is
    one; the page shows the same figures in a table after it."""
    shown = [row for row in rows if row.agree is not None]
    if not shown:
        return None
    series = [charts.Bars(this, [float(r.agree) for r in shown if r.agree is not None],
                          charts.Style(THIS_COLOUR))]  # fmt: skip
    if before is not None and any(r.previous is not None for r in shown):
        series.append(
            charts.Bars(
                before,
                [None if r.previous is None else float(r.previous) for r in shown],
                charts.Style(BEFORE_COLOUR, charts.SHORT_DASHED),
            )
        )
    description = " ".join(
        _("%(key)s: %(share)s %% agree.") % {"key": r.key, "share": r.agree} for r in shown
    )
    return charts.bars(
        [f"{r.key} {r.text}" for r in shown],
        series,
        title=title,
        description=description,
        axis_title=_("Pupils who agree (%)"),
        domain=(0.0, 100.0),
    )


# A unit's or the organisation's picture ----------------------------------------------------------


@dataclass(frozen=True)
class SchoolShare:
    unit: OrgUnit
    agree: Decimal | None
    answers: int


@dataclass
class OverviewRow(Row):
    schools: list[SchoolShare] = field(default_factory=list)
    shares: list[SchoolShare | None] = field(default_factory=list)  # aligned with the schools

    def cells(self, schools: list[OrgUnit]) -> list[SchoolShare | None]:
        """This statement's share at each of `schools`, in their order (None: too few answers)."""
        found = {share.unit.pk: share for share in self.schools}
        return [found.get(school.pk) for school in schools]

    @property
    def spread(self) -> Decimal | None:
        """Percentage points between the school where most agree and where fewest do."""
        values = [s.agree for s in self.schools if s.agree is not None]
        return max(values) - min(values) if len(values) > 1 else None


@dataclass
class Overview:
    period: str | None
    previous_period: str | None
    rows: list[OverviewRow]
    schools: list[OrgUnit]
    surveys: int


def _surveys(unit: OrgUnit | None, public: bool) -> Q:
    condition = Q(survey__status=Survey.Status.CLOSED, survey__answer_count__gte=MIN_ANSWERS)
    if unit is not None:
        condition &= Q(survey__unit__path__startswith=unit.path)
    if public:
        condition &= Q(survey__results_public=True)
    return condition


def _sums() -> dict[str, Any]:
    return {name: Sum(name) for name in STEP_FIELDS.values()}


def _counts(row: dict[str, Any]) -> dict[int, int]:
    return {step: int(row[name] or 0) for step, name in STEP_FIELDS.items()}


def latest_periods(per_period: Iterable[str]) -> tuple[str | None, str | None]:
    """The latest term and the one before it, of the terms given."""
    ordered = sorted(set(per_period), key=lambda text: periods.parse(text).position, reverse=True)
    return (ordered[0] if ordered else None, ordered[1] if len(ordered) > 1 else None)


def summary(unit: OrgUnit | None = None, *, public: bool = False) -> Overview:
    """The latest term's result per statement in `unit`'s subtree (None: the organisation), with
    the change since the term before: one query, for the dashboards and the public pages."""
    found = list(
        Result.objects.filter(_surveys(unit, public))
        .values("survey__period", "statement_key")
        .annotate(**_sums())
    )
    latest, before = latest_periods(row["survey__period"] for row in found)
    now = {r["statement_key"]: _counts(r) for r in found if r["survey__period"] == latest}
    then = {r["statement_key"]: _counts(r) for r in found if r["survey__period"] == before}
    rows = []
    for key in sorted(now, key=_order):
        counts = now[key]
        if sum(counts.values()) < MIN_ANSWERS:
            continue
        previous = then.get(key)
        earlier = (
            share_agreeing(previous)[0]
            if previous and sum(previous.values()) >= MIN_ANSWERS
            else None
        )
        base = _row(key, counts, earlier)
        rows.append(OverviewRow(**vars(base)))
    return Overview(latest, before, rows, [], 0)


def overview(unit: OrgUnit | None = None, *, public: bool = False) -> Overview:
    """The latest term in `unit`'s subtree (None: the organisation) per statement, with the
    change since the term before, and each school's share beside it and the spread between
    them (three queries)."""
    picture = summary(unit, public=public)
    if picture.period is None:
        return picture
    per_unit = list(
        Result.objects.filter(_surveys(unit, public), survey__period=picture.period)
        .values("survey__unit__path", "statement_key")
        .annotate(**_sums())
    )
    schools_query = OrgUnit.objects.filter(kind=OrgUnit.Kind.SCHOOL)
    if unit is not None:
        schools_query = schools_query.filter(path__startswith=unit.path)
    schools = {school.path: school for school in schools_query}
    per_school: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for row in per_unit:
        school = _school_of(row["survey__unit__path"], schools)
        if school is None:
            continue
        counts = per_school[(school.path, row["statement_key"])]
        for step, answers in _counts(row).items():
            counts[step] = counts.get(step, 0) + answers
    used = sorted({path for path, _key in per_school}, key=lambda p: schools[p].name)
    for overview_row in picture.rows:
        for path in used:
            found = per_school.get((path, overview_row.key))
            if not found or sum(found.values()) < MIN_ANSWERS:
                continue
            agree, _on_scale = share_agreeing(found)
            overview_row.schools.append(SchoolShare(schools[path], agree, sum(found.values())))
    picture.schools = [schools[path] for path in used]
    for overview_row in picture.rows:
        overview_row.shares = overview_row.cells(picture.schools)
    picture.surveys = (
        Survey.objects.filter(status=Survey.Status.CLOSED, answer_count__gte=MIN_ANSWERS,
                              period=picture.period)
        .filter(Q(unit__path__startswith=unit.path) if unit is not None else Q())
        .filter(Q(results_public=True) if public else Q())
        .count()
    )  # fmt: skip
    return picture


def _school_of(path: str, schools: dict[str, OrgUnit]) -> OrgUnit | None:
    """The school a unit lies in (itself, or the nearest school above it)."""
    parts = path.strip("/").split("/")
    for end in range(len(parts), 0, -1):
        found = schools.get("/" + "/".join(parts[:end]) + "/")
        if found is not None:
            return found
    return None
