"""Starting texts: the platform with its four values and the målbild with its four focus areas,
both drafts for the municipality to make its own."""

import pytest

from conftest import audit_events
from malbild.onboarding import content
from malbild.onboarding.tests.conftest import url
from malbild.platforms.models import PlatformVersion
from malbild.targets.models import TargetVision
from malbild.tenants.scope import scope


def platform_data(**changes):
    data = {
        "vision": content.VISION,
        "mission": content.MISSION,
        "values-TOTAL_FORMS": "4",
        "values-INITIAL_FORMS": "4",
        "values-MIN_NUM_FORMS": "0",
        "values-MAX_NUM_FORMS": "20",
    }
    for n, value in enumerate(content.VALUES):
        data |= {f"values-{n}-key": value["key"], f"values-{n}-name": value["name"],
                 f"values-{n}-description": value["description"]}  # fmt: skip
    return data | changes


@pytest.mark.django_db
def test_the_platform_page_offers_the_four_values_to_edit(client, fresh):
    client.force_login(fresh.admin)
    html = client.get(url("onboarding:platform")).content.decode()
    for name in ("Medborgarfokus", "Öppenhet", "Tillit", "Ständiga förbättringar"):
        assert f'value="{name}"' in html
    assert "These are drafts" in html
    assert 'lang="sv"' in html


@pytest.mark.django_db
def test_the_platform_draft_keeps_what_the_municipality_wrote(client, fresh):
    client.force_login(fresh.admin)
    response = client.post(
        url("onboarding:platform"),
        platform_data(**{"values-1-description": "Vi berättar öppet om allt vi gör."}),
    )
    assert response.status_code == 302
    with scope(fresh.org):
        (draft,) = PlatformVersion.objects.all()
    assert draft.status == PlatformVersion.Status.DRAFT
    assert [v["key"] for v in draft.core_values] == [
        "medborgarfokus", "oppenhet", "tillit", "standiga-forbattringar"
    ]  # fmt: skip
    assert draft.core_values[1]["description"] == "Vi berättar öppet om allt vi gör."
    assert draft.vision.startswith(content.DRAFT_MARK)
    assert audit_events(action="platform.draft_saved")


@pytest.mark.django_db
def test_an_empty_vision_is_refused_and_nothing_is_made(client, fresh):
    client.force_login(fresh.admin)
    response = client.post(url("onboarding:platform"), platform_data(vision="  "))
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    with scope(fresh.org):
        assert not PlatformVersion.objects.exists()


@pytest.mark.django_db
def test_getting_started_never_writes_over_a_platform(client, fresh):
    client.force_login(fresh.admin)
    client.post(url("onboarding:platform"), platform_data())
    response = client.post(url("onboarding:platform"), platform_data(vision="Ny vision"))
    assert response.status_code == 400
    assert "already has a platform" in response.content.decode()
    with scope(fresh.org):
        assert PlatformVersion.objects.get().vision == content.VISION


@pytest.mark.django_db
def test_the_malbild_draft_has_the_four_focus_areas(client, fresh):
    client.force_login(fresh.admin)
    page = client.get(url("onboarding:target")).content.decode()
    assert "Ledning" in page
    assert "UTKAST" in page
    data = content.target_text(2026)
    response = client.post(url("onboarding:target"), data)
    assert response.status_code == 302
    with scope(fresh.org):
        (draft,) = TargetVision.objects.all()
        areas = [a.name for a in draft.focus_areas.order_by("position")]
    assert draft.status == TargetVision.Status.DRAFT
    assert (draft.start_year, draft.end_year) == (2026, 2029)
    assert areas == ["Ledning", "Infrastruktur", "Kompetens", "Användning"]
    assert audit_events(action="targets.draft_started")


@pytest.mark.django_db
def test_a_horizon_ending_before_it_starts_is_refused(client, fresh):
    client.force_login(fresh.admin)
    response = client.post(url("onboarding:target"), content.target_text(2026) | {"end_year": 2024})
    assert response.status_code == 400
    assert "The horizon ends before it starts." in response.content.decode()
    with scope(fresh.org):
        assert not TargetVision.objects.exists()


@pytest.mark.django_db
def test_an_elected_member_may_not_start_the_texts(client, cast):
    client.force_login(cast.elected)
    assert client.get(url("onboarding:platform", "mittkoping")).status_code == 403
    assert client.get(url("onboarding:target", "mittkoping")).status_code == 403
