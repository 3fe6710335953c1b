"""The checklist: each step done when its data exists, one query, and a box on the start page
until the organisation is ready or the box is put away."""

import pytest

from conftest import audit_events
from malbild.onboarding import checklist
from malbild.onboarding.tests.conftest import url
from malbild.tenants.scope import scope


@pytest.mark.django_db
def test_a_new_organisation_has_everything_left_but_its_municipality(fresh):
    with scope(fresh.org):
        status = checklist.status(fresh.org)
    assert [(s.key, s.done) for s in status.steps] == [
        ("municipality", True), ("units", False), ("people", False), ("platform", False),
        ("target", False), ("indicators", False), ("period", False),
    ]  # fmt: skip
    assert status.next_step is not None
    assert status.next_step.key == "units"
    assert status.shows_box


def make_ready(org) -> None:
    """Every step done: a platform in force, a målbild, an indicator and a period."""
    from datetime import date

    from malbild.followup.services import create_period
    from malbild.indicators.tests.builders import make_indicator
    from malbild.platforms.tests.builders import in_force
    from malbild.targets.tests.builders import make_version

    in_force(org)
    make_version(org)
    make_indicator(org)
    org.kolada_municipality_id = "2480"
    org.save()
    with scope(org):
        create_period(org, None, name="P", starts_on=date(2026, 1, 1),
                      ends_on=date(2026, 6, 1), deadline=date(2026, 7, 1))  # fmt: skip


@pytest.mark.django_db
def test_the_demo_like_organisation_is_ready_and_the_status_takes_one_query(
    cast, django_assert_num_queries
):
    make_ready(cast.org)
    with scope(cast.org), django_assert_num_queries(1):
        status = checklist.status(cast.org)
    assert status.ready
    assert not status.shows_box


@pytest.mark.django_db
def test_once_ready_the_start_page_keeps_only_a_link_to_the_checklist(client, cast, english):
    client.force_login(cast.admin)
    assert "steps done" in client.get(url("dashboards:home", "mittkoping")).content.decode()
    make_ready(cast.org)
    html = client.get(url("dashboards:home", "mittkoping")).content.decode()
    assert "steps done" not in html
    assert 'class="getting-started"' not in html
    assert url("onboarding:checklist", "mittkoping") in html
    page = client.get(url("onboarding:checklist", "mittkoping")).content.decode()
    assert "Mittköping is ready: every step below is done." in page
    assert "Put the box away" not in page


@pytest.mark.django_db
def test_the_start_page_shows_admins_the_box_and_the_next_step(client, fresh):
    client.force_login(fresh.admin)
    html = client.get(url("dashboards:home")).content.decode()
    assert "1 of 7 steps done." in html
    assert url("onboarding:kolada_units") in html


@pytest.mark.django_db
def test_the_box_can_be_put_away_and_brought_back(client, fresh):
    client.force_login(fresh.admin)
    response = client.post(url("onboarding:box"), {"hide": "1"})
    assert response.status_code == 302
    html = client.get(url("dashboards:home")).content.decode()
    assert "steps done" not in html
    assert url("onboarding:checklist") in html  # still a link away
    client.post(url("onboarding:box"), {"hide": "0"})
    assert "steps done" in client.get(url("dashboards:home")).content.decode()
    events = sorted(audit_events(action__startswith="onboarding.box"), key=lambda e: e.pk)
    assert [e.action for e in events] == ["onboarding.box_hidden", "onboarding.box_shown"]


@pytest.mark.django_db
def test_the_box_is_for_administrators_only(client, cast):
    client.force_login(cast.rektor)
    html = client.get(url("dashboards:home", "mittkoping")).content.decode()
    assert "kom-igang" not in html
    assert client.get(url("onboarding:checklist", "mittkoping")).status_code == 403


@pytest.mark.django_db
def test_the_checklist_lists_every_step_with_its_links(
    client, fresh, django_assert_max_num_queries
):
    client.force_login(fresh.admin)
    with django_assert_max_num_queries(10):
        html = client.get(url("onboarding:checklist")).content.decode()
    assert html.count('class="checklist__step') == 7
    assert "Kolada municipality 2490." in html
    for name in ("onboarding:kolada_units", "onboarding:unit_file", "onboarding:people",
                 "onboarding:platform", "onboarding:target", "onboarding:indicators",
                 "onboarding:period"):  # fmt: skip
        assert url(name) in html
