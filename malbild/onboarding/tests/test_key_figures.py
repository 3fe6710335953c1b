"""The starter set of Kolada key figures, linked in one step, and the first follow-up period."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from conftest import audit_events
from malbild.followup.models import Period
from malbild.imports.models import ImportRun, KoladaValue
from malbild.indicators.models import Indicator, Measurement
from malbild.onboarding import content
from malbild.onboarding.tests.conftest import url
from malbild.tenants.scope import scope


def indicators(org):
    with scope(org):
        return {i.kolada_kpi: i for i in Indicator.objects.all()}


@pytest.mark.django_db
def test_the_starter_set_is_offered_all_ticked(client, fresh):
    client.force_login(fresh.admin)
    html = client.get(url("onboarding:indicators")).content.decode()
    for starter in content.STARTER_KPIS:
        assert f'value="{starter.kpi}" id="kpi-{starter.kpi}" checked' in html


@pytest.mark.django_db
def test_linking_makes_indicators_with_kolada_baselines_and_fetches_the_figures(
    client, fresh, kolada, django_capture_on_commit_callbacks
):
    client.force_login(fresh.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("onboarding:indicators"), {"kpis": ["N15419", "N15505"]})
    assert response["Location"].endswith("/kom-igang/#indicators")
    found = indicators(fresh.org)
    # The local Kolada has figures of N15419 only: N15505 is left out, and says so.
    assert list(found) == ["N15419"]
    indicator = found["N15419"]
    assert indicator.code == "N15419"
    assert indicator.source == "Kolada"
    assert (indicator.baseline_value, indicator.baseline_period) == (Decimal("85.0000"), "2024")
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert (
        "Left out, as they are followed already or Kolada has no figures for the "
        "municipality: N15505." in messages
    )
    with scope(fresh.org):
        run = ImportRun.objects.get(kind=ImportRun.Kind.KOLADA)
        assert run.state == ImportRun.State.DONE, run.message
        assert KoladaValue.objects.filter(area_id="2490", kpi="N15419").exists()
        top = Measurement.objects.filter(indicator=indicator, org_unit=fresh.top)
        assert top.filter(gender="T").count() == 7  # 2018–2024, and as many for K and M
    assert audit_events(action="indicators.indicator_saved")
    assert audit_events(action="imports.kolada_linked")
    page = client.get(url("onboarding:checklist")).content.decode()
    assert "The latest figures from Kolada for the municipality" in page
    assert "85 %" in page


@pytest.mark.django_db
def test_linking_again_leaves_what_is_followed(client, fresh, kolada):
    client.force_login(fresh.admin)
    client.post(url("onboarding:indicators"), {"kpis": ["N15419"]})
    client.post(url("onboarding:indicators"), {"kpis": ["N15419"]})
    with scope(fresh.org):
        assert Indicator.objects.count() == 1


@pytest.mark.django_db
def test_kolada_unreachable_links_nothing(client, fresh, kolada):
    kolada.fail("/v3/data", "503", "503", "503", "503")
    client.force_login(fresh.admin)
    response = client.post(url("onboarding:indicators"), {"kpis": ["N15419"]})
    assert response.status_code == 302
    assert str(list(get_messages(response.wsgi_request))[-1]).startswith("Nothing was linked")
    assert indicators(fresh.org) == {}


@pytest.mark.django_db
def test_a_key_figure_outside_the_set_is_refused(client, fresh, kolada):
    client.force_login(fresh.admin)
    response = client.post(url("onboarding:indicators"), {"kpis": ["N00945"]})
    assert response.status_code == 400
    assert "Select a valid choice." in response.content.decode()
    assert indicators(fresh.org) == {}


@pytest.mark.django_db
def test_the_first_period_is_the_school_year_under_way(client, fresh):
    client.force_login(fresh.admin)
    page = client.get(url("onboarding:period")).content.decode()
    assert 'value="Läsåret ' in page
    response = client.post(
        url("onboarding:period"),
        {"name": "Läsåret 2026/27", "starts_on": "2026-08-01", "ends_on": "2027-06-30",
         "deadline": "2027-08-31"},
    )  # fmt: skip
    assert response.status_code == 302
    with scope(fresh.org):
        assert Period.objects.get().name == "Läsåret 2026/27"


@pytest.mark.django_db
def test_a_deadline_before_the_end_is_refused(client, fresh):
    client.force_login(fresh.admin)
    response = client.post(
        url("onboarding:period"),
        {"name": "Delår", "starts_on": "2026-08-01", "ends_on": "2027-06-30",
         "deadline": "2027-01-01"},
    )  # fmt: skip
    assert response.status_code == 400
    with scope(fresh.org):
        assert not Period.objects.exists()
