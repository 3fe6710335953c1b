# ruff: noqa: E501
# (The model's texts are prose, kept whole so that each reads as one sentence.)
"""The maturity model for the self-assessment (självskattning), version by version.

Written for Målbild: four areas (Ledning, Infrastruktur, Kompetens, Användning), each with
concrete statements about what a school or preschool does, and for each statement the next step
that moves it up. A statement keeps its `key` across versions, so rounds on different versions
can be compared statement by statement.

**Why the texts are stored in both languages, and not translated through the catalogue.** The
model is versioned data: a round records the version it was answered on, and what a version
says must not change after people have answered it (a changed text is a new version). The
Swedish wording is what most people answer, so it belongs to the version as much as the English
one does. Had the rows held English msgids translated by gettext, an edit of the catalogue (made
for the interface, by someone fixing a word) would silently rewrite what every closed round was
answered on; and the catalogue would have to carry every old version's prose for ever. So each
version is written here in Swedish and English side by side (`Text`), stored with both on the
rows (`name_sv`/`name_en`, `text_sv`/`text_en`, ...), and the rows pick the reader's language
when they are shown (`assessments.models.in_reader_language`): on pages, in the Excel export,
in the national comparison, anywhere. What is not versioned, the tags' names, is interface text
and goes through the catalogue like every other label.

:func:`ensure` writes a version into the database once (the demo and the tests call it; the
migrations write version 1 themselves); it never changes a version that is already stored.
"""

from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CURRENT_VERSION = 1

# Tags filter the results (for example: only what matters for the digital national tests).
TAGS: dict[str, Promise] = {
    "national_tests": _("Digital national tests"),
    "preschool": _("Relevant for preschool"),
    "privacy": _("Data protection"),
}


class Text(NamedTuple):
    """One text of the model in both languages, Swedish first."""

    sv: str
    en: str


T = Text


@dataclass(frozen=True)
class StatementSpec:
    key: str
    text: Text
    next_step: Text
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class AreaSpec:
    key: str
    name: Text
    description: Text
    foundation: bool  # foundations (leadership, infrastructure) come first among suggestions
    statements: tuple[StatementSpec, ...]


VERSIONS: dict[int, tuple[Text, tuple[AreaSpec, ...]]] = {
    1: (
        T(
            "Digital mognad i skola och förskola, version 1",
            "Digital maturity in school and preschool, version 1",
        ),
        (
            AreaSpec(
                "L",
                T("Ledning", "Leadership"),
                T(
                    "Hur skolan leder och följer upp sitt digitala arbete.",
                    "How the school leads and follows up its digital work.",
                ),
                True,
                (
                    StatementSpec(
                        "L1",
                        T(
                            "Ledningen har en skriftlig plan för skolans digitala arbete som utgår från huvudmannens målbild och följs upp varje termin.",
                            "The leadership has a written plan for the school's digital work that starts from the organisation's målbild and is followed up every term.",
                        ),
                        T(
                            "Skriv en plan på en sida: vart ni är på väg, tre steg ni tar i år och när ni följer upp dem.",
                            "Write a one-page plan: where you are heading, three steps to take this year and when you will follow them up.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "L2",
                        T(
                            "Rektor avsätter tid i arbetslagens mötesplanering för att diskutera och pröva digitala arbetssätt.",
                            "The principal sets aside time in the teams' meeting schedules to discuss and try out digital ways of working.",
                        ),
                        T(
                            "Lägg in en återkommande punkt om digitala arbetssätt i arbetslagens mötesplan för nästa termin, minst en gång i månaden.",
                            "Put a recurring item on digital ways of working into the teams' meeting plan for the coming term, at least once a month.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "L3",
                        T(
                            "Ansvaret för digitala frågor är fördelat och känt: alla vet vem som ansvarar för undervisningen, tekniken och dataskyddet.",
                            "Responsibility for digital matters is divided and known: everyone knows who answers for teaching, technology and data protection.",
                        ),
                        T(
                            "Skriv ner vem som ansvarar för vad, dela det med all personal och lägg det där nyanställda hittar det.",
                            "Write down who is responsible for what, share it with all staff and put it where newcomers will find it.",
                        ),
                        ("preschool", "privacy"),
                    ),
                    StatementSpec(
                        "L4",
                        T(
                            "Digitala verktyg och tjänster väljs utifrån undervisningens behov och granskas mot dataskyddsreglerna innan de införs.",
                            "Digital tools and services are chosen for teaching needs and checked against data protection rules before they are introduced.",
                        ),
                        T(
                            "Kom överens om en kort checklista som varje nytt verktyg går igenom innan det används: syfte, dataskydd, tillgänglighet och kostnad.",
                            "Agree on a short checklist that every new tool passes before use: purpose, data protection, accessibility and cost.",
                        ),
                        ("privacy", "preschool"),
                    ),
                    StatementSpec(
                        "L5",
                        T(
                            "Skolan följer upp hur de digitala verktygen används och vilken skillnad de gör, med hjälp av data och elevernas erfarenheter.",
                            "The school follows up how digital tools are used and what difference they make, with data and the pupils' experiences.",
                        ),
                        T(
                            "Välj två eller tre mått (till exempel från elevenkäten) och gå igenom dem tillsammans med personalen en gång per termin.",
                            "Choose two or three measures (for example from the pupil survey) and look at them together with staff once a term.",
                        ),
                        (),
                    ),
                    StatementSpec(
                        "L6",
                        T(
                            "Ledningen har en plan för hur de digitala nationella proven genomförs: lokaler, schema, reservenheter och stöd under provdagen.",
                            "The leadership has a plan for carrying out digital national tests: rooms, timetable, spare devices and support on the day.",
                        ),
                        T(
                            "Gör en plan för provdagen med lokaler, tider, reservenheter och vem man ringer när något krånglar, och gör en provkörning i god tid.",
                            "Make a test-day plan with rooms, times, spare devices, who to call when something fails, and run a trial well ahead.",
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "L7",
                        T(
                            "Vårdnadshavarna får regelbundet veta hur skolan arbetar digitalt och hur elevernas personuppgifter skyddas.",
                            "Guardians are told regularly how the school works digitally and how the pupils' personal data is protected.",
                        ),
                        T(
                            "Lägg till ett kort avsnitt om det digitala arbetet och dataskyddet i nästa brev till vårdnadshavarna och på föräldramötet.",
                            "Add a short section on digital work and data protection to the next letter to guardians and to the parents' meeting.",
                        ),
                        ("preschool", "privacy"),
                    ),
                    StatementSpec(
                        "L8",
                        T(
                            "Skolans plan för kompetensutveckling bygger på en kartläggning av personalens digitala kompetens.",
                            "The school's plan for staff development builds on a survey of the staff's digital competence.",
                        ),
                        T(
                            "Utgå från kompetensområdet i den här självskattningen och fråga varje arbetslag vilka två kunskaper de behöver mest.",
                            "Use this self-assessment's competence area as a starting point and ask each team which two skills they need most.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "L9",
                        T(
                            "Ledningen delar erfarenheter med andra skolor i kommunen och lär av deras.",
                            "The leadership shares experience with other schools in the municipality and learns from theirs.",
                        ),
                        T(
                            "Bjud in en rektor från en annan skola, eller gör själv ett besök, med en konkret fråga om det digitala arbetet.",
                            "Invite a principal from another school to visit, or visit one, with one concrete question about digital work.",
                        ),
                        ("preschool",),
                    ),
                ),
            ),
            AreaSpec(
                "I",
                T("Infrastruktur", "Infrastructure"),
                T(
                    "Nätverk, enheter, konton, support och de tjänster som används.",
                    "Networks, devices, accounts, support and the services in use.",
                ),
                True,
                (
                    StatementSpec(
                        "I1",
                        T(
                            "Det trådlösa nätverket fungerar bra i alla undervisningslokaler, även när en hel klass är uppkopplad samtidigt.",
                            "The wireless network works well in every teaching room, even when a whole class is connected at the same time.",
                        ),
                        T(
                            "Be personalen rapportera de lokaler där nätet inte fungerar och lämna listan till IT-avdelningen med ett datum för uppföljning.",
                            "Ask staff to report the rooms where the network fails and hand the list to the IT unit with a date for a follow-up.",
                        ),
                        ("national_tests", "preschool"),
                    ),
                    StatementSpec(
                        "I2",
                        T(
                            "Varje elev har en fungerande digital enhet när undervisningen kräver det.",
                            "Every pupil has a working digital device when teaching calls for one.",
                        ),
                        T(
                            "Räkna de fungerande enheterna per klass mot antalet elever och planera hur det som fattas ska täckas.",
                            "Count the working devices per class against the number of pupils and plan how to close the gap.",
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "I3",
                        T(
                            "Det finns en rutin för support med kända svarstider, så att trasig utrustning lagas inom några dagar.",
                            "There is a support routine with known response times, so that broken equipment is mended within a few days.",
                        ),
                        T(
                            "Kom överens med IT-avdelningen om hur fel anmäls och hur snabbt de åtgärdas, och berätta det för all personal.",
                            "Agree with the IT unit on how faults are reported and how quickly they are handled, and tell all staff.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "I4",
                        T(
                            "Elever och personal loggar in med egna konton, och inloggningen fungerar på alla enheter de använder.",
                            "Pupils and staff log in with their own accounts, and logging in works on every device they use.",
                        ),
                        T(
                            "Kontrollera vid terminsstart att alla elever kan logga in, och ha en rutin för glömda lösenord som bara tar några minuter.",
                            "Check at the start of term that every pupil can log in, and have a routine for forgotten passwords that takes minutes.",
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "I5",
                        T(
                            "Reservenheter, laddare och hörlurar finns och hålls i ordning inför prov och lektioner.",
                            "Spare devices, chargers and headphones are available and kept in order ahead of tests and lessons.",
                        ),
                        T(
                            "Utse en ansvarig för reservutrustningen och gå igenom den en vecka före varje provperiod.",
                            "Name someone responsible for the spare equipment and check it a week before every test period.",
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "I6",
                        T(
                            "Skolans digitala tjänster finns förtecknade, med personuppgiftsbiträdesavtal och konsekvensbedömningar där det behövs.",
                            "The school's digital services are listed, with data processing agreements and impact assessments where needed.",
                        ),
                        T(
                            "Gör en lista över alla tjänster som används i undervisningen och fråga dataskyddsombudet vilka som saknar avtal.",
                            "List every service used in teaching and ask the data protection officer which ones lack an agreement.",
                        ),
                        ("privacy", "preschool"),
                    ),
                    StatementSpec(
                        "I7",
                        T(
                            "Lärarna har fungerande utrustning för att visa material och för ljud i alla undervisningslokaler.",
                            "Teachers have working equipment for showing material and for sound in every teaching room.",
                        ),
                        T(
                            "Gå igenom lokalerna med en kort checklista och anmäl det som saknas eller är trasigt.",
                            "Walk through the rooms with a short checklist and report what is missing or broken.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "I8",
                        T(
                            "Enheterna byts ut enligt en plan med budget, så att utrustningen aldrig blir för gammal för de tjänster som används.",
                            "Devices are replaced according to a plan with a budget, so that equipment never grows too old for the services in use.",
                        ),
                        T(
                            "Skriv ner hur gamla enheterna är och föreslå förvaltningen en utbytesplan inför nästa års budget.",
                            "Write down the age of the devices and propose a replacement cycle to the förvaltning for next year's budget.",
                        ),
                        (),
                    ),
                    StatementSpec(
                        "I9",
                        T(
                            "Digitala lärresurser och hjälpmedel (talsyntes, inlästa läromedel) finns för de elever som behöver dem.",
                            "Digital learning resources and accessibility tools (speech synthesis, recorded books) are there for the pupils who need them.",
                        ),
                        T(
                            "Fråga elevhälsan vilka verktyg eleverna behöver, och se till att de är installerade och att eleverna kan använda dem.",
                            "Ask the pupil health team which tools pupils need, and make sure they are installed and that pupils know how to use them.",
                        ),
                        ("national_tests",),
                    ),
                ),
            ),
            AreaSpec(
                "K",
                T("Kompetens", "Competence"),
                T(
                    "Vad personalen kan och hur de lär av varandra.",
                    "What staff know and how they learn from each other.",
                ),
                False,
                (
                    StatementSpec(
                        "K1",
                        T(
                            "Alla lärare har grundläggande kunskaper om de digitala verktyg skolan använder: lärplattformen, kontorsprogrammen och skolans enheter.",
                            "All teachers have basic knowledge of the digital tools the school uses: the learning platform, office software and the school's devices.",
                        ),
                        T(
                            "Erbjud en kort, praktisk introduktion till lärplattformen och låt kollegor hjälpa varandra två och två.",
                            "Offer a short, practical introduction to the learning platform and let colleagues help each other in pairs.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "K2",
                        T(
                            "Lärarna väljer digitala verktyg utifrån lektionens syfte och kan förklara varför.",
                            "Teachers choose digital tools for the purpose of the lesson and can explain why.",
                        ),
                        T(
                            "Låt varje arbetslag planera en lektion tillsammans där valet av verktyg diskuteras, och dela med er av vad ni lärde er.",
                            "Let each team plan one lesson together where the choice of tool is discussed, and share what they learned.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "K3",
                        T(
                            "Personalen har övat på att genomföra digitala prov, också på vad man gör när tekniken krånglar.",
                            "Staff have practised carrying out digital tests, including what to do when the technology fails.",
                        ),
                        T(
                            "Håll ett övningsprov för personalen i den riktiga provplattformen, med ett planerat fel att hantera.",
                            "Hold a practice test session for staff in the real test platform, with a planned fault to handle.",
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "K4",
                        T(
                            "Personalen kan undervisa eleverna i källkritik och i att agera säkert och ansvarsfullt på nätet.",
                            "Staff can teach pupils source criticism and safe, responsible behaviour online.",
                        ),
                        T(
                            "Välj ett undervisningsmaterial om källkritik som alla använder, och gå igenom det tillsammans på en arbetsplatsträff.",
                            "Pick teaching material on source criticism that everyone uses, and go through it together at a staff meeting.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "K5",
                        T(
                            "Personalen vet hur personuppgifter hanteras i de digitala tjänsterna och vad som inte får skrivas in var.",
                            "Staff know how personal data is handled in digital services and what must not be entered where.",
                        ),
                        T(
                            "Gå igenom reglerna för personuppgifter i de tjänster ni använder en gång om året, med exempel från vardagen.",
                            "Go through the rules for personal data in the services you use, with examples from everyday work, once a year.",
                        ),
                        ("privacy", "preschool"),
                    ),
                    StatementSpec(
                        "K6",
                        T(
                            "Personalen lär av varandra om digitala arbetssätt, till exempel genom att besöka varandras lektioner eller planera tillsammans.",
                            "Staff learn from each other about digital ways of working, for example by visiting each other's lessons or planning together.",
                        ),
                        T(
                            "Ordna kollegiala lektionsbesök två och två den här terminen, vart och ett följt av ett kort samtal om vad som fungerade.",
                            "Set up lesson visits in pairs this term, each followed by a short conversation about what worked.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "K7",
                        T(
                            "Lärarna i matematik och teknik kan undervisa i programmering så som kursplanerna kräver.",
                            "Teachers of mathematics and technology can teach programming as the syllabuses require.",
                        ),
                        T(
                            "Ta reda på vem som känner sig osäker, och erbjud en kurs eller en kollega som kan undervisa i programmering tillsammans med dem.",
                            "Find out who feels unsure, and offer them a course or a colleague who can teach programming with them.",
                        ),
                        (),
                    ),
                    StatementSpec(
                        "K8",
                        T(
                            "Nyanställda får en introduktion till skolans digitala verktyg och rutiner under sin första månad.",
                            "New staff are introduced to the school's digital tools and routines within their first month.",
                        ),
                        T(
                            "Skriv en checklista för den första månaden: konton, lärplattform, dataskydd och vem man frågar.",
                            "Write a checklist for the first month: accounts, learning platform, data protection and who to ask.",
                        ),
                        ("preschool", "privacy"),
                    ),
                    StatementSpec(
                        "K9",
                        T(
                            "Det finns personer som stöttar sina kollegor i den digitala undervisningen, till exempel en IKT-pedagog eller en förstelärare.",
                            "There are people who support their colleagues in digital teaching, such as an ICT teacher or a lead teacher.",
                        ),
                        T(
                            "Ge någon tid och mandat att stötta kollegorna, och berätta för alla när och hur de når den personen.",
                            "Give someone time and a mandate to support colleagues, and tell everyone when and how to reach them.",
                        ),
                        ("preschool",),
                    ),
                ),
            ),
            AreaSpec(
                "A",
                T("Användning", "Use"),
                T(
                    "Hur barn och elever faktiskt arbetar med digitala verktyg.",
                    "How children and pupils actually work with digital tools.",
                ),
                False,
                (
                    StatementSpec(
                        "A1",
                        T(
                            "Eleverna använder digitala verktyg för att skapa, inte bara för att ta del av innehåll: de skriver, filmar, programmerar och presenterar.",
                            "Pupils use digital tools to create, not only to take in content: they write, film, program and present.",
                        ),
                        T(
                            "Planera en uppgift per ämne den här terminen där eleverna skapar något digitalt som andra får se.",
                            "Plan one assignment per subject this term where pupils create something digital that others will see.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "A2",
                        T(
                            "Eleverna skriver regelbundet längre texter digitalt, så att de är vana vid formatet inför digitala prov.",
                            "Pupils regularly write longer texts digitally, so that they are used to the format before digital tests.",
                        ),
                        T(
                            "Kom överens i varje årskurs om hur ofta eleverna skriver längre texter på en digital enhet, och följ upp det i slutet av terminen.",
                            "Agree in each year group on how often pupils write longer texts on a device, and follow it up at the end of term.",
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "A3",
                        T(
                            "Digitala verktyg används för att anpassa undervisningen till elever med olika behov.",
                            "Digital tools are used to adapt teaching to pupils with different needs.",
                        ),
                        T(
                            "Välj tillsammans med elevhälsan två anpassningar som alla lärare erbjuder digitalt.",
                            "Together with the pupil health team, choose two adaptations that every teacher offers digitally.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "A4",
                        T(
                            "Lärarna ger återkoppling digitalt på ett sätt som eleverna kan se och använda i sitt fortsatta arbete.",
                            "Teachers give feedback digitally in a way that pupils can see and use in their further work.",
                        ),
                        T(
                            "Kom överens om var och hur återkoppling ges i lärplattformen, så att det ser likadant ut i alla ämnen.",
                            "Agree on where and how feedback is given in the learning platform, so it looks the same in every subject.",
                        ),
                        (),
                    ),
                    StatementSpec(
                        "A5",
                        T(
                            "Eleverna övar källkritik på verkliga källor i flera ämnen.",
                            "Pupils practise source criticism on real sources in several subjects.",
                        ),
                        T(
                            "Planera en ämnesövergripande uppgift om källkritik per årskurs det här läsåret.",
                            "Plan one cross-subject task on source criticism per year group this school year.",
                        ),
                        (),
                    ),
                    StatementSpec(
                        "A6",
                        T(
                            "Eleverna har övat på att skriva prov i den plattform som används för de digitala nationella proven.",
                            "Pupils have practised taking tests in the platform used for the digital national tests.",
                        ),
                        T(
                            "Boka i god tid ett övningstillfälle i provplattformen för varje klass som ska skriva nationella prov.",
                            "Book a practice session in the test platform for every class that will take national tests, well ahead of time.",
                        ),
                        ("national_tests",),
                    ),
                    StatementSpec(
                        "A7",
                        T(
                            "I förskolan använder barnen digitala verktyg tillsammans med personalen för att utforska, dokumentera och berätta.",
                            "In preschool, children use digital tools together with staff to explore, document and tell stories.",
                        ),
                        T(
                            "Välj ett projekt den här terminen där barnen dokumenterar sitt eget utforskande med en lärplatta, och titta tillbaka på det tillsammans med dem.",
                            "Choose one project this term where the children document their own exploring with a tablet, and look back at it with them.",
                        ),
                        ("preschool",),
                    ),
                    StatementSpec(
                        "A8",
                        T(
                            "Lärplattformen används på samma sätt i hela skolan, så att elever och vårdnadshavare hittar planeringar och uppgifter.",
                            "The learning platform is used in the same way across the school, so that pupils and guardians find plans and assignments.",
                        ),
                        T(
                            "Kom överens om några gemensamma regler för lärplattformen (var planeringar läggs, hur uppgifter namnges) och stäm av dem efter en månad.",
                            "Agree on a few shared rules for the learning platform (where plans go, how assignments are named) and check them in a month.",
                        ),
                        (),
                    ),
                    StatementSpec(
                        "A9",
                        T(
                            "Eleverna reflekterar över hur digitaliseringen förändrar samhället och deras eget liv.",
                            "Pupils reflect on how digitalisation changes society and their own lives.",
                        ),
                        T(
                            "Ta upp digitaliseringens effekter i samhällskunskapen i år, med elevernas egna erfarenheter som utgångspunkt.",
                            "Take up digitalisation's effects in social studies this year, with the pupils' own experiences as a starting point.",
                        ),
                        (),
                    ),
                ),
            ),
        ),
    ),
}


def pairs() -> list[Text]:
    """Every text of every version, as (Swedish, English)."""
    found: list[Text] = []
    for title, areas in VERSIONS.values():
        found.append(title)
        for area in areas:
            found += [area.name, area.description]
            for s in area.statements:
                found += [s.text, s.next_step]
    return found


def ensure(version: int = CURRENT_VERSION) -> Any:
    """The stored MaturityModel of `version`, written first when it is missing (idempotent).

    A few queries when the version exists, one bulk insert per table when it does not."""
    from malbild.assessments.models import Area, MaturityModel, Statement

    title, areas = VERSIONS[version]
    with transaction.atomic():
        model, created = MaturityModel.objects.get_or_create(
            version=version, defaults={"title_sv": title.sv, "title_en": title.en}
        )
        if not created:
            return model
        for position, spec in enumerate(areas, start=1):
            area = Area.objects.create(
                model=model,
                key=spec.key,
                name_sv=spec.name.sv,
                name_en=spec.name.en,
                description_sv=spec.description.sv,
                description_en=spec.description.en,
                foundation=spec.foundation,
                position=position,
            )
            Statement.objects.bulk_create(
                Statement(
                    model=model,
                    area=area,
                    key=s.key,
                    text_sv=s.text.sv,
                    text_en=s.text.en,
                    next_step_sv=s.next_step.sv,
                    next_step_en=s.next_step.en,
                    tags=list(s.tags),
                    position=index,
                )
                for index, s in enumerate(spec.statements, start=1)
            )
    return model
