"""Mittköping's common platform, its målbild (an earlier version and the adopted one, so that the
comparison has something to show) and the steering documents they build on.

The platform and the målbild are fictional and written for Målbild. The national steering
documents are real, each change with the source it comes from; dates in the demo's own story are
relative to today, so the demo never goes stale.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from malbild import audit
from malbild.accounts.models import User
from malbild.platforms.models import Decision, PlatformVersion
from malbild.platforms.services import sync_values
from malbild.steering.models import SteeringChange, SteeringDocument
from malbild.targets.models import Comment, Investment, TargetVision
from malbild.targets.services import ensure_focus_areas
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope

VISION = (
    "Mittköping är en kommun där alla växer: barn och elever lär sig för livet, och invånarna "
    "möter en kommun som är öppen, nyfiken och lätt att nå."
)
MISSION = (
    "Vi ger varje barn och elev en utbildning som rustar för ett samhälle som förändras snabbt. "
    "Vi gör det tillsammans med vårdnadshavare, föreningsliv och näringsliv, och vi använder "
    "skattebetalarnas pengar där de gör störst skillnad."
)
VALUES = [
    {
        "key": "medborgarfokus",
        "name": "Medborgarfokus",
        "description": "Vi börjar i dem vi finns till för – barnen, eleverna och deras familjer – "
        "och frågar vad som gör skillnad för dem.",
    },
    {
        "key": "oppenhet",
        "name": "Öppenhet",
        "description": "Vi berättar vad vi beslutar och varför, delar det vi vet och lyssnar även "
        "när det skaver.",
    },
    {
        "key": "tillit",
        "name": "Tillit",
        "description": "Vi litar på varandras kunnande och ger dem som står närmast eleverna "
        "utrymme att pröva nytt.",
    },
    {
        "key": "standiga-forbattringar",
        "name": "Ständiga förbättringar",
        "description": "Vi följer upp, lär oss av det som inte blev som vi tänkt och blir lite "
        "bättre varje termin.",
    },
]


@dataclass(frozen=True)
class Fact:
    kind: str
    date: date
    description: str
    source: str
    source_url: str


NATIONAL_DOCUMENTS = [
    {
        "title": "Nationell digitaliseringsstrategi för skolväsendet",
        "kind": SteeringDocument.Kind.STRATEGY,
        "issuer": "Regeringen",
        "url": "https://www.skolverket.se/skolutveckling/resurser-for-larande/itiskolan/nationell-strategi",
        "summary": "Regeringens strategi för skolans digitalisering, från förskolan till "
        "vuxenutbildningen, med tre fokusområden: digital kompetens för alla, likvärdig tillgång "
        "och användning, samt forskning och uppföljning.",
        "facts": [
            Fact(
                SteeringChange.Kind.DECIDED,
                date(2017, 10, 19),
                "Regeringen beslutade strategin. Målen skulle nås till och med 2022.",
                "Skolverket: Nationell strategi för skolans digitalisering",
                "https://www.skolverket.se/skolutveckling/resurser-for-larande/itiskolan/nationell-strategi",
            ),
            Fact(
                SteeringChange.Kind.REPEALED,
                date(2022, 12, 31),
                "Strategiperioden tog slut vid utgången av 2022.",
                "SKR: Nationell digitaliseringsstrategi för skolväsendet",
                "https://skr.se/skr/skolakulturfritid/forskolagrundochgymnasieskola/digitaliseringskola/nationellstrategiochhandlingsplan/nationelldigitaliseringsstrategi.31081.html",
            ),
        ],
    },
    {
        "title": "Förslag till nationell digitaliseringsstrategi för skolväsendet 2023–2027",
        "kind": SteeringDocument.Kind.STRATEGY,
        "issuer": "Skolverket",
        "url": "",
        "summary": "Skolverkets förslag till en ny strategi för åren 2023–2027, på uppdrag av "
        "regeringen.",
        "facts": [
            Fact(
                SteeringChange.Kind.PROPOSED,
                date(2022, 12, 19),
                "Skolverket lämnade förslaget till regeringen.",
                "SKR: Nationell digitaliseringsstrategi för skolväsendet (publicerad 22 december "
                "2022)",
                "https://skr.se/skr/skolakulturfritid/forskolagrundochgymnasieskola/digitaliseringskola/nationellstrategiochhandlingsplan/nationelldigitaliseringsstrategi.31081.html",
            ),
            Fact(
                SteeringChange.Kind.NOT_ADOPTED,
                date(2023, 11, 23),
                "Regeringen beslutade att inte anta förslaget. Skolverket fick i stället i uppdrag "
                "att ta fram råd eller rekommendationer om lärverktyg.",
                "Skolledaren: Nya grepp efter skrotade digitaliseringsstrategin (23 november 2023)",
                "https://www.skolledaren.se/aktuellt/nyheter/2023/11/nya-grepp-efter-skrotade-digitaliseringsstrategin/",
            ),
        ],
    },
    {
        "title": "Skolverkets rekommendationer om val och användning av lärverktyg",
        "kind": SteeringDocument.Kind.RECOMMENDATION,
        "issuer": "Skolverket",
        "url": "",
        "summary": "Stöd till lärare och rektorer i att välja och använda lärverktyg, digitala "
        "och analoga, i undervisningen.",
        "facts": [
            Fact(
                SteeringChange.Kind.DECIDED,
                date(2023, 11, 23),
                "Regeringen gav Skolverket i uppdrag att ta fram allmänna råd eller "
                "rekommendationer om val och användning av lärverktyg.",
                "Skolledaren: Nya grepp efter skrotade digitaliseringsstrategin (23 november 2023)",
                "https://www.skolledaren.se/aktuellt/nyheter/2023/11/nya-grepp-efter-skrotade-digitaliseringsstrategin/",
            ),
        ],
    },
]


def _local_documents(today: date) -> list[dict]:
    """Mittköping's own (fictional) documents, with changes ahead, for the timeline."""
    return [
        {
            "title": "Mittköpings riktlinjer för digitala lärverktyg",
            "kind": SteeringDocument.Kind.POLICY,
            "issuer": "Barn- och utbildningsnämnden, Mittköping",
            "url": "",
            "summary": "Hur skolorna väljer, köper in och följer upp digitala lärverktyg, och hur "
            "elevernas personuppgifter skyddas.",
            "facts": [
                Fact(
                    SteeringChange.Kind.PROPOSED,
                    today - timedelta(days=20),
                    "Förvaltningen föreslår reviderade riktlinjer efter Skolverkets "
                    "rekommendationer om lärverktyg.",
                    "Tjänsteskrivelse till barn- och utbildningsnämnden",
                    "",
                ),
                Fact(
                    SteeringChange.Kind.IN_FORCE,
                    today + timedelta(days=60),
                    "De reviderade riktlinjerna börjar gälla, om nämnden beslutar som föreslaget.",
                    "Förslag till beslut, barn- och utbildningsnämnden",
                    "",
                ),
            ],
        },
        {
            "title": "Mittköpings plan för kompetensutveckling i digitalisering",
            "kind": SteeringDocument.Kind.POLICY,
            "issuer": "Barn- och utbildningsförvaltningen, Mittköping",
            "url": "",
            "summary": "Vilken kompetensutveckling lärare och skolledare erbjuds, och hur den "
            "följs upp.",
            "facts": [
                Fact(
                    SteeringChange.Kind.DECIDED,
                    today + timedelta(days=110),
                    "Planen för nästa läsår beslutas av förvaltningsledningen.",
                    "Förvaltningens verksamhetsplan",
                    "",
                ),
            ],
        },
    ]


def _documents(organisation: Organisation, today: date) -> list[SteeringDocument]:
    documents = []
    for spec in [*NATIONAL_DOCUMENTS, *_local_documents(today)]:
        level = (
            SteeringDocument.Level.LOCAL
            if spec["kind"] == SteeringDocument.Kind.POLICY
            else SteeringDocument.Level.NATIONAL
        )
        document, _created = SteeringDocument.objects.get_or_create(
            organisation=organisation,
            title=spec["title"],
            defaults={
                "kind": spec["kind"],
                "level": level,
                "issuer": spec["issuer"],
                "url": spec["url"],
                "summary": spec["summary"],
            },
        )
        if not document.changes.exists():
            SteeringChange.objects.bulk_create(
                SteeringChange(organisation=organisation, document=document, kind=fact.kind,
                               date=fact.date, description=fact.description,
                               source=fact.source, source_url=fact.source_url)
                for fact in spec["facts"]
            )  # fmt: skip
        documents.append(document)
    return documents


def _platform(organisation: Organisation, admin: User, today: date) -> None:
    if PlatformVersion.objects.exists():
        return
    decision = Decision.objects.create(
        organisation=organisation,
        body="Kommunfullmäktige",
        decided_on=today - timedelta(days=3 * 365),
        reference="§ 112",
        proposed_by=admin,
        made_by=admin,
        recorded_on_behalf=True,
    )
    version = PlatformVersion.objects.create(
        organisation=organisation,
        number=1,
        status=PlatformVersion.Status.ADOPTED,
        vision=VISION,
        mission=MISSION,
        core_values=VALUES,
        decision=decision,
        created_by=admin,
        adopted_at=timezone.now() - timedelta(days=3 * 365),
    )
    sync_values(version)


FIRST_STATEMENT = """Alla elever i Mittköping ska ha tillgång till en egen dator och lärare som \
är trygga med att använda den i undervisningen.

- Elevdatorer från årskurs 7.
- En gemensam lärplattform för alla skolor.
- Grundläggande fortbildning för alla lärare."""

STATEMENT = """Alla barn och elever i Mittköping ska lämna förskolan och skolan med en digital \
kompetens som gör dem redo för fortsatta studier, arbete och ett aktivt medborgarskap.

- **Likvärdig tillgång:** elevdatorer från årskurs 4 och fungerande uppkoppling i varje lokal.
- **Trygga lärare:** alla lärare och skolledare får kompetensutveckling som utgår från deras \
egen undervisning.
- **Lärverktyg som fungerar:** vi väljer digitala och analoga lärverktyg efter vad som hjälper \
eleverna att lära, och följer upp effekten.
- **Elevernas röst:** eleverna är med och utvärderar hur digitaliseringen fungerar på sin skola."""

MOTIVE = """Samhället digitaliseras snabbt, och skolan måste ge en utbildning i takt med sin \
samtid. I dag skiljer det mycket mellan skolorna i hur eleverna får använda digitala verktyg, \
och lärarna efterfrågar stöd för att välja rätt verktyg för rätt uppgift."""

IF_NOTHING = """Skillnaderna mellan skolorna växer, elever lämnar grundskolan utan den digitala \
kompetens som läroplanen kräver, och kommunen fortsätter att köpa verktyg som ingen följer upp."""


def _target_visions(
    organisation: Organisation,
    people: dict[str, User],
    documents: list[SteeringDocument],
    today: date,
) -> None:
    if TargetVision.objects.exists():
        return
    areas = ensure_focus_areas(organisation)
    admin, politician = people["forvaltning"], people["politiker"]
    year = today.year
    first_decision = Decision.objects.create(
        organisation=organisation,
        body="Barn- och utbildningsnämnden",
        decided_on=today - timedelta(days=2 * 365 + 30),
        reference="§ 34",
        proposed_by=admin,
        made_by=admin,
        recorded_on_behalf=True,
    )
    first = TargetVision.objects.create(
        organisation=organisation,
        number=1,
        status=TargetVision.Status.SUPERSEDED,
        title=f"Digital skola i Mittköping {year - 2}–{year}",
        statement=FIRST_STATEMENT,
        start_year=year - 2,
        end_year=year,
        change_motive=MOTIVE,
        if_nothing_changes=IF_NOTHING,
        decision=first_decision,
        created_by=admin,
        proposed_by=admin,
        proposed_at=timezone.now() - timedelta(days=2 * 365 + 60),
        adopted_at=timezone.now() - timedelta(days=2 * 365 + 30),
        superseded_at=timezone.now() - timedelta(days=90),
    )
    first.focus_areas.set(areas)
    first.steering_documents.set(documents[:1])
    second_decision = Decision.objects.create(
        organisation=organisation,
        body="Barn- och utbildningsnämnden",
        decided_on=today - timedelta(days=90),
        reference="§ 58",
        proposed_by=admin,
        made_by=politician,
        recorded_on_behalf=False,
    )
    second = TargetVision.objects.create(
        organisation=organisation,
        number=2,
        status=TargetVision.Status.ADOPTED,
        title=f"Mittköpings digitala skola {year}–{year + 3}",
        statement=STATEMENT,
        start_year=year,
        end_year=year + 3,
        change_motive=MOTIVE,
        if_nothing_changes=IF_NOTHING,
        based_on=first,
        decision=second_decision,
        review_date=today + timedelta(days=25),
        created_by=admin,
        proposed_by=admin,
        proposed_at=timezone.now() - timedelta(days=120),
        adopted_at=timezone.now() - timedelta(days=90),
    )
    second.focus_areas.set(areas)
    second.steering_documents.set([documents[0], documents[2], documents[3]])
    for version, investments in (
        (first, [
            ("Elevdatorer i årskurs 7–9", 2_800_000, year - 2, year,
             "Alla högstadieelever får samma tillgång till digitala verktyg."),
            ("Gemensam lärplattform", 600_000, year - 2, year,
             "Elever och vårdnadshavare hittar uppgifter och omdömen på ett ställe."),
        ]),
        (second, [
            ("Elevdatorer från årskurs 4", 4_500_000, year, year + 3,
             "Likvärdig tillgång för alla elever, oavsett skola och hemförhållanden; på sikt "
             "högre måluppfyllelse och fler som klarar gymnasiet."),
            ("Kompetenslyft för lärare och skolledare", 1_200_000, year, year + 2,
             "Lärare som väljer verktyg efter vad som hjälper eleverna att lära; skolledare som "
             "kan leda och följa upp förändringen."),
            ("En digital pedagog i varje område", 2_400_000, year, year + 3,
             "Stöd nära klassrummet, så att goda exempel sprids mellan skolorna."),
        ]),
    ):  # fmt: skip
        Investment.objects.bulk_create(
            Investment(organisation=organisation, target_vision=version, title=title,
                       amount_per_year=amount, start_year=start, end_year=end,
                       expected_gains=gains, position=i)
            for i, (title, amount, start, end, gains) in enumerate(investments)
        )  # fmt: skip
    for author, text, days_ago in (
        (politician, "Jag saknar hur vi ska följa upp att elevdatorerna faktiskt används i "
         "undervisningen. Kan förvaltningen beskriva det innan vi beslutar?", 110),
        (admin, "Bra fråga. Vi följer upp användningen per område varje termin och redovisar den "
         "för nämnden i den årliga uppföljningen.", 108),
        (people["rektor"], "Från Åsens skola: kompetenslyftet behöver ligga på tider då "
         "lärarna faktiskt kan delta, gärna på studiedagarna.", 105),
        (politician, "Tack, med de svaren står jag bakom förslaget.", 100),
    ):  # fmt: skip
        comment = Comment.objects.create(
            organisation=organisation, target_vision=second, author=author, body=text
        )
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )


REVISED_STATEMENT = STATEMENT.replace(
    "- **Elevernas röst:**",
    "- **Källkritik och AI:** eleverna lär sig att granska information och att använda "
    "AI-verktyg omdömesgillt.\n- **Elevernas röst:**",
)


def _open_draft(organisation: Organisation, admin: User) -> None:
    """The administration has started revising the målbild ahead of its review."""
    if TargetVision.objects.filter(status=TargetVision.Status.DRAFT).exists():
        return
    current = TargetVision.objects.get(status=TargetVision.Status.ADOPTED)
    if TargetVision.objects.filter(number__gt=current.number).exists():
        return  # the demo's draft has been proposed or adopted since: leave it be
    draft = TargetVision.objects.create(
        organisation=organisation,
        number=current.number + 1,
        status=TargetVision.Status.DRAFT,
        title=current.title,
        statement=REVISED_STATEMENT,
        start_year=current.start_year,
        end_year=current.end_year,
        change_motive=current.change_motive,
        if_nothing_changes=current.if_nothing_changes,
        based_on=current,
        created_by=admin,
    )
    draft.focus_areas.set(current.focus_areas.all())
    draft.steering_documents.set(current.steering_documents.all())
    Investment.objects.bulk_create(
        Investment(organisation=organisation, target_vision=draft, title=i.title,
                   description=i.description, amount_per_year=i.amount_per_year,
                   start_year=i.start_year, end_year=i.end_year,
                   expected_gains=i.expected_gains, position=i.position)
        for i in current.investments.all()
    )  # fmt: skip


def load_ekby(organisation: Organisation, admin: User) -> None:
    """Ekby is just starting: a platform being drafted and a first målbild proposed to the
    nämnd, waiting for its decision."""
    with scope(organisation):
        if PlatformVersion.objects.exists() or TargetVision.objects.exists():
            return
        PlatformVersion.objects.create(
            organisation=organisation,
            number=1,
            vision="Ekby – en trygg och nyfiken bygd där alla barn får goda förutsättningar.",
            mission="Vi ger barn och elever en nära skola med höga förväntningar.",
            core_values=[
                {
                    "key": "narhet",
                    "name": "Närhet",
                    "description": "Vi finns nära barnen och familjerna och känner varandra.",
                },
                {
                    "key": "nyfikenhet",
                    "name": "Nyfikenhet",
                    "description": "Vi provar nytt och lär av det.",
                },
            ],
            created_by=admin,
        )
        areas = ensure_focus_areas(organisation)
        year = timezone.localdate().year
        proposal = TargetVision.objects.create(
            organisation=organisation,
            number=1,
            status=TargetVision.Status.PROPOSED,
            title=f"Ekbys digitala skola {year}–{year + 2}",
            statement="Alla elever i Ekby ska få använda digitala verktyg som stöd för sitt "
            "lärande, med lärare som känner sig trygga med dem.",
            start_year=year,
            end_year=year + 2,
            change_motive="Skolorna i Ekby har mycket olika förutsättningar i dag.",
            if_nothing_changes="Skillnaderna mellan byskolorna och centralorten växer.",
            created_by=admin,
            proposed_by=admin,
            proposed_at=timezone.now() - timedelta(days=6),
        )
        proposal.focus_areas.set(areas)
        audit.record("demo.strategy_created", summary="Utkast och förslag",
                     organisation=organisation)  # fmt: skip


def load(organisation: Organisation, people: dict[str, User]) -> None:
    """Create what is missing of Mittköping's platform, målbild and steering documents."""
    today = timezone.localdate()
    with scope(organisation):
        created = not TargetVision.objects.exists()
        documents = _documents(organisation, today)
        _platform(organisation, people["forvaltning"], today)
        _target_visions(organisation, people, documents, today)
        _open_draft(organisation, people["forvaltning"])
        if created:
            audit.record(
                "demo.strategy_created",
                summary="Plattform, målbild och styrdokument",
                organisation=organisation,
            )
