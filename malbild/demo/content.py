"""The demo: the municipalities Mittköping and Ekby, their unit trees and the demo people.

Everything here is fictional and written for Målbild; the school unit codes begin with 99 so
that they do not look like anyone's real skolenhetskod. Mittköping stands in for Kolada
municipality 2480 (DESIGN §3).

Loading is idempotent: organisations are found by slug, units by code and roles by (person,
role, unit); only what is missing is created, so a second run changes nothing. The demo people
always get the documented password back, so that the logins in the README keep working.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from malbild import audit
from malbild.accounts.models import User
from malbild.demo import (
    assessments,
    communication,
    followup,
    goals,
    plans,
    scanning,
    strategy,
    surveys,
)
from malbild.demo import practices as practices_demo
from malbild.imports import demo as imports_demo
from malbild.reports import demo as reports_demo
from malbild.tenants.models import Membership, Organisation, OrgUnit
from malbild.tenants.scope import scope
from malbild.tenants.services import create_unit

PASSWORD = "mittkoping-demo"  # noqa: S105  (documented demo password, demo database only)

Kind = OrgUnit.Kind
Role = Membership.Role


@dataclass(frozen=True)
class DemoUnit:
    code: str
    name: str
    kind: str
    school_unit_code: str = ""
    children: tuple["DemoUnit", ...] = ()


@dataclass(frozen=True)
class DemoOrganisation:
    slug: str
    name: str
    kolada_municipality_id: str
    root: DemoUnit


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    description: str
    organisation: str  # slug
    role: str
    unit: str | None = None  # code of the unit the role is limited to; None: everything


def _area(code: str, name: str, *children: DemoUnit) -> DemoUnit:
    return DemoUnit(code, name, Kind.AREA, children=children)


def _school(code: str, name: str, school_unit_code: str, *teams: tuple[str, str]) -> DemoUnit:
    return DemoUnit(code, name, Kind.SCHOOL, school_unit_code, _teams(code, teams))


def _preschool(code: str, name: str, *teams: tuple[str, str]) -> DemoUnit:
    return DemoUnit(code, name, Kind.PRESCHOOL, children=_teams(code, teams))


def _teams(parent_code: str, teams: tuple[tuple[str, str], ...]) -> tuple[DemoUnit, ...]:
    return tuple(DemoUnit(f"{parent_code}-{code}", name, Kind.TEAM) for code, name in teams)


MITTKOPING = DemoOrganisation(
    slug="mittkoping",
    name="Mittköping",
    kolada_municipality_id="2480",
    root=DemoUnit(
        "BUF",
        "Barn- och utbildningsförvaltningen",
        Kind.ADMINISTRATION,
        children=(
            _area(
                "NORR",
                "Norra området",
                _school(
                    "ASEN",
                    "Åsens skola",  # F–6; the rektor's and the teacher's school
                    "99248011",
                    ("F3", "Arbetslag F–3"),
                    ("46", "Arbetslag 4–6"),
                    ("FRITIDS", "Fritidshemmet Åsen"),
                ),
                _school(  # F–6
                    "BJORK",
                    "Björkbackens skola",
                    "99248012",
                    ("F2", "Arbetslag F–2"),
                    ("36", "Arbetslag 3–6"),
                ),
                _school(  # 7–9
                    "NORRBY",
                    "Norrbyskolan",
                    "99248013",
                    ("7", "Arbetslag 7"),
                    ("8", "Arbetslag 8"),
                    ("9", "Arbetslag 9"),
                ),
                _preschool(
                    "TALLK",
                    "Förskolan Tallkotten",
                    ("BLAKL", "Avdelning Blåklockan"),
                    ("SMORB", "Avdelning Smörblomman"),
                ),
                _preschool(
                    "MYRST",
                    "Förskolan Myrstacken",
                    ("EKORR", "Avdelning Ekorren"),
                    ("RAVEN", "Avdelning Räven"),
                    ("IGELK", "Avdelning Igelkotten"),
                ),
            ),
            _area(
                "CENT",
                "Centrala området",
                _school(  # F–6
                    "CENTRAL",
                    "Centralskolan",
                    "99248021",
                    ("F3", "Arbetslag F–3"),
                    ("46", "Arbetslag 4–6"),
                ),
                _school(  # 7–9
                    "KYRKBY",
                    "Kyrkbyskolan",
                    "99248022",
                    ("OST", "Arbetslag 7–9 öst"),
                    ("VAST", "Arbetslag 7–9 väst"),
                    ("SPEC", "Elevhälsa och särskilt stöd"),
                ),
                _preschool(
                    "LARKAN",
                    "Förskolan Lärkan",
                    ("SOLROS", "Avdelning Solrosen"),
                    ("VITSIP", "Avdelning Vitsippan"),
                ),
                _preschool(
                    "STJARN",
                    "Förskolan Stjärnan",
                    ("MANEN", "Avdelning Månen"),
                    ("KOMET", "Avdelning Kometen"),
                ),
                _preschool("UGGLAN", "Förskolan Ugglan"),  # one group, no avdelningar
            ),
            _area(
                "SODR",
                "Södra området",
                _school(  # F–9
                    "SJOVIK",
                    "Sjöviksskolan",
                    "99248031",
                    ("F3", "Arbetslag F–3"),
                    ("46", "Arbetslag 4–6"),
                    ("79", "Arbetslag 7–9"),
                ),
                _school(  # F–6
                    "HAGA",
                    "Hagaskolan",
                    "99248032",
                    ("F3", "Arbetslag F–3"),
                    ("46", "Arbetslag 4–6"),
                ),
                _preschool(
                    "SJOSTJ",
                    "Förskolan Sjöstjärnan",
                    ("MUSSL", "Avdelning Musslan"),
                    ("KRABB", "Avdelning Krabban"),
                ),
                _preschool(
                    "LINGON",
                    "Förskolan Lingonet",
                    ("BLABAR", "Avdelning Blåbäret"),
                    ("HJORT", "Avdelning Hjortronet"),
                ),
            ),
            _area(
                "GYMN",
                "Gymnasieområdet",
                _school(
                    "MKGY",
                    "Mittköpings gymnasium",
                    "99248041",
                    ("NATEK", "Arbetslag naturvetenskap och teknik"),
                    ("SAMEK", "Arbetslag samhälle och ekonomi"),
                    ("YRKE", "Arbetslag yrkesprogram"),
                    ("INTRO", "Arbetslag introduktionsprogram"),
                ),
                _school("ANPGY", "Anpassade gymnasieskolan Mittköping", "99248042"),
            ),
        ),
    ),
)

EKBY = DemoOrganisation(
    slug="ekby",
    name="Ekby",
    kolada_municipality_id="",
    root=DemoUnit(
        "BF",
        "Bildningsförvaltningen",
        Kind.ADMINISTRATION,
        children=(
            _school(  # F–9
                "EKBY",
                "Ekby skola",
                "99990011",
                ("F5", "Arbetslag F–5"),
                ("69", "Arbetslag 6–9"),
            ),
            _school("HALLEBO", "Hällebo skola", "99990012"),  # F–3, one small team
            _preschool(
                "EKOLL",
                "Förskolan Ekollonet",
                ("GLANT", "Avdelning Gläntan"),
                ("STUBB", "Avdelning Stubben"),
            ),
        ),
    ),
)

ORGANISATIONS = (MITTKOPING, EKBY)
DEMO_SLUGS = tuple(organisation.slug for organisation in ORGANISATIONS)

PEOPLE = (
    DemoPerson(
        "politiker@mittkoping.example",
        "Karin Lindqvist",
        "förtroendevald, ordförande i barn- och utbildningsnämnden",
        "mittkoping",
        Role.ELECTED,
    ),
    DemoPerson(
        "forvaltning@mittkoping.example",
        "Anders Holm",
        "förvaltningschef",
        "mittkoping",
        Role.ADMIN,
    ),
    DemoPerson(
        "rektor@mittkoping.example",
        "Sara Nyström",
        "rektor på Åsens skola",
        "mittkoping",
        Role.UNIT_LEAD,
        "ASEN",
    ),
    DemoPerson(
        "larare@mittkoping.example",
        "Johan Berg",
        "lärare på Åsens skola",
        "mittkoping",
        Role.STAFF,
        "ASEN",
    ),
    DemoPerson(
        "larare2@mittkoping.example",
        "Amira Haddad",
        "lärare på Åsens skola",
        "mittkoping",
        Role.STAFF,
        "ASEN",
    ),
    DemoPerson(
        "admin@ekby.example",
        "Eva Ek",
        "förvaltningsledning i Ekby",
        "ekby",
        Role.ADMIN,
    ),
)


def _walk(unit: DemoUnit, parent_code: str | None = None) -> list[tuple[DemoUnit, str | None]]:
    """The tree in pre-order, each unit with its parent's code (parents come first)."""
    found = [(unit, parent_code)]
    for child in unit.children:
        found += _walk(child, unit.code)
    return found


def _load_organisation(demo: DemoOrganisation) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        slug=demo.slug,
        defaults={
            "name": demo.name,
            "kolada_municipality_id": demo.kolada_municipality_id,
            "has_public_pages": True,
        },
    )
    with scope(organisation):
        if created:
            audit.record(
                "demo.organisation_created",
                target=organisation,
                summary=organisation.name,
                organisation=organisation,
            )
        units = {unit.code: unit for unit in OrgUnit.objects.all()}
        for demo_unit, parent_code in _walk(demo.root):
            if demo_unit.code in units:
                continue
            units[demo_unit.code] = create_unit(
                organisation,
                units[parent_code] if parent_code else None,
                name=demo_unit.name,
                kind=demo_unit.kind,
                code=demo_unit.code,
                school_unit_code=demo_unit.school_unit_code,
            )
    return organisation


def _load_person(person: DemoPerson, organisations: dict[str, Organisation]) -> None:
    user, created = User.objects.get_or_create(email=person.email, defaults={"name": person.name})
    if user.name != person.name or not user.is_active or not user.check_password(PASSWORD):
        user.name = person.name
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
    if created:
        audit.record("demo.person_created", target=user, summary=person.email)
    organisation = organisations[person.organisation]
    with scope(organisation):
        unit = OrgUnit.objects.get(code=person.unit) if person.unit else None
        membership, created = Membership.objects.get_or_create(
            organisation=organisation, user=user, role=person.role, unit=unit
        )
        if created:
            audit.record(
                "demo.role_given",
                target=membership,
                summary=f"{user.email}: {membership}",
                after={"person": user.email, "role": membership.role, "unit": membership.unit_id},
            )


@transaction.atomic
def load() -> None:
    """Create what is missing of the demo organisations, their units and the demo people."""
    organisations = {demo.slug: _load_organisation(demo) for demo in ORGANISATIONS}
    for person in PEOPLE:
        _load_person(person, organisations)
    people = {
        person.email.split("@")[0]: User.objects.get(email=person.email)
        for person in PEOPLE
        if person.organisation == "mittkoping"
    }
    strategy.load(organisations["mittkoping"], people)
    strategy.load_ekby(organisations["ekby"], User.objects.get(email="admin@ekby.example"))
    goals.load(organisations["mittkoping"], people)
    surveys.load(organisations["mittkoping"], people)
    plans.load(organisations["mittkoping"], people)
    followup.load(organisations["mittkoping"], people)
    scanning.load(organisations["mittkoping"], people)
    imports_demo.load(organisations["mittkoping"], people)
    practices_demo.load(organisations, people)
    assessments.load(organisations["mittkoping"], people)
    communication.load(organisations["mittkoping"], people)
    reports_demo.load(organisations["mittkoping"], people)


def prepare(url: str) -> None:
    """Load the demo (`load`) and point its feed sources at the server at `url`, which serves
    them (malbild.cli allows fetching from it for the demo): what `malbild demo` does to the
    database, also for the tests that share one loaded demo."""
    load()
    scanning.point_feeds_at(Organisation.objects.get(slug="mittkoping"), url)


def where(person: DemoPerson) -> str:
    """Where the person's role applies, in words (for the command's list of logins)."""
    demo = next(o for o in ORGANISATIONS if o.slug == person.organisation)
    if person.unit is None:
        return _("%(organisation)s, the whole organisation") % {"organisation": demo.name}
    unit = next(unit for unit, _parent in _walk(demo.root) if unit.code == person.unit)
    return f"{demo.name}, {unit.name}"
