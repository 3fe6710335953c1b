"""The focus areas: every member reads them; admins add, rename and describe them."""

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.targets.models import FocusArea
from malbild.targets.tests.builders import fresh, make_version
from malbild.tenants.scope import scope


def url(name, *args):
    return reverse(f"targets:{name}", args=["mittkoping", *args])


def areas(org):
    with scope(org):
        return [a.name for a in FocusArea.objects.all()]


def area(org, name):
    with scope(org):
        return FocusArea.objects.get(name=name)


@pytest.fixture
def defaults(cast):
    make_version(cast.org, 1)  # the first draft brings the four default areas
    return areas(cast.org)


@pytest.mark.django_db
def test_every_member_reads_the_focus_areas(client, cast, defaults):
    client.force_login(cast.teacher)
    response = client.get(url("focus_areas"))
    html = response.content.decode()
    assert defaults == ["Ledning", "Infrastruktur", "Kompetens", "Användning"]
    for name in defaults:
        assert name in html
    assert response.context["form"] is None
    assert url("focus_area_edit", area(cast.org, "Kompetens").pk) not in html


@pytest.mark.django_db
def test_an_admin_adds_a_focus_area_and_it_is_audited(client, cast, defaults):
    client.force_login(cast.admin)
    response = client.post(url("focus_areas"), {"name": "  Samverkan  ", "description": "Med"})
    assert response.status_code == 302
    assert areas(cast.org)[-1] == "Samverkan"
    assert audit_events(action="targets.focus_area_saved")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["kompetens", "ANVÄNDNING", ""])
def test_a_name_taken_in_any_case_or_empty_is_refused(client, cast, defaults, name):
    client.force_login(cast.admin)
    response = client.post(url("focus_areas"), {"name": name, "description": ""})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert areas(cast.org) == defaults


@pytest.mark.django_db
def test_an_admin_renames_and_describes_a_focus_area(client, cast, defaults):
    kompetens = area(cast.org, "Kompetens")
    client.force_login(cast.admin)
    assert client.get(url("focus_area_edit", kompetens.pk)).status_code == 200
    data = {"name": "Digital kompetens", "description": "Hos alla."}
    assert client.post(url("focus_area_edit", kompetens.pk), data).status_code == 302
    assert fresh(kompetens).name == "Digital kompetens"
    assert fresh(kompetens).description == "Hos alla."
    # Keeping its own name in another case is fine; taking another's is not.
    data = {"name": "DIGITAL KOMPETENS", "description": ""}
    assert client.post(url("focus_area_edit", kompetens.pk), data).status_code == 302
    response = client.post(url("focus_area_edit", kompetens.pk), {"name": "ledning"})
    assert "name" in response.context["form"].errors
    assert fresh(kompetens).name == "DIGITAL KOMPETENS"


@pytest.mark.django_db
def test_another_organisations_focus_area_is_not_found(client, cast, defaults):
    make_version(cast.ekby, 1)
    ekby_area = area(cast.ekby, "Ledning")
    client.force_login(cast.admin)
    assert client.get(url("focus_area_edit", ekby_area.pk)).status_code == 404
    response = client.post(url("focus_area_edit", ekby_area.pk), {"name": "Kapad"})
    assert response.status_code == 404
    assert fresh(ekby_area).name == "Ledning"


@pytest.mark.django_db
def test_a_teacher_may_not_add_a_focus_area(client, cast, defaults):
    client.force_login(cast.teacher)
    assert client.post(url("focus_areas"), {"name": "Samverkan"}).status_code == 403
    assert areas(cast.org) == defaults


@pytest.mark.django_db
def test_before_any_draft_the_page_explains_the_defaults(client, cast):
    client.force_login(cast.teacher)
    response = client.get(url("focus_areas"))
    assert response.status_code == 200
    assert areas(cast.org) == []  # reading creates nothing
