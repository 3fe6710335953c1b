from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.indicators.tests.builders import (
    fresh,
    make_goal_measured_by,
    make_indicator,
    make_measurement,
    make_target,
    targets,
)


def add_url(org, indicator):
    return reverse("indicators:target_add", args=[org.slug, indicator.pk])


def remove_url(org, indicator, target):
    return reverse("indicators:target_remove", args=[org.slug, indicator.pk, target.pk])


@pytest.fixture
def indicator(cast):
    return make_indicator(cast.org, "BEH-LAR", baseline="50", baseline_period="2022")


@pytest.mark.django_db
def test_an_admin_adds_a_target_and_it_is_audited(client, cast, indicator):
    client.force_login(cast.admin)
    response = client.post(add_url(cast.org, indicator), {"period": " 2026 ", "value": "72,5"})
    assert response.status_code == 302
    assert response["Location"].endswith("#targets")
    [target] = targets(indicator)
    assert (target.period, target.position, target.value) == ("2026", 2026.0, Decimal("72.5"))
    [event] = audit_events(action="indicators.target_saved", target_id=str(target.pk))
    assert event.actor == cast.admin
    assert event.after == {"indicator": "BEH-LAR", "period": "2026", "value": "72.5"}


@pytest.mark.django_db
def test_a_target_of_a_term_indicator_is_stored_in_capitals_with_its_place(client, cast):
    indicator = make_indicator(cast.org, "TERM", periodicity="term", baseline_period="2023-VT")
    client.force_login(cast.admin)
    response = client.post(add_url(cast.org, indicator), {"period": "2025-ht", "value": "60"})
    assert response.status_code == 302
    [target] = targets(indicator)
    assert (target.period, target.position) == ("2025-HT", 2025.5)


def refused(client, cast, indicator, data, field):
    response = client.post(add_url(cast.org, indicator), data)
    assert response.status_code == 400
    errors = response.context["target_form"].errors
    assert errors[field], errors
    assert targets(indicator) == []
    assert audit_events(action="indicators.target_saved") == []
    html = response.content.decode()
    assert 'class="error-summary"' in html
    return " ".join(errors[field])


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["50", "50,0", "50.0000"])
def test_a_target_equal_to_the_baseline_is_refused(client, cast, indicator, value):
    client.force_login(cast.admin)
    message = refused(client, cast, indicator, {"period": "2026", "value": value}, "value")
    assert "50" in message


@pytest.mark.django_db
def test_a_target_below_the_baseline_is_refused_when_higher_is_better(client, cast, indicator):
    client.force_login(cast.admin)
    refused(client, cast, indicator, {"period": "2026", "value": "40"}, "value")


@pytest.mark.django_db
def test_a_target_above_the_baseline_is_refused_when_lower_is_better(client, cast):
    indicator = make_indicator(cast.org, "DATOR", baseline="2.5", direction="lower")
    client.force_login(cast.admin)
    refused(client, cast, indicator, {"period": "2026", "value": "3"}, "value")
    assert client.post(add_url(cast.org, indicator), {"period": "2026", "value": "1,5"})[
        "Location"
    ].endswith("#targets")
    assert [t.value for t in targets(indicator)] == [Decimal("1.5")]


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["2022", "2021"])
def test_a_target_must_come_after_the_baseline_period(client, cast, indicator, period):
    client.force_login(cast.admin)
    message = refused(client, cast, indicator, {"period": period, "value": "70"}, "period")
    assert "2022" in message


@pytest.mark.django_db
@pytest.mark.parametrize("period", ["2026-03", "2026-HT", "26", "nästa år"])
def test_a_target_period_that_does_not_fit_the_periodicity_is_refused(
    client, cast, indicator, period
):
    client.force_login(cast.admin)
    message = refused(client, cast, indicator, {"period": period, "value": "70"}, "period")
    assert "2025" in message  # the expected form, from periods.EXAMPLES


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["tolv", "12,5,3", ""])
def test_a_target_that_is_not_a_number_is_refused(client, cast, indicator, value):
    client.force_login(cast.admin)
    refused(client, cast, indicator, {"period": "2026", "value": value}, "value")


@pytest.mark.django_db
def test_a_second_target_for_the_same_period_is_refused(client, cast, indicator):
    make_target(indicator, "2026", "70")
    client.force_login(cast.admin)
    response = client.post(add_url(cast.org, indicator), {"period": "2026", "value": "80"})
    assert response.status_code == 400
    assert response.context["target_form"].errors["period"]
    assert [t.value for t in targets(indicator)] == [Decimal(70)]


@pytest.mark.django_db
def test_an_admin_removes_a_target_and_it_is_audited(client, cast, indicator):
    target = make_target(indicator, "2026", "70")
    client.force_login(cast.admin)
    response = client.post(remove_url(cast.org, indicator, target))
    assert response.status_code == 302
    assert targets(indicator) == []
    [event] = audit_events(action="indicators.target_removed", target_id=str(target.pk))
    assert event.before == {"indicator": "BEH-LAR", "period": "2026", "value": "70.0000"}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["rektor", "teacher", "elected", "reader"])
def test_only_admins_may_add_or_remove_targets(client, cast, indicator, who):
    target = make_target(indicator, "2026", "70")
    client.force_login(getattr(cast, who))
    later = {"period": "2027", "value": "80"}
    assert client.post(add_url(cast.org, indicator), later).status_code == 403
    assert client.post(remove_url(cast.org, indicator, target)).status_code == 403
    assert targets(indicator) == [target]


@pytest.mark.django_db
def test_adding_a_target_is_post_only(client, cast, indicator):
    client.force_login(cast.admin)
    assert client.get(add_url(cast.org, indicator)).status_code == 405
    target = make_target(indicator, "2026", "70")
    assert client.get(remove_url(cast.org, indicator, target)).status_code == 405
    assert targets(indicator) == [target]


@pytest.mark.django_db
def test_another_organisations_ids_are_404(client, cast, indicator):
    theirs = make_indicator(cast.ekby, "EKBY-1", baseline="10")
    their_target = make_target(theirs, "2026", "20")
    mine = make_target(indicator, "2026", "70")
    client.force_login(cast.admin)
    later = {"period": "2027", "value": "30"}
    assert client.post(add_url(cast.org, theirs), later).status_code == 404
    assert client.post(remove_url(cast.org, theirs, their_target)).status_code == 404
    # Their target under my indicator's URL, and my target under another indicator of mine.
    assert client.post(remove_url(cast.org, indicator, their_target)).status_code == 404
    other = make_indicator(cast.org, "ANNAN")
    assert client.post(remove_url(cast.org, other, mine)).status_code == 404
    assert targets(theirs) == [their_target]
    assert targets(indicator) == [mine]
    client.force_login(cast.ekby_admin)
    assert client.post(remove_url(cast.org, indicator, mine)).status_code == 404
    assert targets(indicator) == [mine]


@pytest.mark.django_db
def test_a_target_moves_the_progress_of_the_goals_the_indicator_measures(client, cast, indicator):
    make_measurement(indicator, cast.school, "2024", "60")
    goal = make_goal_measured_by(indicator, cast.school)
    assert fresh(goal).progress is None  # no target, no progress
    client.force_login(cast.admin)
    client.post(add_url(cast.org, indicator), {"period": "2026", "value": "70"})
    assert fresh(goal).progress == Decimal("50.0")
    assert fresh(goal).light == "on_track"
    [target] = targets(indicator)
    client.post(remove_url(cast.org, indicator, target))
    assert fresh(goal).progress is None
    assert fresh(goal).light == "no_data"
