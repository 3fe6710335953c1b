"""Mittköping's follow-up: a finished period and an open one, reports on the demo goals in every
state (draft, ready, approved, one sent back, one late), comments on them, and what the
målbild's investments spent and achieved.

Everything is fictional and written for Målbild. Dates are relative to today, so the demo never
goes stale: the first period ended two months ago, the second closes in three weeks. One goal of
Åsens skola ("Eleverna på Åsens skola tycker …") is left without a report in the open period,
for the browser test to write. Loading is idempotent: nothing is written when the organisation
has periods already, or no goals yet. Rows are written with the models directly (back-dated to
when they would have been written) and one audit event says so.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from malbild import audit
from malbild.accounts.models import User
from malbild.followup import services as followup_services
from malbild.followup.models import InvestmentFollowUp, Period, Report, ReportComment
from malbild.goals.models import Goal
from malbild.plans.models import Activity
from malbild.targets.models import Investment, TargetVision
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope

State = Report.State
Decision = Report.Decision
Light = Goal.Light
Kind = ReportComment.Kind

BUF_DATOR = "Varje elev från årskurs 4 har en egen elevdator"
BUF_KOMP = "Alla lärare har gått kompetenslyftet för digitalisering"
BUF_UPPL = "Eleverna upplever att de digitala verktygen hjälper dem att lära"
BUF_BEH = "Fler elever går ut årskurs 9 behöriga till gymnasiet"
ASEN_DATOR = "Egen elevdator för alla i årskurs 4–6 på Åsens skola"
ASEN_KOMP = "Alla lärare på Åsens skola har gått kompetenslyftet"
ASEN_UPPL = "Eleverna på Åsens skola tycker att verktygen hjälper dem att lära"  # left for e2e
BJORK_DATOR = "Egen elevdator för alla i årskurs 4–6 på Björkbackens skola"
CENTRAL_DATOR = "Egen elevdator för alla i årskurs 4–6 på Centralskolan"
HAGA_DATOR = "Egen elevdator för alla i årskurs 4–6 på Hagaskolan"
NORRBY_KOMP = "Alla lärare på Norrbyskolan har gått kompetenslyftet"
KYRKBY_KOMP = "Alla lärare på Kyrkbyskolan har gått kompetenslyftet"
KYRKBY_BEH = "Fler elever på Kyrkbyskolan blir behöriga till gymnasiet"
SJOVIK_UPPL = "Eleverna på Sjöviksskolan tycker att verktygen hjälper dem att lära"


@dataclass(frozen=True)
class DemoComment:
    who: str  # key of the demo person
    body: str
    days_ago: int
    kind: str = Kind.COMMENT


@dataclass(frozen=True)
class DemoReport:
    goal: str
    state: str
    light: str
    decision: str
    analysis: str
    reasoning: str
    revised_plan: str = ""
    activities: tuple[str, ...] = ()  # titles of demo activities of the goal's unit
    late: bool = False
    written: int = 0  # days before the period's deadline it was written (negative: after)
    comments: tuple[DemoComment, ...] = field(default_factory=tuple)


FINISHED = (
    DemoReport(
        BUF_DATOR,
        State.APPROVED,
        Light.ON_TRACK,
        Decision.CONTINUE,
        "Nio av tio elever i årskurs 4–6 har nu en egen dator. Supportärendena har blivit "
        "färre sedan skolorna fick samma modell, och de flesta löses inom en skoldag.",
        "Utbyggnaden följer planen och budgeten. Vi fortsätter med årskurs 7–9 enligt beslutet.",
        written=6,
        comments=(
            DemoComment(
                "politiker",
                "Skönt att se att supporten fungerar. Hur går det för "
                "eleverna som saknar uppkoppling hemma?",
                55,
            ),
            DemoComment(
                "forvaltning",
                "Vi lånar ut mobila routrar via skolorna. Ett 30-tal "
                "elever använder dem i dag; vi redovisar det i nästa delår.",
                54,
            ),
        ),
    ),
    DemoReport(
        BUF_KOMP,
        State.APPROVED,
        Light.AT_RISK,
        Decision.ADJUST,
        "Två tredjedelar av lärarna har gått modul 1 och 2. Skolor som lagt modulerna på "
        "studiedagar ligger klart före de som lagt dem på eftermiddagar.",
        "Takten räcker inte för att alla ska vara klara till sommaren om vi fortsätter som nu.",
        revised_plan="Alla skolor lägger resterande moduler på studiedagarna i höst. "
        "Förvaltningen tar fram ett gemensamt schema och frigör tid för handledarna.",
        written=3,
        comments=(
            DemoComment(
                "rektor",
                "Studiedagarna fungerar bra hos oss på Åsen. Vi delar gärna "
                "vårt upplägg med de andra skolorna.",
                50,
            ),
        ),
    ),
    DemoReport(
        BUF_UPPL,
        State.APPROVED,
        Light.ON_TRACK,
        Decision.CONTINUE,
        "Elevenkäten visar att fler elever än i fjol tycker att verktygen hjälper dem, "
        "särskilt med läsning och skrivning.",
        "Resultatet går åt rätt håll. Vi fortsätter och följer upp per skola nästa termin.",
        written=2,
    ),
    DemoReport(
        BUF_BEH,
        State.APPROVED,
        Light.AT_RISK,
        Decision.CONTINUE,
        "Behörigheten ligger kvar på ungefär samma nivå. Det är för tidigt att se effekter "
        "av satsningarna, som främst når de yngre eleverna ännu.",
        "Vi håller fast vid den långsiktiga inriktningen och följer Norrbyskolans studiestöd "
        "särskilt.",
        written=1,
        comments=(
            DemoComment(
                "politiker",
                "Vi behöver tålamod här. Jag vill ändå se hur stödet i årskurs 7 följs upp.",
                52,
            ),
        ),
    ),
    DemoReport(
        ASEN_DATOR,
        State.APPROVED,
        Light.ON_TRACK,
        Decision.CONTINUE,
        "Alla elever i årskurs 4–6 har fått sin dator. Lånekontrakten är underskrivna och "
        "klasslärarna har gått igenom hur datorerna sköts.",
        "Målet är nått för i år. Fritidshemmets surfplattor är nästa steg.",
        activities=("Elevdatorer delas ut i årskurs 4–6",),
        written=8,
    ),
    DemoReport(
        ASEN_KOMP,
        State.APPROVED,
        Light.ON_TRACK,
        Decision.CONTINUE,
        "Båda arbetslagen har gått del 1 och 2 tillsammans och provat momenten i sina klasser.",
        "Upplägget med arbetslagen fungerar. Vi fortsätter med del 3 i höst.",
        written=5,
    ),
    DemoReport(
        BJORK_DATOR,
        State.APPROVED,
        Light.ON_TRACK,
        Decision.CONTINUE,
        "De äldsta datorerna är utbytta och alla elever i årskurs 4–6 har en egen dator.",
        "Klart enligt plan.",
        written=4,
    ),
    DemoReport(
        NORRBY_KOMP,
        State.APPROVED,
        Light.OFF_TRACK,
        Decision.ADJUST,
        "Bara hälften av lärarna har hunnit börja. Ämneslagens turordning har krockat med "
        "nationella proven.",
        "Med nuvarande upplägg blir vi inte klara. Vi behöver ändra hur tiden fördelas.",
        revised_plan="Alla lärare går modulerna samtidigt på två studiedagar i augusti, med "
        "förvaltningens handledare på plats. Turordningen per ämneslag tas bort.",
        written=2,
        comments=(
            DemoComment(
                "forvaltning", "Bra att ni ändrar upplägget. Vi bokar handledarna till augusti.", 49
            ),
        ),
    ),
    DemoReport(
        KYRKBY_BEH,
        State.APPROVED,
        Light.AT_RISK,
        Decision.CONTINUE,
        "Läxhjälpen på lärplattformen används mest av elever i årskurs 9. Vårdnadshavarna "
        "har ännu inte hittat dit i någon större utsträckning.",
        "Vi fortsätter och informerar vårdnadshavarna bättre vid utvecklingssamtalen.",
        written=1,
    ),
    DemoReport(
        HAGA_DATOR,
        State.APPROVED,
        Light.OFF_TRACK,
        Decision.CONTINUE,
        "Leveransen försenades i våras och bara årskurs 6 har fått sina datorer. Skolan har "
        "fått förtur i nästa omgång.",
        "Förseningen beror på leveransen, inte på skolan. Vi fortsätter när datorerna kommer.",
        late=True,
        written=-5,
        comments=(
            DemoComment(
                "forvaltning",
                "Rapporten kom in efter sista dagen, men förklaringen är tydlig. Godkänd.",
                38,
            ),
        ),
    ),
    DemoReport(
        CENTRAL_DATOR,
        State.READY,
        Light.AT_RISK,
        Decision.CONTINUE,
        "Årskurs 5 och 6 har sina datorer. Utlåningshyllan används varje dag.",
        "Vi fortsätter med årskurs 4 när nästa leverans kommer.",
        written=1,
    ),
)

OPEN = (
    DemoReport(
        BUF_DATOR,
        State.READY,
        Light.ON_TRACK,
        Decision.CONTINUE,
        "Utbyggnaden till årskurs 7–9 har börjat på Norrbyskolan. Supporten håller tiderna.",
        "Allt går enligt plan.",
        written=12,
    ),
    DemoReport(
        ASEN_DATOR,
        State.DRAFT,
        Light.ON_TRACK,
        Decision.CONTINUE,
        "Datorerna fungerar bra i årskurs 4–6. Fritidshemmets surfplattor är pausade i väntan "
        "på upphandlingen.",
        "Vi fortsätter; surfplattorna tar vi upp när upphandlingen är klar.",
        written=10,
    ),
    DemoReport(
        ASEN_KOMP,
        State.READY,
        Light.ON_TRACK,
        Decision.CONTINUE,
        "Del 3 är i gång. Lärarna berättar att de provar fler verktyg i klasserna än förut.",
        "Vi fortsätter enligt plan och utvärderar i arbetslagen före sommaren.",
        activities=("Arbetslagen går modul 3 i kompetenslyftet tillsammans",),
        written=9,
        comments=(
            DemoComment(
                "larare",
                "I arbetslag 4–6 har vi provat att låta eleverna spela in "
                "sina redovisningar. Det fungerade över förväntan!",
                6,
            ),
        ),
    ),
    DemoReport(
        BJORK_DATOR,
        State.APPROVED,
        Light.ON_TRACK,
        Decision.STOP,
        "Målet är nått: alla elever i årskurs 4–6 har en egen dator, och skolan har rutiner "
        "för reparationer och byten.",
        "Målet behöver inte följas upp separat längre; datorerna ingår nu i skolans "
        "ordinarie drift.",
        written=14,
    ),
    DemoReport(
        SJOVIK_UPPL,
        State.READY,
        Light.AT_RISK,
        Decision.ADJUST,
        "Eleverna på högstadiet tycker att det är för många olika appar. Mellanstadiet är mer "
        "nöjt än i fjol.",
        "Högstadiets svar visar att vi behöver förenkla innan vi lägger till något nytt.",
        revised_plan="Högstadiet väljer ut högst fem appar som alla lärare använder, och "
        "eleverna får vara med och välja. Övriga appar fasas ut under terminen.",
        written=8,
    ),
    DemoReport(
        KYRKBY_KOMP,
        State.DRAFT,
        Light.AT_RISK,
        Decision.CONTINUE,
        "Elevhälsans personal har gått med i modulerna.",
        "Vi fortsätter.",
        written=11,
        comments=(
            DemoComment(
                "forvaltning",
                "Kan ni skriva något om hur många lärare som har gått "
                "modulerna? Det behöver nämnden se.",
                5,
                Kind.SENT_BACK,
            ),
        ),
    ),
    DemoReport(
        NORRBY_KOMP,
        State.DRAFT,
        Light.AT_RISK,
        Decision.CONTINUE,
        "Studiedagarna i augusti är inbokade. Halva kollegiet har gått modul 1.",
        "Vi avvaktar studiedagarna innan vi drar några slutsatser.",
        written=7,
    ),
)

# Investments: (title, share of the yearly amount spent, achieved, gains, note) per period.
INVESTMENTS_FINISHED = {
    "Elevdatorer från årskurs 4": (
        "0.55", "Alla elever i årskurs 4–6 på nio av elva skolor har fått en egen dator.",
        InvestmentFollowUp.Gains.NOT_YET,
        "Lärarna märker att eleverna kommer igång snabbare; effekter på resultaten syns inte än.",
    ),
    "Kompetenslyft för lärare och skolledare": (
        "0.40", "Två tredjedelar av lärarna har gått modul 1 och 2; alla rektorer har gått "
        "ledarskapsdelen.",
        InvestmentFollowUp.Gains.PARTLY,
        "Lärarna väljer verktyg mer medvetet, enligt elevenkäten och rektorernas iakttagelser.",
    ),
    "En digital pedagog i varje område": (
        "0.30", "Tre av fyra tjänster är tillsatta. Pedagogerna har besökt alla skolor i sina "
        "områden minst en gång.",
        InvestmentFollowUp.Gains.NOT_YET, "",
    ),
}  # fmt: skip
INVESTMENTS_OPEN = {
    "Elevdatorer från årskurs 4": (
        "0.25", "Utbyggnaden till årskurs 7–9 har börjat på Norrbyskolan.",
        InvestmentFollowUp.Gains.PARTLY,
        "Frånvaron vid prov har minskat något när eleverna kan fortsätta hemifrån.",
    ),
}  # fmt: skip


def _at(day: date, hour: int = 14) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _periods(organisation: Organisation, today: date, admin: User) -> tuple[Period, Period]:
    finished = Period.objects.create(
        organisation=organisation, name=f"Delår 1 {today.year}",
        starts_on=today - timedelta(days=200), ends_on=today - timedelta(days=60),
        deadline=today - timedelta(days=40), reminded_on=today - timedelta(days=47),
        created_by=admin,
    )  # fmt: skip
    current = Period.objects.create(
        organisation=organisation, name=f"Delår 2 {today.year}",
        starts_on=today - timedelta(days=59), ends_on=today + timedelta(days=7),
        deadline=today + timedelta(days=21), created_by=admin,
    )  # fmt: skip
    return finished, current


def _reports(
    period: Period, specs: tuple[DemoReport, ...], goals: dict[str, Goal], people: dict[str, User]
) -> int:
    admin, rektor = people["forvaltning"], people["rektor"]
    activities = {a.title: a for a in Activity.objects.all()}
    written = 0
    for spec in specs:
        goal = goals.get(spec.goal)
        if goal is None:
            continue
        by = rektor if goal.unit.code == "ASEN" else admin
        day = period.deadline - timedelta(days=spec.written)
        report = Report.objects.create(
            organisation=period.organisation, period=period, goal=goal, unit=goal.unit,
            light=spec.light, analysis=spec.analysis, decision=spec.decision,
            reasoning=spec.reasoning, revised_plan=spec.revised_plan, state=spec.state,
            late=spec.late, created_by=by, updated_by=by,
        )  # fmt: skip
        report.activities.set(
            [activities[t] for t in spec.activities if t in activities and
             activities[t].unit_id == goal.unit_id]
        )  # fmt: skip
        stamps: dict[str, object] = {"created_at": _at(day, 9), "updated_at": _at(day, 15)}
        if spec.state in (State.READY, State.APPROVED):
            stamps |= {"ready_by": by, "ready_at": _at(day, 16)}
        if spec.state == State.APPROVED:
            approved = max(day, period.deadline) + timedelta(days=3)
            stamps |= {"approved_by": admin, "approved_at": _at(approved, 10)}
        Report.objects.filter(pk=report.pk).update(**stamps)
        for note in spec.comments:
            comment = ReportComment.objects.create(
                organisation=period.organisation, report=report, kind=note.kind,
                author=people[note.who], body=note.body,
            )  # fmt: skip
            moment = _at(timezone.localdate() - timedelta(days=note.days_ago), 11)
            ReportComment.objects.filter(pk=comment.pk).update(created_at=moment)
        written += 1
    return written


def _investments(
    period: Period,
    specs: Mapping[str, tuple[str, str, str, str]],
    vision: TargetVision,
    admin: User,
) -> int:
    investments = {i.title: i for i in Investment.objects.filter(target_vision=vision)}
    rows = [
        InvestmentFollowUp(
            organisation=period.organisation, period=period, investment=investments[title],
            spent=(investments[title].amount_per_year * Decimal(share) / 1000).quantize(1) * 1000,
            achieved=achieved, gains=gains, gains_note=note, updated_by=admin,
        )
        for title, (share, achieved, gains, note) in specs.items()
        if title in investments
    ]  # fmt: skip
    InvestmentFollowUp.objects.bulk_create(rows)
    return len(rows)


def load(organisation: Organisation, people: dict[str, User]) -> None:
    """Create Mittköping's follow-up, unless it has periods already or no goals yet."""
    today = timezone.localdate()
    with scope(organisation):
        if Period.objects.exists() or not Goal.objects.exists():
            return
        vision = TargetVision.objects.filter(status=TargetVision.Status.ADOPTED).first()
        goals = {g.title: g for g in Goal.objects.select_related("unit")}
        admin = people["forvaltning"]
        finished, current = _periods(organisation, today, admin)
        count = _reports(finished, FINISHED, goals, people) + _reports(current, OPEN, goals, people)
        followup_services.refresh_all_assessments()  # the leads' assessments beside the lights
        invested = 0
        if vision is not None:
            invested = _investments(finished, INVESTMENTS_FINISHED, vision, admin)
            invested += _investments(current, INVESTMENTS_OPEN, vision, admin)
        audit.record(
            "demo.followup_created",
            summary=f"2 perioder, {count} rapporter, {invested} uppföljningar av satsningar",
            organisation=organisation,
        )
