"""The practice library's demo: what Mittköping and Ekby learnt, in their own words, some kept as
drafts, some shared with every organisation and some public, with a question from Ekby to
Mittköping and Mittköping's answer.

Everything is fictional and written for Målbild. Practices are written through
`practices.services`, so the search index is in step and every write has its audit event.
Loading is idempotent: nothing is written for an organisation that has practices already.
"""

from dataclasses import dataclass

from malbild.accounts.models import User
from malbild.goals.models import Goal
from malbild.practices import services
from malbild.practices.models import Practice, PracticeComment
from malbild.targets.services import ensure_focus_areas
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope

State = Practice.State


@dataclass(frozen=True)
class DemoPractice:
    unit: str  # unit code
    area: str
    title: str
    summary: str
    details: str
    tips: tuple[str, ...]
    contact: str
    state: str
    goals: tuple[str, ...] = ()  # titles of demo goals


MITTKOPING = (
    DemoPractice(
        "BUF",
        "Ledning",
        "Ledarskapsnätverk där rektorerna leder digitaliseringen",
        "Rektorerna träffas i ett ledarskapsnätverk varannan månad och tar med sig en konkret "
        "fråga från sin skola. Ledarskapet för digitaliseringen blev deras eget i stället för "
        "förvaltningens.",
        "## Så gjorde vi\n\nVi började med att låta varje rektor beskriva **en** sak som inte "
        "fungerade med de digitala verktygen på skolan. Nätverket arbetade sedan med en fråga i "
        "taget, och förvaltningens IT-strateg var med som stöd, inte som ordförande.\n\n"
        "## Det här kostade det\n\nTre halvdagar per termin för varje rektor, och en "
        "processledare från förvaltningen.\n\n## Det här gör vi annorlunda nästa gång\n\n"
        "Vi bjuder in förstelärarna redan från början.",
        (
            "Låt rektorerna välja frågorna, inte förvaltningen",
            "Håll varje träff till en enda fråga som går att pröva på skolan före nästa träff",
            "Dokumentera vad som prövades på en gemensam sida som alla når",
            "Bjud in förstelärare när en fråga gäller undervisningen",
        ),
        "IT-strateg, barn- och utbildningsförvaltningen",
        State.PUBLIC,
        ("Alla lärare har gått kompetenslyftet för digitalisering",),
    ),
    DemoPractice(
        "BUF",
        "Infrastruktur",
        "En inloggning för elever, lärare och vårdnadshavare",
        "Vi samlade alla system bakom en gemensam inloggning. Lektionerna börjar i tid igen, och "
        "supportärendena om glömda lösenord blev nästan inga.",
        "Upphandlingen ställde krav på inloggning via kommunens identitetstjänst. De system som "
        "inte klarade det fasades ut under två år.",
        (
            "Kartlägg alla system som eleverna loggar in i, även de som bara en lärare använder",
            "Ställ krav på gemensam inloggning i varje ny upphandling",
            "Ge de yngsta eleverna QR-kod eller bildinloggning",
        ),
        "Systemförvaltare, barn- och utbildningsförvaltningen",
        State.SHARED,
    ),
    DemoPractice(
        "ASEN",
        "Kompetens",
        "Kompetenslyftet i arbetslagen på Åsens skola",
        "Lärarna lär av varandra i arbetslaget: varje månad visar någon hur ett digitalt verktyg "
        "användes på en lektion, och de andra provar samma sak.",
        "Vi utgick från Skolverkets moduler men gjorde dem kortare. Rektorn avsatte tid på "
        "arbetslagsträffarna, och ingen behövde gå ifrån sin undervisning.",
        (
            "Visa en riktig lektion, inte en demonstration av verktyget",
            "Låt den som visar välja verktyg själv",
            "Följ upp på nästa träff: vad hände när de andra provade?",
        ),
        "Rektor, Åsens skola",
        State.PUBLIC,
        ("Alla lärare på Åsens skola har gått kompetenslyftet",),
    ),
    DemoPractice(
        "ASEN",
        "Användning",
        "Elevernas egna regler för skärmtid",
        "Eleverna i årskurs 4–6 skrev själva reglerna för när skärmarna används och när de läggs "
        "undan. Reglerna hålls bättre än de vi vuxna skrev.",
        "Ett utkast: vi prövar det här läsåret och delar det när vi vet mer.",
        ("Låt elevrådet leda arbetet", "Sätt upp reglerna i klassrummet"),
        "Rektor, Åsens skola",
        State.DRAFT,
    ),
)

EKBY = (
    DemoPractice(
        "BF",
        "Ledning",
        "En IT-strategi som lärarna själva skrev",
        "I en liten kommun kan alla vara med: varje lärare fick lämna förslag till IT-strategin, "
        "och strategin blev två sidor som alla känner till.",
        "Vi höll tre öppna kvällsmöten och en digital enkät. Bildningsnämnden antog strategin "
        "utan ändringar.",
        (
            "Skriv strategin kort, högst två sidor",
            "Låt lärarna formulera målen med egna ord",
            "Gå igenom strategin på första arbetsplatsträffen varje höst",
        ),
        "Bildningschef, Bildningsförvaltningen",
        State.SHARED,
    ),
    DemoPractice(
        "EKOLL",
        "Användning",
        "Digitala lärplattor i förskolans utevistelse",
        "Barnen dokumenterar sina upptäckter i skogen med lärplattan och berättar om dem för "
        "varandra efteråt. Språket växer, och vårdnadshavarna ser vad barnen lär sig.",
        "Vi använder en enkel app för bilder och ljud och delar ett urval med vårdnadshavarna "
        "varje vecka.",
        (
            "Ta med lärplattan ut, inte tvärtom",
            "Låt barnen välja vad som fotograferas",
            "Visa bilderna på samlingen samma dag",
        ),
        "Förskolechef, Förskolan Ekollonet",
        State.PUBLIC,
    ),
)

EKBY_QUESTION = (
    "Hur fick ni rektorerna att prioritera nätverket när kalendern redan är full? Vi vill pröva "
    "samma sak i Ekby."
)
MITTKOPING_ANSWER = (
    "Förvaltningschefen lade in träffarna i rektorernas årsplanering redan i juni, så de "
    "krockade aldrig med något annat. Hör gärna av er till vår IT-strateg!"
)


def _load(organisation: Organisation, specs: tuple[DemoPractice, ...]) -> list[Practice]:
    with scope(organisation):
        if Practice.objects.exists():
            return []
        areas = {area.name: area for area in ensure_focus_areas(organisation)}
        units = {u.code: u for u in OrgUnit.objects.filter(code__in=[s.unit for s in specs])}
        found = []
        for spec in specs:
            if spec.unit not in units:
                continue
            draft = services.Draft(
                title=spec.title, summary=spec.summary, details=spec.details,
                focus_area=areas[spec.area], unit=units[spec.unit], contact_role=spec.contact,
                tips=list(spec.tips), goals=list(Goal.objects.filter(title__in=spec.goals)),
            )  # fmt: skip
            practice = services.create(organisation, None, draft)
            services.set_state(practice, None, spec.state)
            found.append(practice)
        return found


def load(organisations: dict[str, Organisation], people: dict[str, User]) -> None:
    """Mittköping's and Ekby's practices, and a question and an answer between them."""
    mittkoping = _load(organisations["mittkoping"], MITTKOPING)
    _load(organisations["ekby"], EKBY)
    if not mittkoping:
        return
    leadership = mittkoping[0]
    ekby_admin = User.objects.filter(email="admin@ekby.example").first()
    with scope(organisations["ekby"]):
        question = services.comment(
            leadership, None, organisations["ekby"], kind="question", body=EKBY_QUESTION
        )
        PracticeComment.objects.filter(pk=question.pk).update(author=ekby_admin)
    with scope(organisations["mittkoping"]):
        answer = services.comment(
            leadership, None, organisations["mittkoping"], kind="comment", body=MITTKOPING_ANSWER
        )
        PracticeComment.objects.filter(pk=answer.pk).update(author=people.get("forvaltning"))
