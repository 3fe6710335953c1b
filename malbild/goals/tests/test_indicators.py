"""The indicators that measure a goal: changing a link's weight, and unlinking one."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.goals import progress
from malbild.goals.models import Goal, GoalIndicator
from malbild.goals.tests.builders import (
    add_research,
    adopt,
    evidence,
    fresh,
    link,
    make_goal,
    make_indicator,
    measure,
)
from malbild.tenants.scope import scope


def url(name, goal, row, org="mittkoping"):
    return reverse(f"goals:{name}", args=[org, goal.pk, row.pk])


@pytest.fixture
def measured(cast):
    """Åsen's goal measured by two indicators: one at 50 % of the way, one at 100 %."""
    adopt(cast.org)
    goal = make_goal(cast.org, cast.school, "Åsens elever skapar digitalt")
    half = make_indicator(cast.org, "HALV")  # 40 → 80
    whole = make_indicator(cast.org, "HEL", baseline="0", targets={"2026": "10"})
    measure(half, cast.school, "2024", "60")
    measure(whole, cast.school, "2024", "10")
    first, second = link(goal, half), link(goal, whole)
    with scope(cast.org):
        progress.recalculate([goal.pk])
    assert fresh(goal).progress == Decimal("75.0")
    return goal, first, second


@pytest.mark.django_db
def test_a_links_weight_changes_the_goals_progress(client, cast, measured):
    goal, first, _second = measured
    client.force_login(cast.rektor)
    response = client.post(url("indicator_weight", goal, first), {"weight": "3"})
    assert response.status_code == 302
    assert fresh(first).weight == Decimal(3)
    assert fresh(goal).progress == Decimal("62.5")  # (3 × 50 + 1 × 100) / 4
    (event,) = audit_events(action="goals.indicator_changed")
    assert (event.before["weight"], event.after["weight"]) == ("1.00", "3.00")


@pytest.mark.django_db
@pytest.mark.parametrize("weight", ["-1", "mycket", ""])
def test_a_bad_weight_changes_nothing(client, cast, measured, weight):
    goal, first, _second = measured
    client.force_login(cast.rektor)
    response = client.post(url("indicator_weight", goal, first), {"weight": weight}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert fresh(first).weight == Decimal(1)
    assert fresh(goal).progress == Decimal("75.0")


@pytest.mark.django_db
def test_a_weight_takes_a_decimal_comma(client, cast, measured):
    goal, first, _second = measured
    client.force_login(cast.rektor)
    client.post(url("indicator_weight", goal, first), {"weight": "1,5"})
    assert fresh(first).weight == Decimal("1.5")


@pytest.mark.django_db
def test_unlinking_an_indicator_removes_its_evidence_and_recalculates(client, cast, measured):
    goal, first, second = measured
    client.force_login(cast.rektor)
    assert client.post(url("indicator_unlink", goal, second)).status_code == 302
    with scope(cast.org):
        assert list(GoalIndicator.objects.filter(goal=goal)) == [first]
    assert [e.indicator_id for e in evidence(goal)] == [first.indicator_id]
    assert fresh(goal).progress == Decimal("50.0")
    assert len(audit_events(action="goals.indicator_unlinked")) == 1


@pytest.mark.django_db
def test_an_active_goal_keeps_its_last_evidence(client, cast):
    adopt(cast.org)
    goal = make_goal(cast.org, cast.school, status=Goal.Status.ACTIVE)
    only = link(goal, make_indicator(cast.org))
    client.force_login(cast.rektor)
    response = client.post(url("indicator_unlink", goal, only), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert fresh(only).pk == only.pk
    add_research(goal)
    assert client.post(url("indicator_unlink", goal, only)).status_code == 302
    assert [e.kind for e in evidence(goal)] == ["research"]


@pytest.mark.django_db
def test_another_goals_link_answers_404(client, cast, measured):
    goal, first, _second = measured
    other = make_goal(cast.org, cast.school, "Ett annat mål")
    adopt(cast.ekby)
    ekby_goal = make_goal(cast.ekby, cast.ekby_root, "Ekbys mål")
    ekby_link = link(ekby_goal, make_indicator(cast.ekby))
    client.force_login(cast.admin)
    assert client.post(url("indicator_unlink", other, first)).status_code == 404
    assert client.post(url("indicator_unlink", goal, ekby_link)).status_code == 404
    assert (
        client.post(url("indicator_weight", ekby_goal, ekby_link), {"weight": "2"}).status_code
        == 404
    )
    assert fresh(ekby_link).weight == Decimal(1)
    assert fresh(first).pk == first.pk
