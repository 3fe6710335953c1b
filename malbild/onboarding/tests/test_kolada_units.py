"""The unit tree from Kolada's list of school units, against the local Kolada-shaped server."""

import pytest
from django.contrib.messages import get_messages

from conftest import audit_events
from malbild.imports.tests.kolada_server import UNITS, serving
from malbild.onboarding.tests.conftest import url
from malbild.tenants.models import OrgUnit
from malbild.tenants.scope import scope

ALVSTA = ["V11E249000301", "V11E249000302", "V15E249000101", "V15E249000102", "V17E249000201"]
NAMES = {u["id"]: u["title"] for u in UNITS}


def ticked(ids, **fields):
    """The page's form with `ids` ticked, their names and kinds as the page sends them."""
    data = {"ou": list(ids), **fields}
    for ou in ids:
        data[f"name-{ou}"] = NAMES.get(ou, fields.get(f"name-{ou}", ""))
        data[f"kind-{ou}"] = "forskola" if ou.startswith("V11") else "skola"
    return data


def units(org):
    with scope(org):
        return {u.kolada_ou_id or u.code: u for u in OrgUnit.objects.select_related("parent")}


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.django_db
def test_the_page_lists_every_school_unit_of_the_municipality_ticked(client, fresh, kolada):
    client.force_login(fresh.admin)
    opened = client.get(url("onboarding:kolada_units")).content.decode()
    assert 'name="hamta"' in opened
    assert not kolada.log
    response = client.get(url("onboarding:kolada_units"), {"hamta": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    for ou in ALVSTA:
        assert f'name="ou" value="{ou}" id="ou-{ou}" checked' in html
    assert "Förskolan Solrosen" in html
    assert "upper secondary school" in html
    assert "V15E248000101" not in html  # Mittköping's school, not Älvsta's


@pytest.mark.django_db
def test_bringing_in_makes_the_tree_in_one_go_with_areas_and_kolada_ids(client, fresh, kolada):
    client.force_login(fresh.admin)
    response = client.post(
        url("onboarding:kolada_units"),
        ticked(ALVSTA, **{"area-V15E249000101": "Norra området",
                          "area-V15E249000102": "Norra området",
                          "area-V11E249000301": "Förskolorna"}),
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"].endswith("/kom-igang/#units")
    found = units(fresh.org)
    north = found["V15E249000101"].parent
    assert north.name == "Norra området"
    assert north.kind == OrgUnit.Kind.AREA
    assert north.parent_id == fresh.top.pk
    assert found["V15E249000102"].parent_id == north.pk
    assert found["V11E249000301"].parent.name == "Förskolorna"
    assert found["V17E249000201"].parent_id == fresh.top.pk  # no area: under the top unit
    assert found["V11E249000301"].kind == OrgUnit.Kind.PRESCHOOL
    assert found["V17E249000201"].kind == OrgUnit.Kind.SCHOOL
    for ou in ALVSTA:  # materialised paths as create_unit would give them
        unit = found[ou]
        assert unit.path == f"{unit.parent.path}{unit.pk}/"
        assert unit.depth == unit.parent.depth + 1
        assert unit.code == ou
    (event,) = audit_events(action="tenants.units_created")
    assert event.after["count"] == 7
    assert event.after["source"] == "kolada"


@pytest.mark.django_db
def test_only_the_ticked_units_are_brought_in(client, fresh, kolada):
    client.force_login(fresh.admin)
    client.post(url("onboarding:kolada_units"), ticked(["V15E249000101"]))
    assert set(units(fresh.org)) == {"ROOT", "V15E249000101"}


@pytest.mark.django_db
def test_bringing_in_again_adds_new_schools_and_archives_closed_ones_never_twice(
    client, fresh, kolada
):
    client.force_login(fresh.admin)
    kolada.units = [u for u in kolada.units if u["id"] != "V15E249000102"]
    client.post(url("onboarding:kolada_units"), ticked([u["id"] for u in kolada.units
                                                        if u["id"] in ALVSTA]))  # fmt: skip
    assert len(units(fresh.org)) == 5  # the top unit and four schools
    # A year later Kolada lists a new school, and Lärkan has closed.
    kolada.units = [u for u in kolada.units if u["id"] != "V11E249000302"]
    kolada.units.append({"id": "V15E249000103", "title": "Nya skolan", "municipality": "2490"})
    page = client.get(url("onboarding:kolada_units"), {"hamta": "1"}).content.decode()
    assert 'value="V15E249000103"' in page
    assert 'name="ou" value="V15E249000101"' not in page  # in Målbild already: not offered
    assert 'name="close" value="V11E249000302"' in page
    client.post(
        url("onboarding:kolada_units"),
        # The second is in Målbild already (an old tab, a second click): not made twice.
        ticked(["V15E249000103", "V15E249000101"], close=["V11E249000302"],
               **{"name-V15E249000103": "Nya skolan"}),
    )  # fmt: skip
    found = units(fresh.org)
    assert len(found) == 6
    assert found["V15E249000103"].name == "Nya skolan"
    assert found["V11E249000302"].is_archived
    with scope(fresh.org):
        assert OrgUnit.objects.filter(kolada_ou_id="V15E249000101").count() == 1


@pytest.mark.django_db
def test_a_name_taken_in_the_same_place_gets_the_kolada_id_after_it(client, fresh, kolada):
    kolada.units.append({"id": "V15E249000104", "title": "Björkängsskolan", "municipality": "2490"})
    client.force_login(fresh.admin)
    client.post(
        url("onboarding:kolada_units"),
        ticked(["V15E249000102", "V15E249000104"], **{"name-V15E249000104": "Björkängsskolan"}),
    )
    found = units(fresh.org)
    assert found["V15E249000102"].name == "Björkängsskolan"
    assert found["V15E249000104"].name == "Björkängsskolan (V15E249000104)"


@pytest.mark.django_db
def test_kolada_unreachable_says_so_and_offers_nothing_to_make(client, fresh, kolada):
    client.force_login(fresh.admin)
    kolada.fail("/v3/ou", "503", "503")
    response = client.get(url("onboarding:kolada_units"), {"hamta": "1"})
    html = response.content.decode()
    assert "Kolada cannot be asked right now" in html
    assert "Kolada is not working right now (HTTP 503). Try again later." in html
    assert 'name="ou"' not in html
    assert "Bring in the ticked units" not in html
    assert set(units(fresh.org)) == {"ROOT"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("trouble", "message"),
    [
        ("refused", "Kolada cannot be reached. Try again later."),
        ("slow", "Kolada did not answer in time. Try again later."),
        ("second page", "Kolada answered with something that is not JSON."),
    ],
)
def test_kolada_failing_in_any_way_during_the_list_shows_nothing_half(
    client, fresh, kolada, settings, trouble, message
):
    """Refused, silent, or broken after its first page: the page says so and offers no part
    of the list, so that nothing can be made from half of it."""
    client.force_login(fresh.admin)
    if trouble == "refused":
        with serving() as closed:  # a port that answered once and is now shut
            settings.KOLADA_URL = closed.url
    elif trouble == "slow":
        settings.KOLADA_TIMEOUT = 0.3
        kolada.fail("/v3/ou", "slow", "slow")
    else:
        kolada.page_size = 2
        kolada.fail("/v3/ou", "ok", "notjson", "notjson")
    html = client.get(url("onboarding:kolada_units"), {"hamta": "1"}).content.decode()
    assert "Kolada cannot be asked right now" in html
    assert message in html
    assert 'name="ou"' not in html
    assert "Nothing has been made." in html
    assert set(units(fresh.org)) == {"ROOT"}
    with scope(fresh.org):
        from malbild.onboarding import checklist

        assert not checklist.status(fresh.org).steps[1].done


@pytest.mark.django_db
def test_an_id_of_another_municipality_or_a_missing_name_makes_nothing(client, fresh, kolada):
    client.force_login(fresh.admin)
    response = client.post(
        url("onboarding:kolada_units"), ticked(["V15E249000101", "V15E248000101"])
    )
    assert messages_of(response) == ["V15E248000101 is not a Kolada unit of municipality 2490."]
    response = client.post(
        url("onboarding:kolada_units"),
        ticked(["V15E249000101"], **{"name-V15E249000101": ""}) | {"name-V15E249000101": " "},
    )
    assert messages_of(response)[-1] == (
        "Give the unit V15E249000101 a name of at most 150 characters."
    )
    assert set(units(fresh.org)) == {"ROOT"}


@pytest.mark.django_db
def test_an_archived_unit_that_cannot_be_archived_stops_everything(client, fresh, kolada):
    client.force_login(fresh.admin)
    client.post(url("onboarding:kolada_units"), ticked(["V15E249000101"]))
    with scope(fresh.org):
        school = OrgUnit.objects.get(kolada_ou_id="V15E249000101")
        OrgUnit.objects.create(
            organisation=fresh.org, parent=school, name="Arbetslag 7-9", kind="arbetslag",
            code="AL79", path=f"{school.path}x/", depth=school.depth + 1,
        )  # fmt: skip
    kolada.units = [u for u in kolada.units if u["id"] != "V15E249000101"]
    response = client.post(
        url("onboarding:kolada_units"), ticked(["V15E249000102"], close=["V15E249000101"])
    )
    assert "could not be archived" in messages_of(response)[-1]
    found = units(fresh.org)
    assert "V15E249000102" not in found  # the new school was not made either
    assert not found["V15E249000101"].is_archived


@pytest.mark.django_db
def test_without_a_municipality_the_page_sends_the_admin_to_choose_one(client, fresh, kolada):
    fresh.org.kolada_municipality_id = ""
    fresh.org.save()
    client.force_login(fresh.admin)
    response = client.get(url("onboarding:kolada_units"))
    assert response["Location"] == url("onboarding:municipality")


@pytest.mark.django_db
def test_the_municipality_is_found_by_name_and_chosen(client, fresh, kolada):
    fresh.org.kolada_municipality_id = ""
    fresh.org.save()
    client.force_login(fresh.admin)
    page = client.get(url("onboarding:municipality"), {"q": "älv"}).content.decode()
    assert "Älvsta" in page
    assert 'value="2490"' in page
    response = client.post(url("onboarding:municipality"), {"kolada_id": "2490"})
    assert response.status_code == 302
    fresh.org.refresh_from_db()
    assert fresh.org.kolada_municipality_id == "2490"
    assert audit_events(action="imports.kolada_mapped")


@pytest.mark.django_db
def test_a_malformed_municipality_id_changes_nothing(client, fresh, kolada):
    client.force_login(fresh.admin)
    response = client.post(url("onboarding:municipality"), {"kolada_id": "24x0"})
    assert response.status_code == 200
    assert "A Kolada municipality id is four digits" in response.content.decode()
    fresh.org.refresh_from_db()
    assert fresh.org.kolada_municipality_id == "2490"


@pytest.mark.django_db
def test_a_unit_made_at_the_same_moment_by_someone_else_stops_everything(
    client, fresh, kolada, monkeypatch
):
    from malbild.tenants import services as tenant_services

    real = tenant_services.create_tree

    def meanwhile(organisation, planned, *args, **kwargs):
        # Another administrator's request commits a unit with the same code just before.
        OrgUnit.objects.create(
            organisation=organisation, parent=fresh.top, name="Annan", kind="skola",
            code="V15E249000101", path=f"{fresh.top.path}0/", depth=1,
        )  # fmt: skip
        return real(organisation, planned, *args, **kwargs)

    monkeypatch.setattr(tenant_services, "create_tree", meanwhile)
    client.force_login(fresh.admin)
    response = client.post(url("onboarding:kolada_units"), ticked(["V15E249000101"]))
    assert messages_of(response)[-1] == (
        "Someone changed the units at the same moment, so nothing was made. Try again."
    )
    assert set(units(fresh.org)) == {"ROOT"}


@pytest.mark.django_db
def test_the_units_brought_in_receive_their_own_figures_at_the_next_refresh(
    client, fresh, kolada, django_capture_on_commit_callbacks
):
    from malbild.indicators.models import Measurement

    client.force_login(fresh.admin)
    client.post(url("onboarding:kolada_units"), ticked(ALVSTA))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("onboarding:indicators"), {"kpis": ["N15419"]})
    found = units(fresh.org)
    with scope(fresh.org):
        by_unit = {
            unit.kolada_ou_id: Measurement.objects.filter(
                org_unit=unit, indicator__kolada_kpi="N15419", gender="T"
            ).count()
            for unit in found.values()
            if unit.kolada_ou_id
        }
    # The local Kolada has unit figures for the two compulsory schools, 2018–2024.
    assert by_unit == {
        "V15E249000101": 7, "V15E249000102": 7, "V17E249000201": 0,
        "V11E249000301": 0, "V11E249000302": 0,
    }  # fmt: skip


@pytest.mark.django_db
def test_a_school_typed_in_before_gets_its_kolada_id_instead_of_a_twin(client, fresh, kolada):
    from conftest import make_unit

    area = make_unit(fresh.org, "Södra området", fresh.top, kind="omrade")
    typed = make_unit(fresh.org, "björkängsskolan", area, code="BJORK")
    make_unit(fresh.org, "Älvsta gymnasium", fresh.top, code="GY1")  # two of that name:
    make_unit(fresh.org, "Älvsta gymnasium", area, code="GY2")  # which one is meant is unclear
    client.force_login(fresh.admin)
    page = client.get(url("onboarding:kolada_units"), {"hamta": "1"}).content.decode()
    assert "björkängsskolan is in Målbild already without a Kolada id" in page
    assert 'name="area-V15E249000102"' not in page
    assert 'name="area-V17E249000201"' in page
    response = client.post(url("onboarding:kolada_units"), ticked(ALVSTA))
    assert messages_of(response) == [
        "4 units brought in from Kolada, 1 units already here linked to their Kolada ids, "
        "0 new areas, 0 units archived."
    ]
    found = units(fresh.org)
    assert found["V15E249000102"].pk == typed.pk  # the same unit, where it was
    assert found["V15E249000102"].parent_id == area.pk
    with scope(fresh.org):
        assert OrgUnit.objects.filter(name__iexact="Björkängsskolan").count() == 1
        assert OrgUnit.objects.filter(name__startswith="Älvsta gymnasium").count() == 3
    (mapped,) = audit_events(action="imports.kolada_mapped")
    assert mapped.after == {"kolada_ou_id": "V15E249000102"}
