"""The starting texts and the starter set of Kolada key figures that getting started offers.

The texts become the organisation's own data (a draft of the platform, a draft of the målbild),
which the municipality rewrites in Swedish; so they are written here in Swedish and not run
through the catalogue. They are deliberately marked as drafts to be made the municipality's own.

The key figures: Kolada's ids and titles were checked against public code that reads Kolada
(not against Kolada's own documentation, which was out of reach when this was written). Kolada
renames its school key figures when the curriculum's words change ("kunskapskrav" became
"betygskriterier" in 2022) but keeps their ids. Kolada has, as far as could be found, no key
figure that measures the digitalisation of schools as such: the set measures results and the
conditions for them, and digital maturity is followed with the self-assessment and own
indicators. docs/getting-started.md says the same.
"""

from dataclasses import dataclass

DRAFT_MARK = "UTKAST – skriv om med era egna ord."

# The four values of the common platform's värdegrund, as the source text names them, each with
# a short description to start from. The keys match those the demo and the platform use.
VALUES: list[dict[str, str]] = [
    {
        "key": "medborgarfokus",
        "name": "Medborgarfokus",
        "description": (
            "Allt vi gör ska göra skillnad för barnen, eleverna och deras familjer. Vi frågar "
            "oss vad de vinner på det innan vi sätter i gång."
        ),
    },
    {
        "key": "oppenhet",
        "name": "Öppenhet",
        "description": (
            "Vi berättar vad vi gör och varför, är lätta att nå och lyssnar på den som har en "
            "annan bild än vi."
        ),
    },
    {
        "key": "tillit",
        "name": "Tillit",
        "description": (
            "Vi litar på varandras kunnande och vilja, mellan politik, förvaltning och skolor, "
            "och löser svårigheter tillsammans."
        ),
    },
    {
        "key": "standiga-forbattringar",
        "name": "Ständiga förbättringar",
        "description": (
            "Vi prövar, följer upp och lär av det som fungerar och det som inte gör det, och "
            "gör lite bättre hela tiden."
        ),
    },
]

VISION = (
    f"{DRAFT_MARK} Våra förskolor och skolor ger varje barn och elev de kunskaper och den "
    "digitala kompetens som ett liv i ett digitaliserat samhälle kräver."
)
MISSION = (
    f"{DRAFT_MARK} Vi leder skolans digitala utveckling tillsammans – politik, förvaltning, "
    "rektorer och lärare – utifrån fakta om elevernas resultat och med eleverna i centrum."
)


def target_text(start_year: int) -> dict[str, object]:
    """A first målbild to rewrite, for a horizon of four years from `start_year`."""
    end_year = start_year + 3
    return {
        "title": f"Målbild för skolans digitalisering {start_year}–{end_year} (utkast)",
        "statement": (
            f"**{DRAFT_MARK}**\n\n"
            f"År {end_year} använder våra förskolor och skolor digitala verktyg där de gör "
            "undervisningen bättre, och varje elev lämnar skolan med en god digital kompetens. "
            "Arbetet följer fyra fokusområden:\n\n"
            "- **Ledning**: huvudman och rektorer leder och följer upp digitaliseringen "
            "utifrån resultat.\n"
            "- **Infrastruktur**: uppkoppling, enheter och system fungerar för alla, varje "
            "dag.\n"
            "- **Kompetens**: lärare och skolledare har den digitala kompetens uppdraget "
            "kräver.\n"
            "- **Användning**: digitala verktyg används när de stärker lärandet, och "
            "eleverna vet varför."
        ),
        "start_year": start_year,
        "end_year": end_year,
        "change_motive": (
            f"{DRAFT_MARK} Samhället digitaliseras snabbt och skolan ska ge eleverna en "
            "utbildning i takt med sin tid. Läroplanen kräver digital kompetens, och "
            "resultaten visar att skolorna har kommit olika långt."
        ),
        "if_nothing_changes": (
            f"{DRAFT_MARK} Skillnaderna mellan skolorna växer, investeringar i teknik ger "
            "inte effekt i undervisningen, och eleverna lämnar skolan olika väl rustade."
        ),
    }


@dataclass(frozen=True)
class StarterKpi:
    """A Kolada key figure of the starter set, and how the indicator that follows it reads."""

    kpi: str
    name: str
    unit_of_measure: str
    kolada_title: str  # Kolada's own title when checked, for the page that offers the set


STARTER_KPIS: list[StarterKpi] = [
    StarterKpi(
        "N15419",
        "Elever i åk 9 med godkända betyg i alla ämnen (kommunala skolor)",
        "%",
        "Elever i år 9 som uppnått kunskapskraven i alla ämnen, kommunala skolor, andel (%)",
    ),
    StarterKpi(
        "N15505",
        "Meritvärde i åk 9, genomsnitt för 17 ämnen (kommunala skolor)",
        "poäng",
        "Elever i åk. 9, meritvärde kommunala skolor, genomsnitt (17 ämnen)",
    ),
    StarterKpi(
        "N15436",
        "Elever i åk 9 behöriga till gymnasiets yrkesprogram (kommunala skolor)",
        "%",
        "Elever i åk 9 som är behöriga till yrkesprogram, kommunala skolor, andel (%)",
    ),
    StarterKpi(
        "N15485",
        "Elever i åk 6 med minst E i matematik (kommunala skolor)",
        "%",
        "Elever i åk 6 med lägst betyget E i matematik, kommunala skolor, andel (%)",
    ),
    StarterKpi(
        "N15488",
        "Elever i åk 6 med minst E i svenska (kommunala skolor)",
        "%",
        "Elever i åk 6 med lägst betyget E i svenska, kommunala skolor, andel (%)",
    ),
    StarterKpi(
        "N15814",
        "Lärare i grundskolan med legitimation och behörighet (kommunala skolor)",
        "%",
        "Lärare (heltidstjänster) med lärarlegitimation och behörighet i minst ett ämne i "
        "grundskola åk 1-9, kommunala skolor, andel (%)",
    ),
]
