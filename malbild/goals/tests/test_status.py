"""Making a goal active (only with evidence) and closing it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.goals import progress
from malbild.goals.models import Goal
from malbild.goals.tests.builders import (
    add_research,
    adopt,
    fresh,
    link,
    make_goal,
    make_indicator,
    measure,
)
from malbild.tenants.scope import scope

Status = Goal.Status


def url(name, goal, org="mittkoping"):
    return reverse(f"goals:{name}", args=[org, goal.pk])


@pytest.fixture
def goal(cast):
    adopt(cast.org)
    return make_goal(cast.org, cast.school, "Åsens elever skapar digitalt")


@pytest.mark.django_db
def test_a_goal_without_evidence_cannot_be_made_active(client, cast, goal):
    client.force_login(cast.rektor)
    response = client.post(url("activate", goal), follow=True)
    assert response.redirect_chain[-1][0] == url("detail", goal)
    (message,) = [str(m) for m in response.context["messages"]]
    assert "evidence" in message or "underlag" in message
    assert fresh(goal).status == Status.DRAFT
    assert audit_events(action="goals.activated") == []


@pytest.mark.django_db
def test_a_goal_with_evidence_is_made_active(client, cast, goal):
    add_research(goal)
    client.force_login(cast.rektor)
    assert client.post(url("activate", goal)).status_code == 302
    assert fresh(goal).status == Status.ACTIVE
    (event,) = audit_events(action="goals.activated")
    assert event.before == {"status": "draft"}
    assert event.after == {"status": "active"}
    # Once active, it says so instead of offering activation again.
    html = client.get(url("detail", goal)).content.decode()
    assert url("activate", goal) not in html
    assert url("close", goal) in html


@pytest.mark.django_db
def test_data_from_a_linked_indicator_counts_as_evidence(client, cast, goal):
    link(goal, make_indicator(cast.org))
    client.force_login(cast.rektor)
    client.post(url("activate", goal))
    assert fresh(goal).status == Status.ACTIVE


@pytest.mark.django_db
def test_activating_a_goal_counts_it_in_its_units_progress(client, cast, goal):
    indicator = make_indicator(cast.org)
    measure(indicator, cast.school, "2024", "60")
    link(goal, indicator)
    with scope(cast.org):
        progress.recalculate([goal.pk])
    assert fresh(goal).progress == Decimal("50.0")
    assert fresh(cast.school).progress is None  # drafts do not count for the unit
    client.force_login(cast.rektor)
    client.post(url("activate", goal))
    assert fresh(cast.school).progress == Decimal("50.0")


@pytest.mark.django_db
def test_a_closed_goal_no_longer_counts_in_the_goal_it_breaks_down(client, cast, goal):
    top = make_goal(cast.org, cast.root, "Alla elever har digital kompetens")
    with scope(cast.org):
        Goal.objects.filter(pk=goal.pk).update(parent=top)
    indicator = make_indicator(cast.org)
    measure(indicator, cast.school, "2024", "60")
    link(goal, indicator)
    with scope(cast.org):
        progress.recalculate([goal.pk])
    assert fresh(top).progress == Decimal("50.0")
    client.force_login(cast.rektor)
    assert client.post(url("close", goal)).status_code == 302
    assert fresh(goal).status == Status.CLOSED
    assert fresh(top).progress is None
    assert len(audit_events(action="goals.closed")) == 1
    # Closing twice says so and changes nothing.
    response = client.post(url("close", goal), follow=True)
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"
    assert len(audit_events(action="goals.closed")) == 1


@pytest.mark.django_db
def test_status_changes_are_posts_only(client, cast, goal):
    add_research(goal)
    client.force_login(cast.rektor)
    assert client.get(url("activate", goal)).status_code == 405
    assert client.get(url("close", goal)).status_code == 405
    assert fresh(goal).status == Status.DRAFT


@pytest.mark.django_db
def test_a_rektor_may_not_activate_another_schools_goal(client, cast, goal):
    berga = make_goal(cast.org, cast.other_school, "Berga skolas elever programmerar")
    add_research(berga)
    client.force_login(cast.rektor)
    assert client.post(url("activate", berga)).status_code == 403
    assert fresh(berga).status == Status.DRAFT


@pytest.mark.django_db
def test_a_goal_that_breaks_down_a_draft_is_not_made_active_before_it(client, cast):
    adopt(cast.org)
    draft_parent = make_goal(cast.org, cast.root, "Kommunens utkast")
    goal = make_goal(cast.org, cast.school, "Åsens mål", parent=draft_parent)
    add_research(goal)
    client.force_login(cast.rektor)
    response = client.post(url("activate", goal), follow=True)
    (message,) = [str(m) for m in response.context["messages"]]
    assert "Kommunens utkast" in message
    assert fresh(goal).status == Status.DRAFT
    assert audit_events(action="goals.activated") == []

    with scope(cast.org):
        Goal.objects.filter(pk=draft_parent.pk).update(status=Status.ACTIVE)
    client.post(url("activate", goal))
    assert fresh(goal).status == Status.ACTIVE
