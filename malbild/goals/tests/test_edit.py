"""Changing a goal: its text, responsible person, values, focus area, weight and parent."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.goals import progress
from malbild.goals.tests.builders import (
    adopt,
    area,
    contribute,
    fresh,
    link,
    make_goal,
    make_indicator,
    measure,
)
from malbild.platforms.models import Value
from malbild.tenants.scope import scope


def url(goal, org="mittkoping"):
    return reverse("goals:edit", args=[org, goal.pk])


def data(goal, **fields):
    return {
        "title": goal.title,
        "description": goal.description,
        "focus_area": goal.focus_area_id,
        "parent": goal.parent_id or "",
        "weight": str(goal.weight),
        "owner": goal.owner_id or "",
        **fields,
    }


@pytest.fixture
def tree(cast):
    """A förvaltning goal, an area goal that breaks it down, and a school goal below that."""
    adopt(cast.org)
    top = make_goal(cast.org, cast.root, "Alla elever har digital kompetens")
    middle = make_goal(cast.org, cast.area, "Norra områdets skolor delar material", parent=top)
    school = make_goal(cast.org, cast.school, "Åsens elever skapar digitalt", parent=middle)
    return top, middle, school


@pytest.mark.django_db
def test_a_rektor_changes_their_schools_goal(client, cast, tree):
    _top, middle, school = tree
    with scope(cast.org):
        tillit = Value.objects.create(
            organisation=cast.org, key="tillit", name="Tillit", description="Vi litar."
        )
    client.force_login(cast.rektor)
    assert client.get(url(school)).context["form"].initial["title"] == school.title
    changed = data(
        school,
        title="Åsens elever skapar och delar digitalt",
        weight="0,5",
        owner=cast.rektor.pk,
        focus_area=area(cast.org, "Användning").pk,
        values=[tillit.pk],
    )
    response = client.post(url(school), changed)
    assert response.status_code == 302
    saved = fresh(school)
    assert saved.title == "Åsens elever skapar och delar digitalt"
    assert saved.weight == Decimal("0.5")
    assert saved.owner == cast.rektor
    assert saved.parent == middle
    with scope(cast.org):
        assert saved.focus_area.name == "Användning"
        assert list(saved.values.all()) == [tillit]
    (event,) = audit_events(action="goals.changed")
    assert event.before["weight"] == "1.00"
    assert event.after["weight"] == "0.50"
    assert event.after["values"] == [tillit.pk]


@pytest.mark.django_db
def test_a_rektor_may_not_change_another_schools_goal(client, cast, tree):
    top = tree[0]
    berga = make_goal(cast.org, cast.other_school, "Berga skolas elever programmerar", parent=top)
    client.force_login(cast.rektor)
    response = client.get(url(berga))
    assert response.status_code == 403
    assert "Berga skola" in response.content.decode()
    response = client.post(url(berga), data(berga, title="Ändrat av fel rektor"))
    assert response.status_code == 403
    assert fresh(berga).title == "Berga skolas elever programmerar"
    assert audit_events(action="goals.changed") == []


@pytest.mark.django_db
def test_a_goal_cannot_break_down_a_goal_below_it(client, cast, tree):
    top, middle, school = tree
    client.force_login(cast.admin)
    for parent in (school, middle, top):
        response = client.post(url(top), data(top, parent=parent.pk, title="Ändrat"))
        assert response.status_code == 200
        assert "parent" in response.context["form"].errors
    assert fresh(top).parent is None
    assert fresh(top).title == "Alla elever har digital kompetens"
    assert audit_events(action="goals.changed") == []


@pytest.mark.django_db
def test_a_goal_cannot_break_down_a_goal_that_feeds_it_through_a_contribution(client, cast, tree):
    top = tree[0]
    berga = make_goal(cast.org, cast.other_school, "Berga skolas elever programmerar")
    contribute(top, berga)  # the top goal's progress already counts in Berga's goal
    client.force_login(cast.admin)
    response = client.post(url(berga), data(berga, parent=top.pk))
    assert "parent" in response.context["form"].errors
    assert fresh(berga).parent is None


@pytest.mark.django_db
def test_a_negative_weight_changes_nothing(client, cast, tree):
    school = tree[2]
    client.force_login(cast.rektor)
    response = client.post(url(school), data(school, weight="-0,5"))
    assert "weight" in response.context["form"].errors
    assert fresh(school).weight == Decimal(1)


@pytest.mark.django_db
def test_moving_a_goal_to_another_parent_recalculates_the_old_one_too(client, cast, tree):
    top, middle, school = tree
    indicator = make_indicator(cast.org)  # 40 in 2022, 80 by 2026
    measure(indicator, cast.school, "2024", "60")
    link(school, indicator)
    with scope(cast.org):
        progress.recalculate([school.pk])
    assert fresh(school).progress == Decimal("50.0")
    assert fresh(middle).progress == Decimal("50.0")
    assert fresh(top).progress == Decimal("50.0")

    client.force_login(cast.rektor)
    assert client.post(url(school), data(school, parent="")).status_code == 302
    assert fresh(school).parent is None
    assert fresh(middle).progress is None
    assert fresh(top).progress is None

    assert client.post(url(school), data(school, parent=top.pk)).status_code == 302
    assert fresh(top).progress == Decimal("50.0")
    assert fresh(middle).progress is None


@pytest.mark.django_db
def test_another_organisations_ids_answer_404(client, cast, tree):
    school = tree[2]
    adopt(cast.ekby)
    ekby_goal = make_goal(cast.ekby, cast.ekby_root, "Ekbys mål")
    with scope(cast.ekby):
        ekby_value = Value.objects.create(
            organisation=cast.ekby, key="tillit", name="Tillit", description="Vi litar."
        )
    client.force_login(cast.admin)
    assert client.get(url(ekby_goal)).status_code == 404
    assert client.post(url(school), data(school, parent=ekby_goal.pk)).status_code == 404
    assert client.post(url(school), data(school, values=[ekby_value.pk])).status_code == 404
    assert client.post(url(school), data(school, values=["abc"])).status_code == 404
    assert fresh(school).parent_id == tree[1].pk
    client.force_login(cast.ekby_admin)
    assert client.get(url(school, "ekby")).status_code == 404
    assert client.get(url(school)).status_code == 404


@pytest.mark.django_db
def test_an_active_goal_cannot_be_moved_under_a_draft(client, cast):
    adopt(cast.org)
    draft_parent = make_goal(cast.org, cast.root, "Kommunens utkast")
    active = make_goal(cast.org, cast.school, "Åsens mål", status="active")
    client.force_login(cast.rektor)
    page = client.get(url(active)).content.decode()
    # Offered, and said to be a draft.
    assert "Kommunens utkast (Barn- och utbildningsförvaltningen, utkast)" in page
    response = client.post(url(active), data(active, parent=draft_parent.pk))
    assert response.status_code == 200
    assert "Kommunens utkast" in str(response.context["form"].errors["parent"])
    assert fresh(active).parent is None
    assert audit_events(action="goals.changed") == []
