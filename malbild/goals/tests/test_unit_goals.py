"""A unit's goals and where each comes from."""

from decimal import Decimal

import pytest
from django.urls import reverse

from malbild.goals.models import Goal
from malbild.goals.tests.builders import adopt, make_goal
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.scope import scope

QUERIES = 10  # session, user, organisation, roles, unit, page count, page, above, ancestors, …


def url(unit, org="mittkoping"):
    return reverse("goals:unit_goals", args=[org, unit.pk])


def create_url(**query):
    return (
        reverse("goals:create", args=["mittkoping"])
        + "?"
        + "&".join(f"{key.replace('_', '-')}={value}" for key, value in query.items())
    )


@pytest.mark.django_db
def test_a_units_goals_show_where_each_comes_from(client, cast):
    adopt(cast.org)
    top = make_goal(cast.org, cast.root, "Alla elever har digital kompetens")
    broken_down = make_goal(cast.org, cast.school, "Åsens elever skapar digitalt", parent=top)
    own = make_goal(cast.org, cast.school, "Åsens egen idé", focus_area="Användning")
    make_goal(cast.org, cast.other_school, "Berga skolas mål", parent=top)
    client.force_login(cast.teacher)
    response = client.get(url(cast.school))
    html = response.content.decode()
    assert list(response.context["page"].object_list) == [broken_down, own]  # by focus area
    assert "Berga skolas mål" not in html
    assert reverse("goals:detail", args=["mittkoping", top.pk]) in html
    assert cast.root.name in html  # the unit the goal comes from
    assert [u.pk for u in response.context["breadcrumbs"]] == [cast.root.pk, cast.area.pk]
    assert "light__shape" in html
    assert create_url(enhet=cast.school.pk) not in html  # a teacher sets no goals


@pytest.mark.django_db
def test_the_rektor_may_set_and_break_down_goals_for_their_school_only(client, cast):
    adopt(cast.org)
    top = make_goal(cast.org, cast.root, "Alla elever har digital kompetens")
    closed = make_goal(cast.org, cast.area, "Ett avslutat mål", status=Goal.Status.CLOSED)
    client.force_login(cast.rektor)
    response = client.get(url(cast.school))
    html = response.content.decode()
    assert response.context["above"] == [top]
    assert closed.title not in html
    assert create_url(enhet=cast.school.pk).replace("&", "&amp;") in html
    assert f"?enhet={cast.school.pk}&amp;bryter-ner={top.pk}" in html
    response = client.get(url(cast.other_school))
    assert response.context["may_edit"] is False
    assert f"?enhet={cast.other_school.pk}" not in response.content.decode()


@pytest.mark.django_db
def test_without_an_adopted_målbild_the_page_says_goals_wait_for_it(client, cast):
    client.force_login(cast.rektor)
    response = client.get(url(cast.school))
    assert response.status_code == 200
    assert response.context["has_target"] is False
    assert "?enhet=" not in response.content.decode()


@pytest.mark.django_db
def test_another_organisations_unit_answers_404(client, cast):
    client.force_login(cast.admin)
    assert client.get(url(cast.ekby_school)).status_code == 404
    client.force_login(cast.ekby_admin)
    assert client.get(url(cast.school)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 200])
def test_the_number_of_queries_is_the_same_for_5_and_200_goals(
    client, cast, django_assert_max_num_queries, count
):
    adopt(cast.org)
    with scope(cast.org):
        target = TargetVision.objects.get()
        areas = list(FocusArea.objects.all())
        tops = Goal.objects.bulk_create(
            Goal(organisation=cast.org, target_vision=target, focus_area=areas[i % 4],
                 unit=unit, title=f"Mål ovanför {i}", weight=Decimal(1))
            for i, unit in enumerate([cast.root, cast.area] * max(1, count // 10))
        )  # fmt: skip
        Goal.objects.bulk_create(
            Goal(organisation=cast.org, target_vision=target, focus_area=areas[i % 4],
                 unit=cast.school, parent=tops[i % len(tops)] if i % 2 else None,
                 title=f"Åsens mål {i}", weight=Decimal(1))
            for i in range(count - len(tops))
        )  # fmt: skip
        assert Goal.objects.count() == count
    for who in (cast.rektor, cast.reader):
        client.force_login(who)
        with django_assert_max_num_queries(QUERIES):
            assert client.get(url(cast.school)).status_code == 200
