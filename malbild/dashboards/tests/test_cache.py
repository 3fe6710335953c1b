"""The dashboards' content is cached under the organisation's data version: read again without
the queries behind it, and rendered afresh as soon as an audited write has committed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from malbild import audit
from malbild.assessments import services as assessment_services
from malbild.assessments.tests.builders import make_round, participant, statements
from malbild.dashboards.tests.builders import make_goal, make_vision
from malbild.goals import progress
from malbild.goals import services as goal_services
from malbild.goals.models import Goal
from malbild.goals.tests import builders as goal_builders
from malbild.goals.tests.builders import adopt, link, make_indicator, measure
from malbild.indicators import services as indicator_services
from malbild.stories import services as story_services
from malbild.stories.tests.builders import make_story
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


def versions(org: Organisation) -> tuple[int, int, int]:
    found = Organisation.objects.get(pk=org.pk)
    return found.data_version, found.answers_version, found.values_version


@pytest.mark.django_db
def test_answers_and_values_are_counted_apart_besides_the_data_version(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), scope(cast.org):
        audit.record("assessments.answered", organisation=cast.org)
        audit.record("indicators.measurement_saved", organisation=cast.org)
        audit.record("indicators.measurement_saved", organisation=cast.org)
        audit.record("goals.changed", organisation=cast.org)
    assert versions(cast.org) == (4, 1, 2)
    found = Organisation.objects.get(pk=cast.org.pk)
    assert found.version_without_answers == 3
    assert found.version_without_answers_or_values == 1


@pytest.fixture
def measured(cast):
    """The förvaltning's active goal (shown on both dashboards), measured by an indicator from
    40 (2022) towards 80 by 2026, with 56 reported for 2024: 40 % of the way."""
    adopt(cast.org)
    goal = goal_builders.make_goal(cast.org, cast.root, "Alla elever skapar digitalt",
                                   status=Goal.Status.ACTIVE)  # fmt: skip
    indicator = make_indicator(cast.org)
    link(goal, indicator)
    measure(indicator, cast.root, "2024", "56")
    with scope(cast.org):
        progress.recalculate([goal.pk])
    return goal, indicator


def enter_value(cast, indicator, value: str) -> None:
    with scope(cast.org):
        indicator_services.save_measurement(indicator, cast.root, None, period="2024", value=value)


@pytest.mark.django_db
@pytest.mark.parametrize("url", [org_url, lambda org: unit_url(org, org.cast_root)])
def test_a_value_entered_shows_on_the_dashboards_at_once(
    client, cast, measured, django_capture_on_commit_callbacks, url
):
    cast.org.cast_root = cast.root
    _goal, indicator = measured
    client.force_login(cast.reader)
    before = main(client.get(url(cast.org)))
    assert '<span class="nowrap">40,0 %</span>' in before
    with django_capture_on_commit_callbacks(execute=True):
        enter_value(cast, indicator, "72")  # 80 % of the way
    after = main(client.get(url(cast.org)))
    assert '<span class="nowrap">80,0 %</span>' in after
    assert '<span class="nowrap">40,0 %</span>' not in after


@pytest.mark.django_db
def test_after_a_value_entered_what_no_value_changes_comes_from_the_cache(
    client, cast, measured, django_capture_on_commit_callbacks
):
    _goal, indicator = measured
    make_story(cast.org, "Eleverna filmar", unit=cast.school, highlighted=True)
    client.force_login(cast.reader)
    url = unit_url(cast.org, cast.root)
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        enter_value(cast, indicator, "72")
    with CaptureQueriesContext(connection) as queries:
        html = main(client.get(url))
    assert '<span class="nowrap">80,0 %</span>' in html
    assert "Eleverna filmar" in html  # the highlight, from the cache
    read = " ".join(query["sql"] for query in queries.captured_queries)
    for table in ("communication_story", "targets_targetvision", "surveys_result"):
        assert table not in read
    assert "goals_goal" in read  # the goals' figures were read afresh


def progress_version(org: Organisation) -> int:
    return Organisation.objects.get(pk=org.pk).progress_version


@pytest.mark.django_db
def test_a_value_that_moves_a_goal_is_counted_as_moving_progress(
    cast, measured, django_capture_on_commit_callbacks
):
    _goal, indicator = measured
    before = Organisation.objects.get(pk=cast.org.pk).version_of_goal_figures
    with django_capture_on_commit_callbacks(execute=True):
        enter_value(cast, indicator, "72")
    assert progress_version(cast.org) == 1
    assert Organisation.objects.get(pk=cast.org.pk).version_of_goal_figures == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize("url", [org_url, lambda org: unit_url(org, org.cast_root)])
def test_a_value_that_moves_no_goal_leaves_the_cached_dashboard_as_it_was(
    client, cast, measured, django_assert_max_num_queries, django_capture_on_commit_callbacks, url
):
    """The same figure entered again (a correction that changes nothing) and a value for a unit
    that no goal is measured in move no stored progress: the content is read from the cache."""
    cast.org.cast_root = cast.root
    _goal, indicator = measured
    client.force_login(cast.reader)
    first = main(client.get(url(cast.org)))
    with django_capture_on_commit_callbacks(execute=True), scope(cast.org):
        indicator_services.save_measurement(indicator, cast.root, None, period="2024", value="56")
        indicator_services.save_measurement(indicator, cast.school, None, period="2024", value="9")
    assert versions(cast.org) == (2, 0, 2)
    assert progress_version(cast.org) == 0
    with django_assert_max_num_queries(5):  # session, person, organisation and roles, (unit)
        second = main(client.get(url(cast.org)))
    assert second == first
    with django_capture_on_commit_callbacks(execute=True):
        enter_value(cast, indicator, "72")  # 80 % of the way: now it moves
    assert '<span class="nowrap">80,0 %</span>' in main(client.get(url(cast.org)))


@pytest.mark.django_db
def test_a_story_highlighted_after_a_value_entered_shows_at_once(
    client, cast, measured, django_capture_on_commit_callbacks
):
    _goal, indicator = measured
    client.force_login(cast.reader)
    url = unit_url(cast.org, cast.root)
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        enter_value(cast, indicator, "72")
    assert "Eleverna filmar" not in main(client.get(url))
    story = make_story(cast.org, "Eleverna filmar", unit=cast.school)
    with django_capture_on_commit_callbacks(execute=True), scope(cast.org):
        story_services.set_highlight(story, None, on=True)
    assert "Eleverna filmar" in main(client.get(url))


@pytest.mark.django_db
def test_a_self_assessment_answer_leaves_the_cached_dashboard_as_it_was(
    client, cast, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    make_goal(cast.org, cast.school, "Alla läser")
    round_ = make_round(cast.org, cast.school, [cast.rektor])
    client.force_login(cast.reader)
    url = unit_url(cast.org, cast.school)
    first = main(client.get(url))
    with django_capture_on_commit_callbacks(execute=True), scope(cast.org):
        assessment_services.save_answer(
            round_, participant(round_, cast.rektor), statements(round_)[0], level=3
        )
    assert versions(cast.org) == (1, 1, 0)
    with django_assert_max_num_queries(5):  # session, person, organisation and roles, unit
        second = main(client.get(url))
    assert second == first
