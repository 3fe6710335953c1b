"""Mittköping's action plans: activities of several schools and of the förvaltning that serve
the demo goals (`demo.goals`), in every status, with milestones and a history in which dates
and scope were changed for stated reasons.

Everything is fictional and written for Målbild. Dates are relative to today, so the demo never
goes stale. Loading is idempotent: nothing is written when the organisation has activities
already, or has no goals yet. Rows are written with the models directly (revisions included,
back-dated to when they would have been made) and one audit event says so.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from malbild import audit
from malbild.accounts.models import User
from malbild.goals.models import Goal
from malbild.plans.models import Activity, ActivityRevision, Milestone
from malbild.plans.services import diff, snapshot
from malbild.platforms.models import Value
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

Status = Activity.Status
Kind = ActivityRevision.Kind


@dataclass(frozen=True)
class DemoMilestone:
    title: str
    due: int  # days from today
    done: int | None = None  # days from today it was done; None: not yet


@dataclass(frozen=True)
class DemoChange:
    """A change made `days_ago` days ago: the planned dates as they were before it, and why."""

    days_ago: int
    reason: str
    starts: int | None = None  # the start before the change (days from today)
    ends: int | None = None  # the end before the change
    title: str = ""  # the title before the change


@dataclass(frozen=True)
class DemoStatus:
    days_ago: int
    status: str
    progress: int
    comment: str = ""


@dataclass(frozen=True)
class DemoActivity:
    unit: str  # unit code
    title: str
    description: str
    goals: tuple[str, ...]  # titles of demo goals
    starts: int  # days from today
    ends: int
    status: str = Status.NOT_STARTED
    progress: int = 0
    owner: str = ""  # key of the demo person responsible ("" : the one who planned it)
    added_by: str = ""  # key of the demo person who added it ("": the rektor or the förvaltning)
    values: tuple[str, ...] = ()
    milestones: tuple[DemoMilestone, ...] = ()
    changes: tuple[DemoChange, ...] = ()  # oldest first
    updates: tuple[DemoStatus, ...] = ()  # oldest first; the last gives the status now
    planned: int = 200  # days ago it was planned


ASEN_DATOR = "Egen elevdator för alla i årskurs 4–6 på Åsens skola"
ASEN_KOMP = "Alla lärare på Åsens skola har gått kompetenslyftet"
ASEN_UPPL = "Eleverna på Åsens skola tycker att verktygen hjälper dem att lära"
BUF_KOMP = "Alla lärare har gått kompetenslyftet för digitalisering"
BUF_UPPL = "Eleverna upplever att de digitala verktygen hjälper dem att lära"

ACTIVITIES = (
    DemoActivity(
        "ASEN",
        "Elevdatorer delas ut i årskurs 4–6",
        "Varje elev i årskurs 4–6 får en egen dator med skolans program installerade. "
        "Eleverna och vårdnadshavarna skriver under ett lånekontrakt, och klasslärarna går "
        "igenom hur datorn sköts.",
        (ASEN_DATOR,),
        starts=-300,
        ends=-45,
        status=Status.DONE,
        progress=100,
        values=("medborgarfokus",),
        milestones=(
            DemoMilestone("Beställningen är lagd", -260, -262),
            DemoMilestone("Datorerna är utdelade i alla klasser", -78, -50),
        ),
        changes=(
            DemoChange(
                120,
                "Leverantören skjuter upp leveransen en månad. Utdelningen flyttas så att alla "
                "klasser får sina datorer samtidigt.",
                ends=-75,
            ),
        ),
        updates=(
            DemoStatus(250, Status.IN_PROGRESS, 20, "Beställningen är lagd."),
            DemoStatus(45, Status.DONE, 100, "Alla elever i årskurs 4–6 har fått sin dator."),
        ),
        planned=310,
    ),
    DemoActivity(
        "ASEN",
        "Arbetslagen går modul 3 i kompetenslyftet tillsammans",
        "Arbetslag F–3 och 4–6 går modulen om digitala verktyg i undervisningen på "
        "studiedagarna, provar ett moment i sina klasser mellan träffarna och delar vad som "
        "fungerade.",
        (ASEN_KOMP, BUF_KOMP),
        starts=-120,
        ends=75,
        status=Status.IN_PROGRESS,
        progress=55,
        owner="larare",
        values=("tillit", "standiga-forbattringar"),
        milestones=(
            DemoMilestone("Del 1 och 2 är genomgångna", -60, -58),
            DemoMilestone("Del 3: varje lärare har provat ett moment i klassen", 20),
            DemoMilestone("Gemensam utvärdering i arbetslagen", 70),
        ),
        updates=(
            DemoStatus(100, Status.IN_PROGRESS, 20),
            DemoStatus(20, Status.IN_PROGRESS, 55, "Del 1 och 2 är klara i båda arbetslagen."),
        ),
        planned=130,
    ),
    DemoActivity(
        "ASEN",
        "Elevpanel om lärverktygen",
        "En panel med två elever från varje klass i årskurs 4–6 träffar rektor två gånger per "
        "termin och berättar vilka verktyg som hjälper dem att lära och vilka som inte gör det.",
        (ASEN_UPPL,),
        starts=25,
        ends=170,
        values=("medborgarfokus", "oppenhet"),
        milestones=(
            DemoMilestone("Klassråden väljer sina representanter", 40),
            DemoMilestone("Panelens första träff", 60),
        ),
        changes=(
            DemoChange(
                10,
                "Eleverna vill att panelen också säger något om läromedlen, inte bara om "
                "verktygen.",
                title="Elevpanel om digitala verktyg",
            ),
        ),
        planned=30,
    ),
    DemoActivity(
        "ASEN",
        "Surfplattor till fritidshemmet",
        "Fritidshemmet får egna surfplattor så att eleverna inte behöver låna klassernas.",
        (ASEN_DATOR,),
        starts=-90,
        ends=120,
        status=Status.PAUSED,
        progress=30,
        milestones=(DemoMilestone("Fritidspersonalen har valt appar", -40, -42),),
        updates=(
            DemoStatus(80, Status.IN_PROGRESS, 30),
            DemoStatus(
                15,
                Status.PAUSED,
                30,
                "Inköpen står still till nästa budgetår. Fritidshemmet lånar under tiden "
                "klassernas datorer på eftermiddagarna.",
            ),
        ),
        planned=100,
    ),
    DemoActivity(
        "ASEN",
        "Eleverna i 5B gör instruktionsfilmer till varandra",
        "Eleverna gör korta filmer där de visar sina klasskamrater hur de använder ett "
        "verktyg i ett ämne, till exempel hur man bygger en graf i kalkylprogrammet. Filmerna "
        "samlas på lärplattformen så att andra klasser kan använda dem.",
        (ASEN_UPPL,),
        starts=-14,
        ends=100,
        status=Status.IN_PROGRESS,
        progress=15,
        owner="larare",
        added_by="larare",
        values=("oppenhet",),
        milestones=(
            DemoMilestone("De första filmerna visas för klassen", 30),
            DemoMilestone("Filmerna finns på lärplattformen", 90),
        ),
        updates=(DemoStatus(5, Status.IN_PROGRESS, 15, "Eleverna har valt verktyg och manus."),),
        planned=20,
    ),
    DemoActivity(
        "NORRBY",
        "Studiestöd med digitala läromedel i årskurs 9",
        "Elever som riskerar att inte bli behöriga får två extra pass i veckan med digitala "
        "läromedel i svenska, engelska och matematik, med en lärare på plats.",
        ("Fler elever på Norrbyskolan blir behöriga till gymnasiet",),
        starts=-100,
        ends=110,
        status=Status.IN_PROGRESS,
        progress=45,
        values=("medborgarfokus",),
        milestones=(
            DemoMilestone("Eleverna som erbjuds stödet är utvalda", -85, -86),
            DemoMilestone("Avstämning med vårdnadshavarna", 30),
        ),
        updates=(DemoStatus(60, Status.IN_PROGRESS, 45, "23 elever deltar."),),
        planned=110,
    ),
    DemoActivity(
        "KYRKBY",
        "Läxhjälp på lärplattformen, också för vårdnadshavare",
        "Lärarna lägger upp genomgångar och exempeluppgifter på lärplattformen, och "
        "vårdnadshavarna får en kort introduktion på föräldramötet.",
        ("Fler elever på Kyrkbyskolan blir behöriga till gymnasiet",),
        starts=-150,
        ends=40,
        status=Status.IN_PROGRESS,
        progress=80,
        values=("oppenhet",),
        milestones=(
            DemoMilestone("Introduktion på föräldramötet", -110, -110),
            DemoMilestone("Utvärdering med elevrådet", 30),
        ),
        updates=(DemoStatus(30, Status.IN_PROGRESS, 80),),
        planned=160,
    ),
    DemoActivity(
        "SJOVIK",
        "Gemensam appkorg för högstadiet",
        "Ämneslagen kommer överens om högst tio appar som alla elever i årskurs 7–9 använder.",
        ("Eleverna på Sjöviksskolan tycker att verktygen hjälper dem att lära",),
        starts=-200,
        ends=20,
        status=Status.CANCELLED,
        progress=35,
        updates=(
            DemoStatus(180, Status.IN_PROGRESS, 35),
            DemoStatus(
                70,
                Status.CANCELLED,
                35,
                "Förvaltningen tar fram en gemensam lista över lärverktyg för alla skolor. "
                "Skolan använder den i stället för en egen.",
            ),
        ),
        planned=210,
    ),
    DemoActivity(
        "HAGA",
        "Ny leverans av elevdatorer till årskurs 4–6",
        "Hagaskolan får sina datorer i nästa leverans, med förtur. Klasserna delar datorvagnar "
        "tills dess.",
        ("Egen elevdator för alla i årskurs 4–6 på Hagaskolan",),
        starts=-60,
        ends=50,
        status=Status.IN_PROGRESS,
        progress=25,
        milestones=(DemoMilestone("Datorerna levereras", 30),),
        changes=(
            DemoChange(
                40,
                "Vårens leverans försenades. Skolan har fått förtur i nästa omgång, och "
                "utdelningen flyttas dit.",
                ends=-10,
            ),
        ),
        updates=(DemoStatus(50, Status.IN_PROGRESS, 25),),
        planned=70,
    ),
    DemoActivity(
        "BUF",
        "Kompetenslyftets moduler läggs på studiedagarna",
        "Förvaltningen bokar studiedagar för alla skolor så att lärarna kan gå modulerna "
        "tillsammans, och ordnar handledare från skolor som kommit längre.",
        (BUF_KOMP,),
        starts=-180,
        ends=180,
        status=Status.IN_PROGRESS,
        progress=50,
        values=("tillit",),
        milestones=(
            DemoMilestone("Studiedagarna är bokade för läsåret", -150, -155),
            DemoMilestone("Handledarna har gått sin utbildning", -20, -25),
            DemoMilestone("Avstämning med rektorerna", 45),
        ),
        updates=(DemoStatus(90, Status.IN_PROGRESS, 50),),
        planned=190,
    ),
    DemoActivity(
        "BUF",
        "Elevenkäten får frågor om digitala verktyg",
        "Elevenkäten får tre frågor om hur de digitala verktygen hjälper eleverna att lära, så "
        "att skolorna kan följa upp sina mål varje termin.",
        (BUF_UPPL,),
        starts=-40,
        ends=100,
        status=Status.IN_PROGRESS,
        progress=60,
        milestones=(
            DemoMilestone("Frågorna är prövade med två klasser", -10, -12),
            DemoMilestone("Enkäten skickas ut", 60),
        ),
        changes=(
            DemoChange(
                20,
                "Enkäten skickas ut senare, tillsammans med skolornas egen trivselenkät, så att "
                "eleverna bara behöver svara en gång.",
                ends=70,
            ),
        ),
        updates=(DemoStatus(8, Status.IN_PROGRESS, 60),),
        planned=50,
    ),
)


def _day(today: date, offset: int) -> date:
    return today + timedelta(days=offset)


def _at(today: date, days_ago: int) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(10)))


def _revision(activity: Activity, kind: str, changes: dict, by: User, when: datetime,
              reason: str = "") -> ActivityRevision:  # fmt: skip
    revision = ActivityRevision.objects.create(
        organisation_id=activity.organisation_id, activity=activity, kind=kind,
        changes=changes, reason=reason, changed_by=by,
    )  # fmt: skip
    ActivityRevision.objects.filter(pk=revision.pk).update(changed_at=when)  # back-dated
    return revision


def _history(activity: Activity, spec: DemoActivity, goals: list[Goal], values: list[Value],
             by: User, today: date) -> None:  # fmt: skip
    """The revisions that lead to the activity as it is now: planned with the first dates and
    title, then each change of dates or title with its reason, each status update."""
    state = snapshot(activity, goals, values)
    first = dict(state, status=Status.NOT_STARTED, progress=0)
    for change in reversed(spec.changes):  # undo the changes, newest first
        if change.starts is not None:
            first["starts_on"] = _day(today, change.starts).isoformat()
        if change.ends is not None:
            first["ends_on"] = _day(today, change.ends).isoformat()
        if change.title:
            first["title"] = change.title
    _revision(activity, Kind.CREATED, diff({}, first), by, _at(today, spec.planned))
    current = first
    events: list[tuple[int, str, dict, str]] = []
    dated = dict(first)
    for change in spec.changes:
        after = dict(dated)
        after["starts_on"] = state["starts_on"] if change.starts is not None else after["starts_on"]
        after["ends_on"] = state["ends_on"] if change.ends is not None else after["ends_on"]
        after["title"] = state["title"] if change.title else after["title"]
        changed = {k: v for k, v in diff(dated, after).items() if k in ("starts_on", "ends_on",
                                                                           "title")}  # fmt: skip
        events.append((change.days_ago, Kind.CHANGED, changed, change.reason))
        dated = after
    status = {"status": current["status"], "progress": current["progress"]}
    for update in spec.updates:
        new = {"status": update.status, "progress": update.progress}
        events.append((update.days_ago, Kind.STATUS, diff(status, new), update.comment))
        status = new
    for milestone in spec.milestones:
        events.append((
            min(spec.planned - 1, max(spec.planned - 5, 0)), Kind.MILESTONE,
            {"milestone": {"before": None, "after": milestone.title},
             "milestone_due_on": {"before": None,
                                  "after": _day(today, milestone.due).isoformat()}}, "",
        ))  # fmt: skip
        if milestone.done is not None and milestone.done <= 0:
            events.append((
                -milestone.done, Kind.MILESTONE,
                {"milestone": {"before": milestone.title, "after": milestone.title},
                 "milestone_done_on": {"before": None,
                                       "after": _day(today, milestone.done).isoformat()}}, "",
            ))  # fmt: skip
    for days_ago, kind, changes, reason in sorted(events, key=lambda e: -e[0]):
        if changes or reason:
            _revision(activity, kind, changes, by, _at(today, days_ago), reason)


def load(organisation: Organisation, people: dict[str, User]) -> None:
    """Create Mittköping's action plans, unless it has activities already or no goals yet."""
    today = timezone.localdate()
    with scope(organisation):
        if Activity.objects.exists() or not Goal.objects.exists():
            return
        units = {unit.code: unit for unit in OrgUnit.objects.all()}
        goals = {goal.title: goal for goal in Goal.objects.all()}
        values = {value.key: value for value in Value.objects.filter(retired_at__isnull=True)}
        admin, rektor = people["forvaltning"], people["rektor"]
        count = 0
        for spec in ACTIVITIES:
            if spec.unit not in units:
                continue
            by = people.get(spec.added_by) or (rektor if spec.unit == "ASEN" else admin)
            served = [goals[title] for title in spec.goals if title in goals]
            expressed = [values[key] for key in spec.values if key in values]
            activity = Activity.objects.create(
                organisation=organisation, unit=units[spec.unit], title=spec.title,
                description=spec.description, owner=people.get(spec.owner, by),
                starts_on=_day(today, spec.starts), ends_on=_day(today, spec.ends),
                status=spec.status, progress=spec.progress, created_by=by,
            )  # fmt: skip
            Activity.objects.filter(pk=activity.pk).update(created_at=_at(today, spec.planned))
            activity.goals.set(served)
            activity.values.set(expressed)
            Milestone.objects.bulk_create(
                Milestone(organisation=organisation, activity=activity, title=m.title,
                          due_on=_day(today, m.due),
                          done_on=_day(today, m.done) if m.done is not None else None)
                for m in spec.milestones
            )  # fmt: skip
            _history(activity, spec, served, expressed, by, today)
            count += 1
        audit.record(
            "demo.plans_created", summary=f"{count} aktiviteter", organisation=organisation
        )
