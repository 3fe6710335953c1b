"""The dashboards' content is cached under the organisation's data version: read again without
the queries behind it, and rendered afresh as soon as an audited write has committed."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from malbild import audit
from malbild.dashboards.tests.builders import make_goal, make_vision
from malbild.goals import services as goal_services
from malbild.tenants.models import Organisation
from malbild.tenants.scope import scope


def org_url(org) -> str:
    return reverse("dashboards:organisation", args=[org.slug])


def unit_url(org, unit) -> str:
    return reverse("dashboards:unit", args=[org.slug, unit.pk])


def main(response) -> str:
    """The page's main content (the header holds a fresh CSRF token and CSP nonce each time)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def version(org: Organisation) -> int:
    return Organisation.objects.get(pk=org.pk).data_version


@pytest.mark.django_db
def test_an_audited_write_counts_up_the_organisations_data_version_when_it_commits(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, scope(cast.org):
        audit.record("goals.changed", organisation=cast.org)
    assert version(cast.org) == 0  # not before the commit
    for callback in callbacks:
        callback()
    assert version(cast.org) == 1
    assert version(cast.ekby) == 0


@pytest.mark.django_db
def test_an_event_outside_any_organisation_changes_no_version(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        audit.record("accounts.login", actor=cast.reader)
    assert set(Organisation.objects.values_list("data_version", flat=True)) == {0}


@pytest.mark.django_db
@pytest.mark.parametrize("url", [org_url, lambda org: unit_url(org, org.cast_school)])
def test_a_second_reading_comes_from_the_cache_without_the_dashboards_queries(
    client, cast, django_assert_max_num_queries, url
):
    cast.org.cast_school = cast.school
    make_goal(cast.org, cast.school, "Alla läser")
    client.force_login(cast.reader)
    first = client.get(url(cast.org))
    with django_assert_max_num_queries(6):  # session, person, organisation, roles, (unit)
        second = client.get(url(cast.org))
    assert main(second) == main(first)


@pytest.mark.django_db
def test_a_change_through_a_service_shows_at_once(client, cast, django_capture_on_commit_callbacks):
    goal = make_goal(cast.org, cast.school, "Alla läser")
    client.force_login(cast.reader)
    assert "Alla läser" in client.get(unit_url(cast.org, cast.school)).content.decode()
    with django_capture_on_commit_callbacks(execute=True), scope(cast.org):
        goal_services.update_goal(goal, None, title="Alla läser och skriver")
    assert "Alla läser och skriver" in client.get(unit_url(cast.org, cast.school)).content.decode()


@pytest.mark.django_db
def test_pages_languages_and_readers_rights_are_cached_apart(client, cast):
    make_vision(cast.org, review_date=timezone.localdate() + timedelta(days=3))
    for i in range(60):
        make_goal(cast.org, cast.school, f"Mål {i:02}")
    client.force_login(cast.reader)
    url = unit_url(cast.org, cast.school)
    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()
    assert "Mål 00" in first
    assert "Mål 00" not in second
    review = reverse("targets:review", args=[cast.org.slug])
    assert review not in first  # a viewer may not record the review
    client.force_login(cast.admin)
    assert review in client.get(url).content.decode()
    cast.admin.language = "en"
    cast.admin.save(update_fields=["language"])
    assert "Goals of Åsens skola" in client.get(url).content.decode()


@pytest.mark.django_db
def test_one_organisations_cached_dashboard_is_never_anothers(client, cast):
    make_goal(cast.org, cast.school, "Mittköpings mål")
    client.force_login(cast.reader)
    client.get(org_url(cast.org))
    client.force_login(cast.ekby_admin)
    html = client.get(org_url(cast.ekby)).content.decode()
    assert "Mittköpings mål" not in html
    assert "Ekby" in html
