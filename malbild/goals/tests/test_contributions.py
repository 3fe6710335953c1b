"""Contributions: a goal also helps a goal of another unit, with a weight in its progress."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.goals import progress
from malbild.goals.models import Contribution
from malbild.goals.tests.builders import (
    adopt,
    contribute,
    fresh,
    link,
    make_goal,
    make_indicator,
    measure,
)
from malbild.tenants.scope import scope


def add_url(goal, org="mittkoping", query=""):
    return reverse("goals:contribution_add", args=[org, goal.pk]) + query


def remove_url(goal, contribution):
    return reverse("goals:contribution_remove", args=["mittkoping", goal.pk, contribution.pk])


def contributions(org):
    with scope(org):
        return list(Contribution.objects.order_by("id"))


@pytest.fixture
def goals(cast):
    """Åsen's goal, and Berga's goal that it may help."""
    adopt(cast.org)
    asen = make_goal(cast.org, cast.school, "Åsens elever skapar digitalt")
    berga = make_goal(cast.org, cast.other_school, "Berga skolas elever programmerar")
    return asen, berga


@pytest.mark.django_db
def test_a_goal_contributes_to_a_goal_of_another_unit_and_its_progress_counts_there(
    client, cast, goals
):
    asen, berga = goals
    indicator = make_indicator(cast.org)
    measure(indicator, cast.school, "2024", "60")
    link(asen, indicator)
    with scope(cast.org):
        progress.recalculate([asen.pk])
    client.force_login(cast.rektor)
    page = client.get(add_url(asen))
    assert [pk for pk, _label in page.context["form"].fields["to_goal"].choices] == [berga.pk]
    response = client.post(add_url(asen), {"to_goal": berga.pk, "weight": "0,5"})
    assert response.status_code == 302
    (contribution,) = contributions(cast.org)
    assert (contribution.goal, contribution.to_goal) == (asen, berga)
    assert contribution.weight == Decimal("0.5")
    assert fresh(berga).progress == Decimal("50.0")
    assert len(audit_events(action="goals.contribution_added")) == 1
    html = client.get(reverse("goals:detail", args=["mittkoping", berga.pk])).content.decode()
    assert asen.title in html


@pytest.mark.django_db
def test_the_search_narrows_the_goals_offered(client, cast, goals):
    asen, berga = goals
    make_goal(cast.org, cast.other_school, "Berga skolas lärare fortbildas")
    client.force_login(cast.rektor)
    form = client.get(add_url(asen, query="?q=programmerar")).context["form"]
    assert [pk for pk, _label in form.fields["to_goal"].choices] == [berga.pk]


@pytest.mark.django_db
def test_a_contribution_that_would_make_a_circle_is_refused(client, cast, goals):
    asen, berga = goals
    contribute(berga, asen)
    client.force_login(cast.rektor)
    response = client.post(add_url(asen), {"to_goal": berga.pk, "weight": "1"})
    assert response.status_code == 200
    assert "to_goal" in response.context["form"].errors
    assert len(contributions(cast.org)) == 1


@pytest.mark.django_db
def test_a_circle_through_parents_is_refused_too(client, cast, goals):
    asen, berga = goals
    area_goal = make_goal(cast.org, cast.area, "Norra området delar material")
    with scope(cast.org):
        # Berga's goal breaks the area goal down; the area goal helps Åsen's goal.
        berga.parent = area_goal
        berga.save()
    contribute(area_goal, asen)
    client.force_login(cast.rektor)
    response = client.post(add_url(asen), {"to_goal": berga.pk, "weight": "1"})
    assert "to_goal" in response.context["form"].errors
    assert len(contributions(cast.org)) == 1


@pytest.mark.django_db
def test_within_a_unit_and_to_the_goal_it_breaks_down_there_is_no_contribution(client, cast, goals):
    asen, _berga = goals
    top = make_goal(cast.org, cast.root, "Alla elever har digital kompetens")
    with scope(cast.org):
        asen.parent = top
        asen.save()
    same_unit = make_goal(cast.org, cast.school, "Åsens lärare fortbildas")
    client.force_login(cast.rektor)
    for target in (same_unit, top, asen):
        response = client.post(add_url(asen), {"to_goal": target.pk, "weight": "1"})
        assert "to_goal" in response.context["form"].errors
    assert contributions(cast.org) == []


@pytest.mark.django_db
def test_a_negative_weight_is_refused(client, cast, goals):
    asen, berga = goals
    client.force_login(cast.rektor)
    response = client.post(add_url(asen), {"to_goal": berga.pk, "weight": "-2"})
    assert "weight" in response.context["form"].errors
    assert contributions(cast.org) == []


@pytest.mark.django_db
def test_another_organisations_goal_answers_404(client, cast, goals):
    asen, _berga = goals
    adopt(cast.ekby)
    ekby_goal = make_goal(cast.ekby, cast.ekby_root, "Ekbys mål")
    client.force_login(cast.rektor)
    assert client.post(add_url(asen), {"to_goal": ekby_goal.pk, "weight": "1"}).status_code == 404
    assert client.get(add_url(ekby_goal)).status_code == 404
    assert contributions(cast.org) == []
    assert contributions(cast.ekby) == []


@pytest.mark.django_db
def test_either_side_ends_a_contribution_and_progress_follows(client, cast, goals):
    asen, berga = goals
    indicator = make_indicator(cast.org)
    measure(indicator, cast.school, "2024", "60")
    link(asen, indicator)
    contribution = contribute(asen, berga)
    with scope(cast.org):
        progress.recalculate([asen.pk])
    assert fresh(berga).progress == Decimal("50.0")
    client.force_login(cast.rektor)
    assert client.post(remove_url(asen, contribution)).status_code == 302
    assert contributions(cast.org) == []
    assert fresh(berga).progress is None
    assert len(audit_events(action="goals.contribution_removed")) == 1
    # Berga's side (its admin here) may end one too; an unrelated goal's URL may not.
    again = contribute(asen, berga)
    other = make_goal(cast.org, cast.school, "Ett annat mål")
    client.force_login(cast.admin)
    assert client.post(remove_url(other, again)).status_code == 404
    assert client.post(remove_url(berga, again)).status_code == 302
    assert contributions(cast.org) == []


@pytest.mark.django_db
def test_a_rektor_ends_a_contribution_only_through_their_own_schools_goal(client, cast, goals):
    asen, berga = goals
    contribution = contribute(berga, asen)
    client.force_login(cast.rektor)
    assert client.post(remove_url(berga, contribution)).status_code == 403
    assert client.post(remove_url(asen, contribution)).status_code == 302
