"""The national-scale dataset of DESIGN.md §6, for benchmarks: about 290 municipalities
(`kommun-001` …), 20,000 units, 100,000 goals, 1,000,000 measurements and 16,000
self-assessment rounds at scale 1.

Everything is fictional and generated. The same seed and scale give the same data (periods are
relative to the current year only, so the data changes at new year and not before). Every
organisation gets a unit tree (förvaltning → areas → schools and preschools → arbetslag), an
adopted målbild with the default focus areas, a few indicators with a baseline and targets,
goals broken down from the förvaltning to the areas, schools and teams, each measured by an
indicator that is also its evidence, a few years of measurements, self-assessment rounds of its
schools and preschools (closed, a term apart, answered by the group through the admin, with the
results that closing a round keeps), and one admin who can log in
(`admin@kommun-NNN.example`, password "bench-password"). Every organisation has the indicator
`NAT-BEH9`, so that one indicator can be rolled up over the whole national tree.

Rows are written in bulk, as an import writes them: each organisation in one transaction, inside
its scope, with `organisation_id` set here; stored progress is brought up to date once at the end
of each organisation by `goals.progress.recalculate`; a round's results are computed by the same
function that closing a round uses (`assessments.services.figures`). Nothing outside the
`kommun-NNN` organisations and their admins is read or written.
"""

import graphlib
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from malbild import audit
from malbild.accounts.models import User
from malbild.assessments import services as assessment_services
from malbild.assessments.models import (
    Answer,
    AssessmentRound,
    Participant,
    RoundResult,
    Statement,
)
from malbild.goals import progress
from malbild.goals.models import Evidence, Goal, GoalIndicator
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.lib import periods
from malbild.platforms.models import Decision
from malbild.targets.models import FocusArea, TargetVision
from malbild.targets.services import ensure_focus_areas
from malbild.tenants.models import Membership, Organisation, OrgUnit
from malbild.tenants.scope import scope, unscoped

PASSWORD = "bench-password"  # noqa: S105  (documented bench password, generated data only)
SHARED_INDICATOR = "NAT-BEH9"
SLUG_PATTERN = r"^kommun-[0-9]+$"
BATCH = 5000
YEAR, TERM = periods.YEAR, periods.TERM
Kind = OrgUnit.Kind
SCHOOLS = (Kind.SCHOOL,)
ALL_UNITS = (Kind.SCHOOL, Kind.PRESCHOOL)


@dataclass
class Totals:
    """How much there is of what DESIGN.md §6 counts."""

    organisations: int = 0
    units: int = 0
    goals: int = 0
    measurements: int = 0
    rounds: int = 0  # closed self-assessment rounds

    def __add__(self, other: "Totals") -> "Totals":
        return Totals(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def scaled(self, scale: float) -> "Totals":
        return Totals(*(round(getattr(self, f.name) * scale) for f in fields(self)))


FULL_SCALE = Totals(
    organisations=290, units=20_000, goals=100_000, measurements=1_000_000, rounds=16_000
)


class AlreadySeeded(Exception):
    """The database already holds generated organisations (and `replace` was not asked for)."""

    def __init__(self, slugs: list[str]) -> None:
        super().__init__(", ".join(slugs))
        self.slugs = slugs


# The specification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    name: str
    unit_of_measure: str
    periodicity: str
    source: str
    baseline: tuple[float, float]  # the range the organisation's baseline is drawn from
    final: tuple[float, float]  # the range of the last target (absolute values)
    bounds: tuple[float, float]  # what a measured value can be
    direction: str = Indicator.Direction.HIGHER
    by_gender: bool = False  # pupils' figures are also reported for girls and boys

    @property
    def noise(self) -> float:
        return abs(self.final[0] - self.baseline[0]) * 0.06


INDICATORS = (
    IndicatorSpec(
        SHARED_INDICATOR, "Andel elever i åk 9 som är behöriga till gymnasiet", "%", YEAR,
        "Slutbetygen i årskurs 9", (76, 88), (90, 95), (40, 100), by_gender=True,
    ),
    IndicatorSpec(
        "ELEVDATOR", "Elever per elevdator", "elever per dator", YEAR,
        "Förvaltningens inventering av elevdatorer", (2.5, 4.0), (1.0, 1.2), (0.8, 8),
        direction=Indicator.Direction.LOWER,
    ),
    IndicatorSpec(
        "KOMPLYFT", "Andel lärare som deltagit i kompetenslyftet", "%", TERM,
        "Deltagarlistor för kompetenslyftet", (5, 20), (90, 100), (0, 100), by_gender=True,
    ),
    IndicatorSpec(
        "DIGUPPL", "Elevernas upplevelse av digitala verktyg i undervisningen", "index", TERM,
        "Elevenkäten", (52, 62), (70, 78), (0, 100), by_gender=True,
    ),
    IndicatorSpec(
        "LIKA", "Enhetens digitala mognad enligt LIKA-skattningen", "index", TERM,
        "Enheternas skattningar i LIKA", (35, 50), (75, 85), (0, 100),
    ),
    IndicatorSpec(
        "WIFI", "Andel lokaler med fungerande trådlöst nätverk", "%", YEAR,
        "IT-avdelningens mätningar", (60, 80), (98, 100), (0, 100),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Theme:
    """A förvaltning goal, and how it reads when an area, a school or a team breaks it down."""

    indicator: str
    focus_area: str
    title: str
    local: str  # "<local>: <unit>"
    description: str
    kinds: tuple[str, ...]  # the kinds of institution that (with their teams) break it down


THEMES = (
    Theme(SHARED_INDICATOR, "Användning", "Fler elever går ut årskurs 9 behöriga till gymnasiet",
          "Fler elever behöriga till gymnasiet",
          "Den långsiktiga vinsten av satsningarna: fler elever som klarar skolan.", SCHOOLS),
    Theme(SHARED_INDICATOR, "Användning",
          "Digitala läromedel stödjer elever som riskerar att inte nå målen",
          "Digitalt studiestöd för elever som riskerar att inte nå målen",
          "Studiestöd med digitala läromedel, också för vårdnadshavare.", SCHOOLS),
    Theme("ELEVDATOR", "Infrastruktur", "Varje elev från årskurs 4 har en egen elevdator",
          "Egen elevdator från årskurs 4",
          "Likvärdig tillgång, oavsett skola: en fungerande dator per elev.", SCHOOLS),
    Theme("ELEVDATOR", "Infrastruktur", "Trasiga elevdatorer är lagade inom en skoldag",
          "Snabb support för elevdatorer",
          "Supporten löser fel inom en skoldag, så att ingen elev blir utan.", SCHOOLS),
    Theme("KOMPLYFT", "Kompetens", "Alla lärare har gått kompetenslyftet för digitalisering",
          "Alla pedagoger har gått kompetenslyftet",
          "Modulerna läggs på studiedagar så att alla kan delta.", ALL_UNITS),
    Theme("KOMPLYFT", "Kompetens", "Skolledarna kan leda och följa upp digitaliseringen",
          "Ledningen följer upp kompetenslyftet",
          "Rektorer och förskolechefer går ledarskapsmodulen tillsammans.", ALL_UNITS),
    Theme("DIGUPPL", "Användning",
          "Eleverna upplever att de digitala verktygen hjälper dem att lära",
          "Verktyg som hjälper eleverna att lära",
          "Vi frågar eleverna varje termin och följer upp tillsammans med skolorna.", SCHOOLS),
    Theme("DIGUPPL", "Användning", "Eleverna är med och utvärderar lärverktygen",
          "Eleverna utvärderar lärverktygen",
          "Elevråden och rektor bestämmer tillsammans hur utvärderingen går till.", SCHOOLS),
    Theme("LIKA", "Ledning", "Varje enhet följer upp sin digitala mognad varje termin",
          "Digital mognad följs upp varje termin",
          "Ledning och medarbetare skattar enhetens digitala mognad och använder resultatet.",
          ALL_UNITS),
    Theme("LIKA", "Ledning", "Resultaten av LIKA-skattningen används i enheternas planer",
          "LIKA-skattningen används i planen",
          "Varje enhet väljer två utvecklingsområden ur skattningen.", ALL_UNITS),
    Theme("WIFI", "Infrastruktur", "Fungerande trådlöst nätverk i alla lokaler",
          "Trådlöst nätverk i alla lokaler",
          "Uppkopplingen fungerar i varje klassrum, på fritids och på förskolan.", ALL_UNITS),
)  # fmt: skip

PLACE_STEMS = (
    "Al", "Alm", "Ask", "Berg", "Björk", "Bro", "Ek", "Fors", "Gran", "Hag", "Hall", "Hed",
    "Lind", "Lund", "Mal", "Mark", "Norr", "Rön", "Sand", "Sjö", "Sten", "Sund", "Tall", "Ås",
)  # fmt: skip
PLACE_ENDINGS = ("köping", "by", "vik", "torp", "hamn", "sala", "näs", "holm", "fors", "stad")
AREA_NAMES = ("Norra", "Södra", "Östra", "Västra", "Centrala", "Inre", "Yttre")
SCHOOL_STEMS = (
    "Björkbacken", "Eken", "Linden", "Hagen", "Åsen", "Kyrkbyn", "Sjövik", "Norrby", "Solberga",
    "Tallåsen", "Ängen", "Källan", "Bäcken", "Ljungen", "Vallen", "Granen", "Höjden", "Bryggan",
)  # fmt: skip
PRESCHOOL_NAMES = (
    "Tallkotten", "Myrstacken", "Lärkan", "Stjärnan", "Ugglan", "Sjöstjärnan", "Lingonet",
    "Ekollonet", "Blåbäret", "Vitsippan", "Solrosen", "Humlan", "Nyckelpigan", "Kotten",
)  # fmt: skip
ROUND_COMMENTS = (
    "Det här skiljer sig mycket mellan arbetslagen.",
    "Vi har börjat, men det saknas tid i planeringen.",
    "Fungerar bra sedan vi bytte system i höstas.",
    "Behöver följas upp på nästa APT.",
    "Vi väntar på besked från förvaltningen.",
)
COMMENT_SHARE = 0.03  # of the answers
PUBLIC_SHARE = 0.6  # of the rounds: their anonymised summary counts in the national comparison
SCHOOL_TEAMS = ("Arbetslag F–3", "Arbetslag 4–6", "Arbetslag 7–9", "Fritidshemmet", "Elevhälsan")
PRESCHOOL_TEAMS = ("Blåklockan", "Smörblomman", "Ekorren", "Räven", "Igelkotten", "Månen")


# The plan: how much of everything each organisation gets ---------------------------------------


@dataclass(frozen=True)
class OrganisationPlan:
    number: int
    slug: str
    name: str
    size: Totals  # organisations is 1


def _share(total: int, weights: list[float], minimum: int) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder), each at least `minimum`."""
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return [max(minimum, share) for share in shares]


def plan(scale: float, seed: int) -> list[OrganisationPlan]:
    """Each organisation's name and size; the sizes vary (0.5–2 times the mean)."""
    rng = random.Random(seed)  # noqa: S311  (reproducible test data, not secrets)
    target = FULL_SCALE.scaled(scale)
    count = max(2, target.organisations)
    weights = [min(2.0, max(0.5, rng.lognormvariate(0, 0.4))) for _ in range(count)]
    units = _share(target.units, weights, minimum=4)
    goals = _share(target.goals, weights, minimum=1)
    measurements = _share(target.measurements, weights, minimum=1)
    rounds = _share(target.rounds, weights, minimum=1)
    places = [stem + ending for stem in PLACE_STEMS for ending in PLACE_ENDINGS]
    rng.shuffle(places)
    plans = []
    for i in range(count):
        number = i + 1
        place = places[i % len(places)] + (f" {number}" if i >= len(places) else "")
        plans.append(
            OrganisationPlan(
                number, f"kommun-{number:03}", f"{place} kommun",
                Totals(1, units[i], goals[i], measurements[i], rounds[i]),
            )
        )  # fmt: skip
    return plans


# Periods ----------------------------------------------------------------------------------------


def measured_periods(periodicity: str, year: int) -> list[str]:
    """The last four years before `year`, oldest first."""
    if periodicity == YEAR:
        return [str(y) for y in range(year - 4, year)]
    return [f"{y}-{term}" for y in range(year - 4, year) for term in ("VT", "HT")]


def target_periods(periodicity: str, year: int) -> tuple[str, str]:
    if periodicity == YEAR:
        return str(year + 1), str(year + 3)
    return f"{year + 1}-HT", f"{year + 3}-HT"


def _decimal(value: float) -> Decimal:
    return Decimal(f"{value:.1f}")


@dataclass
class Measured:
    """An organisation's indicator, with what its series are drawn from."""

    indicator: Indicator
    spec: IndicatorSpec
    baseline: float
    final: float
    periods: list[tuple[str, float, float]]  # (period, position, share of the way to the end)

    def clamp(self, value: float) -> Decimal:
        low, high = self.spec.bounds
        return _decimal(max(low, min(high, value)))


@dataclass
class Planned:
    """A goal about to be written, and the indicator that measures it."""

    goal: Goal
    measured: Measured


def _institution_kind(unit: OrgUnit) -> str:
    """An institution's kind, or for a team its institution's (no query: parents are cached)."""
    if unit.kind == Kind.TEAM and unit.parent is not None:
        return unit.parent.kind
    return unit.kind


def _where(unit: OrgUnit) -> str:
    if unit.kind == Kind.TEAM and unit.parent is not None:
        return f"{unit.name}, {unit.parent.name}"
    return unit.name


# One organisation -------------------------------------------------------------------------------


class _Builder:
    """Writes one organisation; every query runs inside its scope."""

    def __init__(
        self, plan: OrganisationPlan, seed: int, year: int, password: str,
        statements: list[Statement],
    ) -> None:  # fmt: skip
        self.plan = plan
        # One generator per organisation: the same seed gives the same organisation however
        # many come before it. The rounds draw from their own, so adding them changed nothing
        # that was generated before them.
        self.rng = random.Random(f"{seed}/{plan.number}")  # noqa: S311  (not for secrets)
        self.round_rng = random.Random(f"{seed}/{plan.number}/rounds")  # noqa: S311
        self.statements = statements
        self.year = year
        self.password = password
        self.organisation = Organisation(slug=plan.slug, name=plan.name)
        self.progress_seconds = 0.0
        self.rounds_seconds = 0.0

    def build(self) -> Totals:
        self.organisation.save()
        with scope(self.organisation):
            self.admin = self._admin()
            units = self._units()
            self.vision, self.areas = self._target_vision()
            indicators = self._indicators()
            goals = self._goals(units, indicators)
            count = self._measurements(units, indicators, goals)
            started = time.perf_counter()
            progress.recalculate(planned.goal.pk for planned in goals)
            self.progress_seconds = time.perf_counter() - started
            started = time.perf_counter()
            rounds = self._rounds(units)
            self.rounds_seconds = time.perf_counter() - started
            audit.record(
                "demo.national_seeded",
                target=self.organisation,
                summary=f"{len(units)} enheter, {len(goals)} mål, {count} mätvärden, "
                f"{rounds} självskattningar",
                organisation=self.organisation,
            )
        return Totals(1, len(units), len(goals), count, rounds)

    # People and the målbild

    def _admin(self) -> User:
        email = f"admin@{self.plan.slug}.example"
        user = User.objects.filter(email=email).first() or User(email=email)
        user.name = f"Förvaltningsledningen i {self.plan.name}"
        user.password = self.password
        user.is_active = True
        user.save()
        Membership.objects.create(
            organisation=self.organisation, user=user, role=Membership.Role.ADMIN
        )
        return user

    def _target_vision(self) -> tuple[TargetVision, dict[str, FocusArea]]:
        organisation, year = self.organisation, self.year
        areas = ensure_focus_areas(organisation)
        decision = Decision.objects.create(
            organisation=organisation, body="Barn- och utbildningsnämnden",
            decided_on=date(year - 1, 11, 20), reference=f"§ {self.rng.randint(20, 140)}",
            proposed_by=self.admin, made_by=self.admin, recorded_on_behalf=True,
        )  # fmt: skip
        adopted_at = datetime(year - 1, 11, 20, 12, tzinfo=UTC)
        vision = TargetVision.objects.create(
            organisation=organisation, number=1, status=TargetVision.Status.ADOPTED,
            title=f"Digital skola i {self.plan.name} {year}–{year + 3}",
            statement="Alla barn och elever lämnar förskolan och skolan med en digital "
            "kompetens som gör dem redo för fortsatta studier, arbete och medborgarskap.",
            start_year=year, end_year=year + 3,
            change_motive="Skillnaderna mellan enheterna i hur digitala verktyg används är "
            "stora, och lärarna efterfrågar stöd.",
            if_nothing_changes="Skillnaderna växer, och verktyg köps in utan uppföljning.",
            decision=decision, review_date=date(year + 1, 6, 1), created_by=self.admin,
            proposed_by=self.admin, proposed_at=adopted_at, adopted_at=adopted_at,
        )  # fmt: skip
        vision.focus_areas.set(areas)
        return vision, {area.name: area for area in areas}

    # The unit tree

    def _units(self) -> list[OrgUnit]:
        """The tree, written a level at a time; paths are set once every level has its keys."""
        rng, organisation, size = self.rng, self.organisation, self.plan.size.units
        area_count = max(1, round((size - 1) / 23))
        rest = max(2, size - 1 - area_count)
        institution_count = max(1, round(rest / 3))
        team_count = rest - institution_count
        taken: set[str] = set()

        def unique(name: str) -> str:
            found, n = name, 1
            while found.lower() in taken:
                n += 1
                found = f"{name} {n}"
            taken.add(found.lower())
            return found

        def unit(parent: OrgUnit | None, name: str, kind: str, code: str, **more: str) -> OrgUnit:
            return OrgUnit(
                organisation=organisation, parent=parent, name=unique(name), kind=kind,
                code=code, depth=parent.depth + 1 if parent else 0, path="/", **more,
            )  # fmt: skip

        root = unit(None, "Barn- och utbildningsförvaltningen", Kind.ADMINISTRATION, "BUF")
        areas = [
            unit(root, f"{AREA_NAMES[i % len(AREA_NAMES)]} området", Kind.AREA, f"OMR{i + 1:02}")
            for i in range(area_count)
        ]
        institutions = []
        for i in range(institution_count):
            parent = areas[i] if i < area_count else rng.choice(areas)
            if rng.random() < 0.55:
                stem = rng.choice(SCHOOL_STEMS)
                name = f"{stem}skolan" if rng.random() < 0.5 else f"{stem}s skola"
                code = f"99{self.plan.number % 1000:03}{(i + 1) % 1000:03}"
                institutions.append(
                    unit(parent, name, Kind.SCHOOL, f"S{i + 1:03}", school_unit_code=code)
                )
            else:
                name = f"Förskolan {rng.choice(PRESCHOOL_NAMES)}"
                institutions.append(unit(parent, name, Kind.PRESCHOOL, f"F{i + 1:03}"))
        teams = []
        per_parent: dict[str, int] = {}
        for _ in range(team_count):
            parent = rng.choice(institutions)
            n = per_parent[parent.code] = per_parent.get(parent.code, 0) + 1
            if parent.kind == Kind.SCHOOL:
                name = SCHOOL_TEAMS[n - 1] if n <= len(SCHOOL_TEAMS) else f"Arbetslag {n}"
            else:
                name = f"Avdelning {PRESCHOOL_TEAMS[(n - 1) % len(PRESCHOOL_TEAMS)]}"
            teams.append(unit(parent, name, Kind.TEAM, f"{parent.code}-{n}"))
        everything = []
        for level in ([root], areas, institutions, teams):
            for created in OrgUnit.objects.bulk_create(level, batch_size=BATCH):
                created.path = f"{created.parent.path if created.parent else '/'}{created.pk}/"
                everything.append(created)
        OrgUnit.objects.bulk_update(everything, ["path"], batch_size=BATCH)
        return everything

    # Indicators and goals

    def _indicators(self) -> dict[str, Measured]:
        rng, organisation, year = self.rng, self.organisation, self.year
        others = rng.sample(INDICATORS[1:], k=rng.randint(len(INDICATORS) - 2, len(INDICATORS) - 1))
        chosen = [INDICATORS[0], *sorted(others, key=INDICATORS.index)]
        found, targets = {}, []
        for spec in chosen:
            texts = measured_periods(spec.periodicity, year)
            middle, last = (periods.parse(p) for p in target_periods(spec.periodicity, year))
            start = periods.parse(texts[0]).position
            baseline, final = rng.uniform(*spec.baseline), rng.uniform(*spec.final)
            on_the_way = baseline + (final - baseline) * (middle.position - start) / (
                last.position - start
            )
            indicator = Indicator(
                organisation=organisation, code=spec.code, name=spec.name,
                unit_of_measure=spec.unit_of_measure, direction=spec.direction,
                periodicity=spec.periodicity, source=spec.source,
                baseline_value=_decimal(baseline), baseline_period=texts[0],
            )  # fmt: skip
            for period, value in ((middle, on_the_way), (last, final)):
                targets.append(
                    IndicatorTarget(organisation=organisation, indicator=indicator,
                                    period=period.text, position=period.position,
                                    value=_decimal(value))
                )  # fmt: skip
            # Each measured period, and how far it lies on the way to the last target.
            positions = [periods.parse(text).position for text in texts]
            on_line = [
                (text, position, (position - start) / (last.position - start))
                for text, position in zip(texts, positions, strict=True)
            ]
            found[spec.code] = Measured(
                indicator, spec, float(_decimal(baseline)), float(_decimal(final)), on_line
            )
        Indicator.objects.bulk_create([m.indicator for m in found.values()], batch_size=BATCH)
        IndicatorTarget.objects.bulk_create(targets, batch_size=BATCH)
        return found

    def _goals(self, units: list[OrgUnit], indicators: dict[str, Measured]) -> list[Planned]:
        """Förvaltning goals broken down to areas, institutions and teams, a level at a time
        (a random part of the last level when the budget ends within it; another stage of the
        same goals when the budget outlasts the tree)."""
        rng, budget = self.rng, self.plan.size.goals
        themes = [theme for theme in THEMES if theme.indicator in indicators]
        fallback_area = next(iter(self.areas.values()))
        created: list[Planned] = []
        stage = 0
        while len(created) < budget:
            stage += 1
            suffix = f" (etapp {stage})" if stage > 1 else ""
            made: dict[tuple[Theme, int], Goal] = {}  # by (theme, unit pk), for the children
            levels = []
            for depth in range(4):
                level = [
                    (theme, unit)
                    for unit in units
                    if unit.depth == depth
                    for theme in themes
                    if depth < 2 or _institution_kind(unit) in theme.kinds
                ]
                rng.shuffle(level)
                levels.append(level)
            for level in levels:
                batch = []
                for theme, unit in level[: budget - len(created)]:
                    parent = made[(theme, unit.parent_id)] if unit.parent_id else None
                    title = theme.title if parent is None else f"{theme.local}: {_where(unit)}"
                    draft = unit.depth >= 2 and rng.random() < 0.03
                    weight = rng.choice(("1", "1", "1", "1", "0.8", "1.2", "1.5"))
                    goal = Goal(
                        organisation=self.organisation, target_vision=self.vision,
                        focus_area=self.areas.get(theme.focus_area, fallback_area), unit=unit,
                        parent=parent, title=f"{title}{suffix}"[:200],
                        description=theme.description, owner=self.admin, weight=Decimal(weight),
                        status=Goal.Status.DRAFT if draft else Goal.Status.ACTIVE,
                        created_by=self.admin,
                    )  # fmt: skip
                    made[(theme, unit.pk)] = goal
                    batch.append(Planned(goal, indicators[theme.indicator]))
                Goal.objects.bulk_create([p.goal for p in batch], batch_size=BATCH)
                created += batch
        GoalIndicator.objects.bulk_create(
            (GoalIndicator(organisation=self.organisation, goal=p.goal,
                           indicator=p.measured.indicator) for p in created),
            batch_size=BATCH,
        )  # fmt: skip
        Evidence.objects.bulk_create(
            (Evidence(organisation=self.organisation, goal=p.goal, kind=Evidence.Kind.INDICATOR,
                      title=p.measured.indicator.name, indicator=p.measured.indicator,
                      added_by=self.admin) for p in created),
            batch_size=BATCH,
        )  # fmt: skip
        return created

    # Measurements

    def _measurements(
        self, units: list[OrgUnit], indicators: dict[str, Measured], goals: list[Planned]
    ) -> int:
        rows = list(self._rows(units, indicators, goals))
        Measurement.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def _rows(
        self, units: list[OrgUnit], indicators: dict[str, Measured], goals: list[Planned]
    ) -> Iterator[Measurement]:
        """Series until the budget is spent: first those the goals are measured by, then the
        other units' (teams last), then girls' and boys' figures (pupils' indicators first)."""
        rng, budget = self.rng, self.plan.size.measurements
        reach: dict[str, set[str]] = {}
        for theme in THEMES:
            reach.setdefault(theme.indicator, set()).update(theme.kinds)
        needed = list(dict.fromkeys((p.goal.unit_id, p.measured.spec.code) for p in goals))
        seen = set(needed)
        others: list[tuple[int, str]] = []
        teams: list[tuple[int, str]] = []
        for unit in units:
            for code in indicators:
                if (unit.pk, code) in seen:
                    continue
                if unit.depth >= 2 and _institution_kind(unit) not in reach[code]:
                    continue
                (teams if unit.kind == Kind.TEAM else others).append((unit.pk, code))
        rng.shuffle(others)
        rng.shuffle(teams)
        series = needed + others + teams
        pupils = [key for key in series if indicators[key[1]].spec.by_gender]
        rest = [key for key in series if not indicators[key[1]].spec.by_gender]
        everyone: dict[tuple[int, str], list[Decimal | None]] = {}
        count = 0
        # Girls' and boys' figures a series at a time: who has one has the other.
        work = [(key, "T") for key in series]
        work += [(key, gender) for key in pupils + rest for gender in ("K", "M")]
        for key, gender in work:
            measured = indicators[key[1]]
            if gender == "T":
                values = everyone[key] = self._series(measured)
            else:
                noise = measured.spec.noise
                gap = 2 * noise if gender == "K" else -2 * noise
                values = [
                    None if value is None
                    else measured.clamp(float(value) + gap + rng.gauss(0, noise))
                    for value in everyone[key]
                ]  # fmt: skip
            for (text, position, _share), value in zip(measured.periods, values, strict=True):
                if count == budget:
                    return
                count += 1
                yield Measurement(
                    organisation=self.organisation, indicator=measured.indicator,
                    org_unit_id=key[0], period=text, position=position, gender=gender,
                    value=value, status="" if value is not None else Measurement.Status.MISSING,
                )  # fmt: skip

    def _series(self, measured: Measured) -> list[Decimal | None]:
        """A unit's values, oldest first: from about the baseline towards the last target at
        the unit's own pace (slower than planned for some), with noise and an odd gap."""
        rng, spec = self.rng, measured.spec
        pace = rng.triangular(0.3, 1.5, 1.15)
        offset = rng.gauss(0, spec.noise)
        span = measured.final - measured.baseline
        return [
            None
            if rng.random() < 0.02
            else measured.clamp(
                measured.baseline + offset + span * pace * share + rng.gauss(0, spec.noise)
            )
            for _text, _position, share in measured.periods
        ]

    # Self-assessment rounds

    def _round_counts(self, institutions: list[OrgUnit]) -> list[int]:
        """How many rounds each school and preschool has closed: the budget spread evenly, the
        remainder to a random few (none at all for some when the budget is smaller)."""
        budget = self.plan.size.rounds
        each, extra = divmod(budget, len(institutions))
        lucky = set(self.round_rng.sample(range(len(institutions)), extra))
        return [each + (i in lucky) for i in range(len(institutions))]

    def _rounds(self, units: list[OrgUnit]) -> int:
        """Closed group rounds, a term apart, the newest at the end of last autumn term and
        marked the unit's latest; answered through the admin (the group answers together), with
        the results and the round's score that closing a round keeps. Units improve a little
        from round to round, foundations a little ahead; preschools find the statements about
        the national tests not relevant."""
        rng, organisation, statements = self.round_rng, self.organisation, self.statements
        institutions = [u for u in units if u.kind in ALL_UNITS]
        if not institutions or not statements:
            return 0
        model_id = statements[0].model_id
        rounds: list[AssessmentRound] = []
        levels: list[list[tuple[int | None, str]]] = []  # per round: (level, comment) per statement
        for unit, count in zip(institutions, self._round_counts(institutions), strict=True):
            base = rng.uniform(0.6, 2.4)
            pace = rng.uniform(0.15, 0.6)
            offsets = [rng.uniform(-0.8, 0.8) for _ in statements]  # its lasting strengths
            preschool = unit.kind == Kind.PRESCHOOL
            for k in range(count):
                back = count - 1 - k  # terms before the newest
                year, month = self.year - 1 - back // 2, 11 if back % 2 == 0 else 5
                closed = datetime(year, month, rng.randint(1, 28), 15, tzinfo=UTC)
                term = "HT" if month == 11 else "VT"
                given: list[tuple[int | None, str]] = []
                for statement, offset in zip(statements, offsets, strict=True):
                    tags = statement.tags
                    level: int | None = None
                    if not (preschool and "national_tests" in tags and "preschool" not in tags):
                        lift = 0.4 if statement.area.foundation else 0.0
                        value = base + pace * k + lift + offset + rng.uniform(-0.6, 0.6)
                        level = max(0, min(4, round(value)))
                    comment = rng.choice(ROUND_COMMENTS) if rng.random() < COMMENT_SHARE else ""
                    given.append((level, comment))
                levels.append(given)
                rounds.append(
                    AssessmentRound(
                        organisation=organisation, unit=unit, model_id=model_id,
                        title=f"Självskattning {term} {year}",
                        mode=AssessmentRound.Mode.GROUP, status=AssessmentRound.Status.CLOSED,
                        is_latest=back == 0, is_public=rng.random() < PUBLIC_SHARE,
                        started_by=self.admin, started_at=closed - timedelta(days=14),
                        closed_by=self.admin, closed_at=closed, participant_count=1,
                        score=assessment_services.round_score(
                            None if level is None else Decimal(level) for level, _ in given
                        ),
                    )
                )  # fmt: skip
        AssessmentRound.objects.bulk_create(rounds, batch_size=BATCH)
        org_id, admin_id = organisation.pk, self.admin.pk
        participants = Participant.objects.bulk_create(
            (Participant(organisation_id=org_id, round_id=r.pk, user_id=admin_id,
                         answered=len(statements)) for r in rounds),
            batch_size=BATCH,
        )  # fmt: skip
        # The rest by ids: no related objects to check row by row.
        Answer.objects.bulk_create(
            (Answer(organisation_id=org_id, round_id=r.pk, participant_id=p.pk,
                    statement_id=s.pk, level=level, comment=comment)
             for r, p, given in zip(rounds, participants, levels, strict=True)
             for s, (level, comment) in zip(statements, given, strict=True)),
            batch_size=BATCH,
        )  # fmt: skip
        RoundResult.objects.bulk_create(
            (RoundResult(organisation_id=org_id, round_id=r.pk, statement_id=s.pk,
                         statement_key=s.key, area_key=s.area.key,
                         **assessment_services.figures([level]))
             for r, given in zip(rounds, levels, strict=True)
             for s, (level, _comment) in zip(statements, given, strict=True)),
            batch_size=BATCH,
        )  # fmt: skip
        # Invitations and answers are dated by their round, not by the day this ran.
        of_round = AssessmentRound.objects.filter(pk=OuterRef("round_id"))
        Participant.objects.update(invited_at=Subquery(of_round.values("started_at")[:1]))
        Answer.objects.update(answered_at=Subquery(of_round.values("closed_at")[:1]))
        return len(rounds)


# Running it -------------------------------------------------------------------------------------


def existing() -> list[str]:
    """The slugs of generated organisations already in the database."""
    return list(
        Organisation.objects.filter(slug__regex=SLUG_PATTERN)
        .order_by("slug")
        .values_list("slug", flat=True)
    )


def _tenant_models() -> list[tuple[type[models.Model], str]]:
    """Every model that belongs to an organisation, with the name of that foreign key."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.many_to_one and field.related_model is Organisation and field.concrete:
                found.append((model, field.name))
                break
    return found


def _delete_order(tenant: list[type[models.Model]]) -> list[type[models.Model]]:
    """Models that point at another (protected, or deleted by cascade from it) come first."""

    def order(protected_only: bool) -> list[type[models.Model]]:
        sorter: graphlib.TopologicalSorter[type[models.Model]] = graphlib.TopologicalSorter()
        for model in tenant:
            sorter.add(model)
            for field in model._meta.concrete_fields:
                target = field.related_model
                if not (field.many_to_one and isinstance(target, type)) or target is model:
                    continue
                on_delete = getattr(field.remote_field, "on_delete", None)
                protecting = on_delete in (models.PROTECT, models.RESTRICT)
                if target in tenant and (protecting or not protected_only):
                    sorter.add(target, model)
        return list(sorter.static_order())

    try:
        return order(protected_only=False)
    except graphlib.CycleError:
        return order(protected_only=True)


@transaction.atomic
def purge() -> list[str]:
    """Delete the generated organisations, everything in them and their admins."""
    slugs = existing()
    with unscoped():
        organisations = Organisation.objects.filter(slug__in=slugs)
        tenant = dict(_tenant_models())
        for model, name in tenant.items():  # trees protect themselves: cut them first
            for field in model._meta.concrete_fields:
                if field.many_to_one and field.related_model is model and field.null:
                    model._base_manager.filter(**{f"{name}__in": organisations}).exclude(
                        **{f"{field.name}__isnull": True}
                    ).update(**{field.name: None})
        for model in _delete_order(list(tenant)):
            model._base_manager.filter(**{f"{tenant[model]}__in": organisations}).delete()
        organisations.delete()
        User.objects.filter(email__in=[f"admin@{slug}.example" for slug in slugs]).delete()
    return slugs


def generate(
    scale: float = 1.0,
    seed: int = 1,
    replace: bool = False,
    report: Callable[[str], None] | None = None,
) -> Totals:
    """Write the dataset, one organisation (one transaction) at a time, and return its size.
    Raises AlreadySeeded when generated organisations exist and `replace` is false."""
    say = report or (lambda line: None)
    found = existing()
    if found and not replace:
        raise AlreadySeeded(found)
    if found:
        started = time.perf_counter()
        purge()
        say(f"Deleted {len(found)} organisations of an earlier run "
            f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
    plans = plan(scale, seed)
    year = timezone.localdate().year
    password = make_password(PASSWORD)  # hashed once: every admin shares it
    statements = list(
        Statement.objects.filter(model=assessment_services.current_model())
        .select_related("area")
        .order_by("area__position", "position")
    )
    totals = Totals()
    progress_seconds = 0.0
    started = time.perf_counter()
    for each in plans:
        began = time.perf_counter()
        builder = _Builder(each, seed, year, password, statements)
        with transaction.atomic():
            size = builder.build()
        totals += size
        progress_seconds += builder.progress_seconds
        say(f"{each.number}/{len(plans)} {each.slug}: {size.units} units, {size.goals} goals, "
            f"{size.measurements} measurements, {size.rounds} rounds "
            f"({time.perf_counter() - began:.1f} s, of which progress "
            f"{builder.progress_seconds:.1f} s, rounds "
            f"{builder.rounds_seconds:.1f} s)")  # fmt: skip
    say(f"{totals.organisations} organisations, {totals.units} units, {totals.goals} goals, "
        f"{totals.measurements} measurements, {totals.rounds} rounds in "
        f"{time.perf_counter() - started:.1f} s "
        f"(of which progress.recalculate {progress_seconds:.1f} s)")  # fmt: skip
    return totals
