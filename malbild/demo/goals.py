"""Mittköping's goals under the adopted målbild, broken down from the förvaltning to schools,
with their evidence, and the indicators that measure them with a few years of measurements.

Everything is fictional and written for Målbild, except the national steering documents (from
`demo.strategy`) and Skolverket's follow-up report cited as research. Periods are relative to
today, so the demo never goes stale. The figures are chosen so that the dashboards have
something to say: most goals are on track, some at risk, one förvaltning goal is off track,
one (the follow-up of digital maturity) has no data yet, and a school has a draft that still
lacks evidence.

Loading is idempotent: nothing is written when the organisation already has goals. The rows are
written with the models directly, and stored progress is brought up to date once at the end by
`goals.progress.recalculate`, as an import would.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone

from malbild import audit
from malbild.accounts.models import User
from malbild.goals import progress
from malbild.goals.models import Evidence, Goal, GoalIndicator
from malbild.indicators.models import Indicator, IndicatorTarget, Measurement
from malbild.lib import periods
from malbild.platform.models import Value
from malbild.steering.models import SteeringChange
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

YEAR, TERM = periods.YEAR, periods.TERM

# A real report (Skolverket, 2019) cited as research; the summary is ours and claims no figures.
FOLLOW_UP_REPORT = (
    "Digital kompetens i förskola, skola och vuxenutbildning. Skolverkets uppföljning av den "
    "nationella digitaliseringsstrategin för skolväsendet 2018"
)
FOLLOW_UP_SUMMARY = (
    "Skolverkets nationella uppföljning av hur digitaliseringsstrategin genomförs: elevernas "
    "tillgång till digitala verktyg, lärarnas och skolledarnas digitala kompetens och hur "
    "verktygen används i undervisningen. Förvaltningen jämför Mittköpings egna uppföljningar "
    "med den."
)


def _period(kind: str, steps_back: int, today: date) -> str:
    """The period `steps_back` periods before the current one (negative: ahead)."""
    if kind == YEAR:
        return str(today.year - steps_back)
    index = today.year * 2 + (0 if today.month <= 6 else 1) - steps_back
    return f"{index // 2}-{'VT' if index % 2 == 0 else 'HT'}"


@dataclass(frozen=True)
class DemoIndicator:
    code: str
    name: str
    description: str
    unit_of_measure: str
    periodicity: str
    source: str
    baseline: str  # the value 3 years (6 terms) before the latest measured period
    targets: tuple[str, str]  # values 2 and 4 years (4 and 8 terms) after the latest period
    direction: str = Indicator.Direction.HIGHER
    # Unit code → the values of the last periods, oldest first (None: reported missing).
    series: dict[str, tuple[str | None, ...]] = field(default_factory=dict)


INDICATORS = (
    DemoIndicator(
        "BEH9",
        "Andel elever i åk 9 som är behöriga till gymnasiet",
        "Andelen av eleverna som gick ut årskurs 9 under läsåret och var behöriga till ett "
        "yrkesprogram.",
        "%",
        YEAR,
        "Slutbetygen i årskurs 9, sammanställda av förvaltningen",
        "84.0",
        ("88.0", "90.0"),
        series={
            "BUF": ("83.5", "85.0", "85.2"),
            "NORRBY": ("82.0", "83.1", "84.4"),
            "KYRKBY": ("85.0", "86.2", "87.1"),
            "SJOVIK": ("84.5", "85.0", "86.0"),
        },
    ),
    DemoIndicator(
        "ELEVDATOR",
        "Elever per elevdator",
        "Antalet elever per fungerande elevdator i årskurs 4–9, räknat vid höstens inventering.",
        "elever per dator",
        YEAR,
        "Förvaltningens inventering av elevdatorer",
        "3.0",
        ("1.5", "1.0"),
        direction=Indicator.Direction.LOWER,
        series={
            "BUF": ("2.6", "2.2", "1.9"),
            "ASEN": ("2.8", "2.3", "1.8"),
            "BJORK": ("2.9", "2.5", "2.0"),
            "CENTRAL": ("2.7", "2.2", "1.6"),
            "HAGA": ("3.0", "2.8", "2.2"),
        },
    ),
    DemoIndicator(
        "KOMPLYFT",
        "Andel lärare som deltagit i kompetenslyftet",
        "Andelen av de tillsvidareanställda lärarna som har gått klart minst en modul i "
        "kompetenslyftet för digitalisering.",
        "%",
        TERM,
        "Förvaltningens deltagarlistor för kompetenslyftet",
        "12",
        ("70", "100"),
        series={
            "BUF": ("18", "25", "33", "43"),
            "ASEN": ("20", "31", "42", "52"),
            "NORRBY": ("15", "22", "31", "41"),
            "KYRKBY": ("19", "28", "39", "48"),
            "SJOVIK": ("17", "26", "37", "47"),
        },
    ),
    DemoIndicator(
        "DIGUPPL",
        "Andel elever som tycker att de digitala verktygen hjälper dem att lära",
        "Andelen av eleverna som svarar ”Ja, det stämmer” eller ”Det stämmer ganska bra” på "
        "påståendet att de digitala verktygen i skolan hjälper dem att lära, i Elevrösten. "
        "Värdena förs in när en elevenkät stängs: för klassens skola, området och förvaltningen.",
        "%",
        TERM,
        "Elevrösten, Målbilds elevenkät",
        "60",
        ("72", "80"),
        # No typed values: the pupils' surveys enter them (demo/surveys.py).
    ),
    DemoIndicator(
        "LIKA",
        "Skolans digitala mognad enligt LIKA-skattningen",
        "Index 0–100 från skolledningens och lärarnas gemensamma skattning i LIKA, SKR:s verktyg "
        "för digital mognad i ledning, infrastruktur, kompetens och användning. Skolorna skattar "
        "från och med den här terminen; utgångsvärdet är förvaltningens egen bedömning.",
        "index",
        TERM,
        "Skolornas skattningar i LIKA",
        "45",
        ("70", "85"),
    ),
)


@dataclass(frozen=True)
class DemoGoal:
    unit: str  # unit code
    title: str
    description: str
    weight: str = "1"
    indicator: str = ""  # code of the indicator that measures it (also cited as evidence)
    research: bool = False  # cites Skolverket's follow-up report
    steering: str = ""  # title of the steering document whose (first) change it cites
    values: tuple[str, ...] = ()  # keys of the platform's values it expresses
    status: str = Goal.Status.ACTIVE


@dataclass(frozen=True)
class DemoBreakdown:
    """A förvaltning goal (the first) and the school goals that break it down."""

    focus_area: str
    goal: DemoGoal
    schools: tuple[DemoGoal, ...]


NATIONAL_STRATEGY = "Nationell digitaliseringsstrategi för skolväsendet"
RECOMMENDATIONS = "Skolverkets rekommendationer om val och användning av lärverktyg"
# The förvaltning goal without data yet: the browser test breaks it down for Åsens skola.
FOLLOW_UP_GOAL = "Varje skola följer upp sin digitala mognad varje termin"

BREAKDOWNS = (
    DemoBreakdown(
        "Infrastruktur",
        DemoGoal(
            "BUF",
            "Varje elev från årskurs 4 har en egen elevdator",
            "Likvärdig tillgång, oavsett skola: en fungerande dator per elev från årskurs 4, "
            "med support som löser fel inom en skoldag.",
            indicator="ELEVDATOR",
            steering=NATIONAL_STRATEGY,
            values=("medborgarfokus",),
        ),
        (
            DemoGoal(
                "ASEN",
                "Egen elevdator för alla i årskurs 4–6 på Åsens skola",
                "Datorerna delas inte längre mellan klasserna; fritidshemmet får egna surfplattor.",
                indicator="ELEVDATOR",
            ),
            DemoGoal(
                "BJORK",
                "Egen elevdator för alla i årskurs 4–6 på Björkbackens skola",
                "De äldsta datorerna byts ut först.",
                indicator="ELEVDATOR",
            ),
            DemoGoal(
                "CENTRAL",
                "Egen elevdator för alla i årskurs 4–6 på Centralskolan",
                "Skolan prövar också en utlåningshylla för elever som glömt sin dator.",
                indicator="ELEVDATOR",
            ),
            DemoGoal(
                "HAGA",
                "Egen elevdator för alla i årskurs 4–6 på Hagaskolan",
                "Leveransen försenades i våras; skolan har fått förtur i nästa omgång.",
                indicator="ELEVDATOR",
            ),
        ),
    ),
    DemoBreakdown(
        "Kompetens",
        DemoGoal(
            "BUF",
            "Alla lärare har gått kompetenslyftet för digitalisering",
            "Lärarna väljer verktyg efter vad som hjälper eleverna att lära, och känner sig "
            "trygga med dem. Modulerna läggs på studiedagar så att alla kan delta.",
            indicator="KOMPLYFT",
            research=True,
            steering=NATIONAL_STRATEGY,
            values=("tillit", "standiga-forbattringar"),
        ),
        (
            DemoGoal(
                "ASEN",
                "Alla lärare på Åsens skola har gått kompetenslyftet",
                "Arbetslagen går modulerna tillsammans och provar dem direkt i sina klasser.",
                indicator="KOMPLYFT",
            ),
            DemoGoal(
                "NORRBY",
                "Alla lärare på Norrbyskolan har gått kompetenslyftet",
                "Ämneslagen turas om så att undervisningen inte behöver ställas in.",
                weight="1.5",
                indicator="KOMPLYFT",
            ),
            DemoGoal(
                "KYRKBY",
                "Alla lärare på Kyrkbyskolan har gått kompetenslyftet",
                "Elevhälsans personal går med i samma moduler.",
                indicator="KOMPLYFT",
            ),
            DemoGoal(
                "SJOVIK",
                "Alla lärare på Sjöviksskolan har gått kompetenslyftet",
                "F–9-skolan låter lågstadiet börja, högstadiet följer efter jul.",
                indicator="KOMPLYFT",
            ),
        ),
    ),
    DemoBreakdown(
        "Användning",
        DemoGoal(
            "BUF",
            "Eleverna upplever att de digitala verktygen hjälper dem att lära",
            "Verktygen ska göra skillnad i undervisningen, inte bara finnas. Vi frågar eleverna "
            "varje termin och följer upp tillsammans med skolorna.",
            indicator="DIGUPPL",
            research=True,
            steering=RECOMMENDATIONS,
            values=("medborgarfokus", "oppenhet"),
        ),
        (
            DemoGoal(
                "ASEN",
                "Eleverna på Åsens skola tycker att verktygen hjälper dem att lära",
                "Klassråden tar upp vad som fungerar och inte.",
                indicator="DIGUPPL",
            ),
            DemoGoal(
                "BJORK",
                "Eleverna på Björkbackens skola tycker att verktygen hjälper dem att lära",
                "Fokus på läs- och skrivverktyg i årskurs 4–6.",
                indicator="DIGUPPL",
            ),
            DemoGoal(
                "SJOVIK",
                "Eleverna på Sjöviksskolan tycker att verktygen hjälper dem att lära",
                "Högstadiet ser över hur många olika appar eleverna behöver.",
                indicator="DIGUPPL",
            ),
            DemoGoal(
                "ASEN",
                "Eleverna är med och utvärderar lärverktygen på Åsens skola",
                "Utkast: elevrådet och rektor bestämmer tillsammans hur utvärderingen ska gå "
                "till. Underlag saknas ännu.",
                status=Goal.Status.DRAFT,
            ),
        ),
    ),
    DemoBreakdown(
        "Användning",
        DemoGoal(
            "BUF",
            "Fler elever går ut årskurs 9 behöriga till gymnasiet",
            "Den långsiktiga vinsten som nämnden väntar sig av satsningarna: fler elever som "
            "klarar skolan och kan välja sin fortsättning.",
            indicator="BEH9",
            research=True,
            values=("medborgarfokus",),
        ),
        (
            DemoGoal(
                "NORRBY",
                "Fler elever på Norrbyskolan blir behöriga till gymnasiet",
                "Studiestöd med digitala läromedel för elever som riskerar att inte nå målen.",
                weight="1.2",
                indicator="BEH9",
            ),
            DemoGoal(
                "KYRKBY",
                "Fler elever på Kyrkbyskolan blir behöriga till gymnasiet",
                "Läxhjälp på lärplattformen, också för vårdnadshavare.",
                indicator="BEH9",
            ),
            DemoGoal(
                "SJOVIK",
                "Fler elever på Sjöviksskolan blir behöriga till gymnasiet",
                "Tidiga insatser redan i årskurs 7.",
                weight="0.8",
                indicator="BEH9",
            ),
        ),
    ),
    DemoBreakdown(
        "Ledning",
        DemoGoal(
            "BUF",
            FOLLOW_UP_GOAL,
            "Skolledning och lärare skattar skolans digitala mognad varje termin och använder "
            "resultatet i sin plan. Förvaltningen sammanställer skattningarna för nämnden. Den "
            "första skattningen görs i slutet av terminen.",
            indicator="LIKA",
            research=True,
            steering=NATIONAL_STRATEGY,
            values=("oppenhet", "standiga-forbattringar"),
        ),
        (),
    ),
)


def _indicators(
    organisation: Organisation, units: dict[str, OrgUnit], today: date
) -> dict[str, Indicator]:
    indicators = {}
    targets, measurements = [], []
    for spec in INDICATORS:
        steps = 1 if spec.periodicity == YEAR else 2  # periods a year
        latest = 1  # the latest measured period is the one before the current
        indicator = Indicator.objects.create(
            organisation=organisation, code=spec.code, name=spec.name,
            description=spec.description, unit_of_measure=spec.unit_of_measure,
            direction=spec.direction, periodicity=spec.periodicity, source=spec.source,
            baseline_value=Decimal(spec.baseline),
            baseline_period=_period(spec.periodicity, latest + 3 * steps, today),
        )  # fmt: skip
        indicators[spec.code] = indicator
        for years_ahead, target in zip((2, 4), spec.targets, strict=True):
            period = _period(spec.periodicity, latest - years_ahead * steps, today)
            targets.append(
                IndicatorTarget(organisation=organisation, indicator=indicator, period=period,
                                position=periods.parse(period).position, value=Decimal(target))
            )  # fmt: skip
        for code, values in spec.series.items():
            for back, value in enumerate(reversed(values), start=latest):
                period = _period(spec.periodicity, back, today)
                measurements.append(
                    Measurement(organisation=organisation, indicator=indicator,
                                org_unit=units[code], period=period,
                                position=periods.parse(period).position,
                                value=None if value is None else Decimal(value),
                                status="" if value is not None else Measurement.Status.MISSING)
                )  # fmt: skip
    # Girls and boys separately for the förvaltning's eligibility figures.
    for row in [m for m in measurements if m.indicator.code == "BEH9" and m.org_unit.code == "BUF"]:
        for gender, difference in (("K", Decimal("1.6")), ("M", Decimal("-1.5"))):
            measurements.append(
                Measurement(organisation=organisation, indicator=row.indicator,
                            org_unit=row.org_unit, period=row.period, position=row.position,
                            gender=gender, value=row.value + difference)  # type: ignore[operator]
            )  # fmt: skip
    IndicatorTarget.objects.bulk_create(targets)
    Measurement.objects.bulk_create(measurements)
    return indicators


def _evidence(
    organisation: Organisation,
    goal: Goal,
    spec: DemoGoal,
    indicators: dict[str, Indicator],
    changes: dict[str, SteeringChange],
    by: User,
) -> list[Evidence]:
    found = []
    if spec.indicator:
        indicator = indicators[spec.indicator]
        found.append(
            Evidence(organisation=organisation, goal=goal, kind=Evidence.Kind.INDICATOR,
                     title=indicator.name, indicator=indicator, added_by=by)
        )  # fmt: skip
    if spec.research:
        found.append(
            Evidence(organisation=organisation, goal=goal, kind=Evidence.Kind.RESEARCH,
                     title=FOLLOW_UP_REPORT, summary=FOLLOW_UP_SUMMARY, added_by=by)
        )  # fmt: skip
    if spec.steering and spec.steering in changes:
        change = changes[spec.steering]
        found.append(
            Evidence(organisation=organisation, goal=goal, kind=Evidence.Kind.STEERING,
                     title=f"{change.document.title}: {change.get_kind_display()} "
                           f"{change.date:%Y-%m-%d}",
                     steering_change=change, added_by=by)
        )  # fmt: skip
    return found


def load(organisation: Organisation, people: dict[str, User]) -> None:
    """Create Mittköping's goals and indicators, unless it has goals already."""
    today = timezone.localdate()
    with scope(organisation):
        if Goal.objects.exists():
            return
        vision = TargetVision.objects.filter(status=TargetVision.Status.ADOPTED).first()
        if vision is None:
            return
        units = {unit.code: unit for unit in OrgUnit.objects.all()}
        areas = {area.name: area for area in FocusArea.objects.all()}
        values = {value.key: value for value in Value.objects.filter(retired_at__isnull=True)}
        changes: dict[str, SteeringChange] = {}
        for change in SteeringChange.objects.select_related("document").order_by("date", "pk"):
            changes.setdefault(change.document.title, change)
        indicators = _indicators(organisation, units, today)
        admin, rektor = people["forvaltning"], people["rektor"]
        fallback_area = next(iter(areas.values()))
        goals: list[Goal] = []
        evidence: list[Evidence] = []
        links: list[GoalIndicator] = []
        for breakdown in BREAKDOWNS:
            parent = None
            for spec in (breakdown.goal, *breakdown.schools):
                by = rektor if spec.unit == "ASEN" else admin
                goal = Goal.objects.create(
                    organisation=organisation, target_vision=vision,
                    focus_area=areas.get(breakdown.focus_area, fallback_area),
                    unit=units[spec.unit], parent=parent, title=spec.title,
                    description=spec.description, owner=by, weight=Decimal(spec.weight),
                    status=spec.status, created_by=by,
                )  # fmt: skip
                goal.values.set([values[key] for key in spec.values if key in values])
                if spec.indicator:
                    links.append(
                        GoalIndicator(organisation=organisation, goal=goal,
                                      indicator=indicators[spec.indicator])
                    )  # fmt: skip
                evidence += _evidence(organisation, goal, spec, indicators, changes, by)
                goals.append(goal)
                parent = parent or goal
        GoalIndicator.objects.bulk_create(links)
        Evidence.objects.bulk_create(evidence)
        progress.recalculate(goal.pk for goal in goals)
        audit.record(
            "demo.goals_created",
            summary=f"{len(goals)} mål, {len(indicators)} indikatorer",
            organisation=organisation,
        )
