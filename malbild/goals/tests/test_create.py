"""Setting a goal for a unit, and breaking a goal of a higher unit down into one."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.goals.forms import NEGATIVE_WEIGHT
from malbild.goals.models import Goal
from malbild.goals.tests.builders import adopt, area, goals, make_goal
from malbild.platforms.models import Value
from malbild.targets.models import FocusArea
from malbild.tenants.scope import scope


def url(org="mittkoping", **query):
    address = reverse("goals:create", args=[org])
    names = {"enhet": "enhet", "bryter_ner": "bryter-ner"}
    pairs = [f"{names[key]}={value}" for key, value in query.items()]
    return address + ("?" + "&".join(pairs) if pairs else "")


def data(cast, **fields):
    return {
        "title": "Åsens elever använder digitala verktyg varje vecka",
        "description": "Alla klasser, alla ämnen.",
        "focus_area": area(cast.org).pk,
        "parent": "",
        "weight": "1",
        "owner": "",
        **fields,
    }


@pytest.fixture
def top(cast):
    adopt(cast.org)
    return make_goal(cast.org, cast.root, "Alla elever har digital kompetens")


@pytest.mark.django_db
def test_a_rektor_breaks_down_a_förvaltning_goal_for_their_school(client, cast, top):
    client.force_login(cast.rektor)
    page = client.get(url(enhet=cast.school.pk, bryter_ner=top.pk))
    assert page.status_code == 200
    assert page.context["form"].initial == {"parent": top.pk, "focus_area": top.focus_area_id}

    response = client.post(
        url(enhet=cast.school.pk, bryter_ner=top.pk),
        data(cast, parent=top.pk, owner=cast.rektor.pk, weight="2,5"),
    )
    assert response.status_code == 302
    goal = goals(cast.org)[-1]
    assert response["Location"] == reverse("goals:detail", args=["mittkoping", goal.pk])
    assert goal.unit == cast.school
    assert goal.parent == top
    assert goal.status == Goal.Status.DRAFT
    assert goal.weight == Decimal("2.5")
    assert goal.owner == cast.rektor
    assert goal.created_by == cast.rektor
    with scope(cast.org):
        assert goal.target_vision.status == "adopted"
    (event,) = audit_events(action="goals.created")
    assert event.actor == cast.rektor
    assert event.after["parent"] == top.pk


@pytest.mark.django_db
def test_a_weight_takes_a_decimal_point_as_well_as_a_comma(client, cast, top):
    client.force_login(cast.rektor)
    client.post(url(enhet=cast.school.pk), data(cast, parent=top.pk, weight="0.5"))
    assert goals(cast.org)[-1].weight == Decimal("0.5")


@pytest.mark.django_db
def test_a_negative_weight_is_refused_with_a_message(client, cast, top):
    client.force_login(cast.rektor)
    response = client.post(url(enhet=cast.school.pk), data(cast, parent=top.pk, weight="-1"))
    assert response.status_code == 200
    assert response.context["form"].errors["weight"] == [str(NEGATIVE_WEIGHT)]
    assert goals(cast.org) == [top]


@pytest.mark.django_db
def test_a_goal_can_only_break_down_a_goal_of_a_unit_above(client, cast, top):
    sibling = make_goal(cast.org, cast.other_school, "Berga skolas elever programmerar")
    own = make_goal(cast.org, cast.school, "Åsens eget mål")
    client.force_login(cast.rektor)
    for parent in (sibling, own):
        response = client.post(url(enhet=cast.school.pk), data(cast, parent=parent.pk))
        assert response.status_code == 200
        assert "parent" in response.context["form"].errors
    assert len(goals(cast.org)) == 3


@pytest.mark.django_db
def test_a_closed_goal_is_not_broken_down(client, cast, top):
    with scope(cast.org):
        Goal.objects.filter(pk=top.pk).update(status=Goal.Status.CLOSED)
    client.force_login(cast.rektor)
    response = client.post(url(enhet=cast.school.pk), data(cast, parent=top.pk))
    assert "parent" in response.context["form"].errors
    assert len(goals(cast.org)) == 1


@pytest.mark.django_db
def test_without_an_adopted_målbild_no_goal_can_be_set(client, cast):
    client.force_login(cast.admin)
    response = client.get(url(enhet=cast.school.pk))
    assert response.status_code == 400
    assert "message" in response.context
    response = client.post(url(enhet=cast.school.pk), {"title": "Ett mål"})
    assert response.status_code == 400
    assert goals(cast.org) == []


@pytest.mark.django_db
def test_the_service_refuses_a_goal_without_an_adopted_målbild(cast):
    from django.core.exceptions import ValidationError

    from malbild.goals import services
    from malbild.targets.tests.builders import make_version

    make_version(cast.org, 1)  # a draft only: it also creates the focus areas
    focus_area = area(cast.org)
    with scope(cast.org), pytest.raises(ValidationError) as error:
        services.create_goal(cast.org, None, unit=cast.school, focus_area=focus_area, title="Mål")
    assert "målbild" in " ".join(error.value.messages)
    assert goals(cast.org) == []


@pytest.mark.django_db
def test_a_rektor_sets_no_goal_for_another_school(client, cast, top):
    client.force_login(cast.rektor)
    response = client.get(url(enhet=cast.other_school.pk))
    assert response.status_code == 403
    assert "Berga skola" in response.content.decode()
    response = client.post(url(enhet=cast.other_school.pk), data(cast, parent=top.pk))
    assert response.status_code == 403
    assert goals(cast.org) == [top]


@pytest.mark.django_db
def test_without_a_unit_the_page_offers_only_the_units_the_person_may_set_goals_for(
    client, cast, top
):
    client.force_login(cast.rektor)
    response = client.get(url(bryter_ner=top.pk))
    assert response.status_code == 200
    offered = [pk for pk, _label in response.context["units"]]
    assert offered == [cast.school.pk, cast.team.pk]
    client.force_login(cast.admin)
    offered = [pk for pk, _label in client.get(url()).context["units"]]
    assert set(offered) == {u.pk for u in (cast.root, cast.area, cast.school, cast.team,
                                          cast.other_school)}  # fmt: skip


@pytest.mark.django_db
def test_only_goals_of_units_above_are_offered_to_break_down(client, cast, top):
    make_goal(cast.org, cast.other_school, "Berga skolas elever programmerar")
    client.force_login(cast.rektor)
    form = client.get(url(enhet=cast.school.pk)).context["form"]
    offered = [value for value, _label in form.fields["parent"].choices if value]
    assert offered == [top.pk]


@pytest.mark.django_db
def test_another_organisations_ids_answer_404(client, cast, top):
    adopt(cast.ekby)
    ekby_goal = make_goal(cast.ekby, cast.ekby_root, "Ekbys mål")
    with scope(cast.ekby):
        ekby_area = FocusArea.objects.get(name="Kompetens")
        ekby_value = Value.objects.create(
            organisation=cast.ekby, key="tillit", name="Tillit", description="Vi litar."
        )
    client.force_login(cast.admin)
    assert client.get(url(enhet=cast.ekby_school.pk)).status_code == 404
    assert client.get(url(enhet=cast.school.pk, bryter_ner=ekby_goal.pk)).status_code == 404
    school = url(enhet=cast.school.pk)
    assert client.post(school, data(cast, parent=ekby_goal.pk)).status_code == 404
    assert client.post(school, data(cast, focus_area=ekby_area.pk)).status_code == 404
    assert client.post(school, data(cast, values=[ekby_value.pk])).status_code == 404
    assert client.get(url("ekby", enhet=cast.ekby_school.pk)).status_code == 404
    assert goals(cast.org) == [top]
    assert goals(cast.ekby) == [ekby_goal]


@pytest.mark.django_db
def test_values_it_expresses_are_the_platforms_values_in_force(client, cast, top):
    with scope(cast.org):
        tillit = Value.objects.create(
            organisation=cast.org, key="tillit", name="Tillit", description="Vi litar."
        )
        retired = Value.objects.create(
            organisation=cast.org, key="gammal", name="Gammal", description="Förr.",
            retired_at="2024-01-01T00:00Z",
        )  # fmt: skip
    client.force_login(cast.rektor)
    school = url(enhet=cast.school.pk)
    response = client.post(school, data(cast, values=[retired.pk]))
    assert "values" in response.context["form"].errors
    assert client.post(school, data(cast, values=[tillit.pk])).status_code == 302
    goal = goals(cast.org)[-1]
    with scope(cast.org):
        assert list(goal.values.all()) == [tillit]


@pytest.mark.django_db
def test_the_responsible_person_is_a_member_of_the_organisation(client, cast, top):
    client.force_login(cast.rektor)
    response = client.post(url(enhet=cast.school.pk), data(cast, owner=cast.ekby_admin.pk))
    assert "owner" in response.context["form"].errors
    assert goals(cast.org) == [top]
