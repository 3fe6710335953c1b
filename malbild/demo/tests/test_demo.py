from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from conftest import make_user
from malbild.accounts.models import User
from malbild.audit.models import AuditEvent
from malbild.demo import content
from malbild.tenants.models import Membership, Organisation, OrgUnit
from malbild.tenants.scope import scope, unscoped
from malbild.tests.languages import Detector, Stored

Kind = OrgUnit.Kind
SCHOOLS_AND_PRESCHOOLS = (Kind.SCHOOL, Kind.PRESCHOOL)


def counts() -> dict[str, int]:
    with unscoped():
        return {
            "organisations": Organisation.objects.count(),
            "units": OrgUnit.objects.count(),
            "memberships": Membership.objects.count(),
            "people": User.objects.count(),
            "audit events": AuditEvent.objects.count(),
        }


def membership_of(email: str, slug: str) -> Membership:
    organisation = Organisation.objects.get(slug=slug)
    with scope(organisation):
        return Membership.objects.select_related("unit").get(user__email=email)


@pytest.fixture
def mittkoping(demo):
    organisation = Organisation.objects.get(slug="mittkoping")
    with scope(organisation):
        yield organisation


def test_the_demo_people_can_log_in(client, demo):
    for person in content.PEOPLE:
        response = client.post(
            reverse("accounts:login"), {"username": person.email, "password": content.PASSWORD}
        )
        assert response.status_code == 302, person.email
        client.post(reverse("accounts:logout"))


def test_loading_twice_changes_nothing(demo):
    before = counts()
    call_command("demo", "--no-serve")
    assert counts() == before
    assert before["people"] == len(content.PEOPLE)
    assert before["memberships"] == len(content.PEOPLE)
    assert before["organisations"] == 2


def test_loading_again_recreates_only_what_is_missing(mittkoping):
    team = OrgUnit.objects.get(code="ASEN-46")
    team.delete()
    units = OrgUnit.objects.count()
    content.load()
    assert OrgUnit.objects.count() == units + 1
    assert OrgUnit.objects.get(code="ASEN-46").parent == OrgUnit.objects.get(code="ASEN")


def test_the_organisations_are_the_documented_ones(demo):
    mittkoping = Organisation.objects.get(slug="mittkoping")
    ekby = Organisation.objects.get(slug="ekby")
    assert (mittkoping.name, mittkoping.kolada_municipality_id) == ("Mittköping", "2480")
    assert (ekby.name, ekby.kolada_municipality_id) == ("Ekby", "")
    assert mittkoping.has_public_pages
    assert ekby.has_public_pages


def test_mittkoping_has_areas_and_schools_with_teams(mittkoping):
    (root,) = OrgUnit.objects.filter(parent=None)
    assert root.kind == Kind.ADMINISTRATION
    assert root.name == "Barn- och utbildningsförvaltningen"
    assert OrgUnit.objects.filter(kind=Kind.AREA, parent=root).count() >= 3
    schools = list(OrgUnit.objects.filter(kind__in=SCHOOLS_AND_PRESCHOOLS))
    assert len(schools) >= 12
    assert {Kind.SCHOOL, Kind.PRESCHOOL} == {unit.kind for unit in schools}
    with_teams = set(
        OrgUnit.objects.filter(kind=Kind.TEAM).values_list("parent__kind", "parent_id")
    )
    assert {kind for kind, _id in with_teams} <= set(SCHOOLS_AND_PRESCHOOLS)
    without_teams = [unit for unit in schools if (unit.kind, unit.pk) not in with_teams]
    assert len(without_teams) <= 2, without_teams


def test_every_school_has_a_school_unit_code_of_its_own(mittkoping):
    codes = list(
        OrgUnit.objects.filter(kind=Kind.SCHOOL).values_list("school_unit_code", flat=True)
    )
    assert all(len(code) == 8 and code.isdigit() for code in codes)
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("slug", ["mittkoping", "ekby"])
def test_the_unit_paths_follow_the_tree(demo, slug):
    with scope(Organisation.objects.get(slug=slug)):
        units = {unit.pk: unit for unit in OrgUnit.objects.all()}
        assert units
        for unit in units.values():
            parent = units.get(unit.parent_id) if unit.parent_id else None
            assert unit.path == f"{parent.path if parent else '/'}{unit.pk}/", unit.name
            assert unit.depth == (parent.depth + 1 if parent else 0), unit.name
            unit.full_clean()  # codes, school unit codes and names pass the model's validation


def test_the_rektor_and_the_teacher_are_limited_to_asens_skola(demo):
    rektor = membership_of("rektor@mittkoping.example", "mittkoping")
    teacher = membership_of("larare@mittkoping.example", "mittkoping")
    assert rektor.role == Membership.Role.UNIT_LEAD
    assert teacher.role == Membership.Role.STAFF
    assert rektor.unit is not None
    assert rektor.unit.name == "Åsens skola"
    assert teacher.unit == rektor.unit
    assert rektor.unit.kind == Kind.SCHOOL


def test_the_politician_and_the_administration_see_the_whole_organisation(demo):
    politician = membership_of("politiker@mittkoping.example", "mittkoping")
    administration = membership_of("forvaltning@mittkoping.example", "mittkoping")
    assert (politician.role, politician.unit) == (Membership.Role.ELECTED, None)
    assert (administration.role, administration.unit) == (Membership.Role.ADMIN, None)


def test_ekbys_admin_has_a_role_only_in_ekby(demo):
    admin = membership_of("admin@ekby.example", "ekby")
    assert (admin.role, admin.unit) == (Membership.Role.ADMIN, None)
    with scope(Organisation.objects.get(slug="mittkoping")):
        assert not Membership.objects.filter(user__email="admin@ekby.example").exists()
    with scope(Organisation.objects.get(slug="ekby")):
        assert OrgUnit.objects.filter(kind__in=SCHOOLS_AND_PRESCHOOLS).count() >= 2


def test_it_lists_every_login_with_its_role(demo, capsys):
    call_command("demo", "--no-serve")
    output = capsys.readouterr().out
    for person in content.PEOPLE:
        assert output.count(person.email) == 2, person.email
    assert "Åsens skola" in output


def test_people_invited_into_the_demo_do_not_stop_it(demo):
    make_user("anna@kommun.se")
    call_command("demo", "--no-serve")
    assert User.objects.filter(email="anna@kommun.se").exists()


def test_it_refuses_a_database_with_another_organisation(db):
    Organisation.objects.create(name="Annanstad", slug="annanstad")
    before = counts()
    with pytest.raises(CommandError, match="annanstad"):
        call_command("demo", "--no-serve")
    assert counts() == before
    assert list(Organisation.objects.values_list("slug", flat=True)) == ["annanstad"]


def test_it_refuses_a_demo_database_that_a_real_organisation_was_added_to(demo):
    Organisation.objects.create(name="Annanstad", slug="annanstad")
    before = counts()
    with pytest.raises(CommandError, match="inte hör till demon"):
        call_command("demo", "--no-serve")
    assert counts() == before


def test_it_refuses_production_mode(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="aldrig i produktionsläge"):
        call_command("demo", "--no-serve")
    assert counts()["organisations"] == 0


def test_what_it_prints_is_swedish(demo):
    # What it prints does not depend on what it finds: on the shared demo the load is quick (a
    # first load into an empty database runs in the browser tests' server, tests/e2e/server.py).
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    printed = out.getvalue()
    assert "Demon är klar." in printed
    assert "Mittköping, hela organisationen" in printed
    english = Detector("sv", Stored.of([]))
    assert [found for line in printed.splitlines() for found in english.findings_in(line)] == []
