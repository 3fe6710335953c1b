"""The chain from the målbild down: top-level goals by focus area, two levels deep, paged."""

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import Cast
from malbild.goals.models import Goal
from malbild.goals.tests.builders import adopt, make_goal
from malbild.targets.models import FocusArea, TargetVision
from malbild.tenants.scope import scope

QUERIES = 8  # session, user, organisation, roles, målbild, page count, page, breakdown


def url(org="mittkoping"):
    return reverse("goals:chain", args=[org])


def forest(cast: Cast, tops: int, children: int, grandchildren: int) -> None:
    """`tops` förvaltning goals over the four focus areas, each broken down by `children`
    school goals, and `grandchildren` team goals below the first school goal of each."""
    with scope(cast.org):
        target = TargetVision.objects.get(status=TargetVision.Status.ADOPTED)
        areas = list(FocusArea.objects.all())

        def goals(unit, parents, count, title):
            return Goal.objects.bulk_create(
                Goal(organisation=cast.org, target_vision=target, unit=unit, parent=parent,
                     focus_area=areas[i % len(areas)] if parent is None else parent.focus_area,
                     title=f"{title} {i}", weight=Decimal(1))
                for i, parent in enumerate(p for p in parents for _ in range(count))
            )  # fmt: skip

        top = goals(cast.root, [None], tops, "Förvaltningens mål")
        schools = goals(cast.school, top, children, "Åsens mål")
        goals(cast.team, schools[::children] if children else [], grandchildren, "F-3:s mål")


@pytest.mark.django_db
def test_the_chain_starts_from_the_adopted_målbild(client, cast):
    target = adopt(cast.org)
    client.force_login(cast.reader)
    response = client.get(url())
    html = response.content.decode()
    assert response.context["target"] == target
    assert target.title in html
    assert reverse("targets:detail", args=["mittkoping"]) in html
    assert "Barn- och utbildningsnämnden" in html


@pytest.mark.django_db
def test_without_an_adopted_målbild_the_page_says_so(client, cast):
    client.force_login(cast.admin)
    response = client.get(url())
    assert response.status_code == 200
    assert response.context["target"] is None
    assert reverse("goals:create", args=["mittkoping"]) not in response.content.decode()


@pytest.mark.django_db
def test_goals_are_grouped_by_focus_area_with_two_levels_and_a_link_for_deeper_ones(client, cast):
    adopt(cast.org)
    top = make_goal(cast.org, cast.root, "Alla elever har digital kompetens")
    school = make_goal(cast.org, cast.school, "Åsens elever skapar digitalt", parent=top)
    team = make_goal(cast.org, cast.team, "F-3 programmerar", parent=school)
    other = make_goal(cast.org, cast.root, "Stabil uppkoppling", focus_area="Infrastruktur")
    client.force_login(cast.teacher)
    response = client.get(url())
    html = response.content.decode()
    groups = response.context["groups"]
    assert [area.name for area, _rows in groups] == ["Infrastruktur", "Kompetens"]
    assert groups[0][1] == [(other, [])]
    assert groups[1][1] == [(top, [school])]
    assert school.title in html
    assert cast.school.name in html
    assert team.title not in html  # the third level is on the goal's own page
    assert f"{reverse('goals:detail', args=['mittkoping', school.pk])}#breakdown" in html
    assert "light__shape" in html


@pytest.mark.django_db
def test_only_the_first_goals_that_break_one_down_are_shown(client, cast):
    adopt(cast.org)
    forest(cast, tops=1, children=12, grandchildren=0)
    client.force_login(cast.teacher)
    ((_area, [(top, children)]),) = client.get(url()).context["groups"]
    assert len(children) == 10
    assert top.child_count == 12


@pytest.mark.django_db
def test_the_chain_is_paged_by_top_level_goals(client, cast):
    adopt(cast.org)
    forest(cast, tops=60, children=1, grandchildren=0)
    client.force_login(cast.teacher)
    first = client.get(url())
    assert sum(len(rows) for _area, rows in first.context["groups"]) == 50
    second = client.get(url() + "?page=2")
    assert sum(len(rows) for _area, rows in second.context["groups"]) == 10


@pytest.mark.django_db
@pytest.mark.parametrize(("tops", "children", "grandchildren", "total"),
                         [(1, 3, 1, 5), (40, 3, 1, 200)])  # fmt: skip
def test_the_number_of_queries_is_the_same_for_5_and_200_goals(
    client, cast, django_assert_max_num_queries, tops, children, grandchildren, total
):
    adopt(cast.org)
    forest(cast, tops, children, grandchildren)
    with scope(cast.org):
        assert Goal.objects.count() == total
    client.force_login(cast.reader)
    with django_assert_max_num_queries(QUERIES):
        assert client.get(url()).status_code == 200
