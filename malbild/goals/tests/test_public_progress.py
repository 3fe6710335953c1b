"""The public goal pages draw each goal's progress as a bar with its planned-so-far mark, say
what the percentage means, and give the same bytes for the same data."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from malbild.goals.tests.builders import adopt, make_goal
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def fill(svg):
    """The width of the filled part of a progress bar (240 wide, 6 each side)."""
    found = re.search(r'<rect x="6" y="7" width="([\d.]+)" height="12" fill="#1d4f91"', svg)
    return float(found.group(1)) if found else None


def test_each_public_goal_has_a_bar_with_its_mark_and_its_figures_in_words(client, cast):
    adopt(cast.org)
    goal = make_goal(cast.org, cast.school, "Alla elever programmerar", status="active",
                     progress=Decimal("50.0"), expected=Decimal("75.0"))  # fmt: skip
    make_goal(cast.org, cast.school, "Utan mätvärden", status="active")
    url = reverse("goals_public:unit_goals", args=["mittkoping", cast.school.pk])
    with translation.override("sv"):
        first = client.get(url)
        again = client.get(url)
    html = first.content.decode()
    assert first.content == again.content  # the same data, the same bytes
    rows = first.context["rows"]
    svg = str(next(g for g in rows if g.pk == goal.pk).chart)
    assert 'role="img"' in svg
    assert f'aria-labelledby="chart-goal-{goal.pk}-title"' in svg
    assert fill(svg) == pytest.approx(228 / 2)
    mark = re.search(r'<path d="M([\d.]+) ', svg)
    assert mark is not None
    assert float(mark.group(1)) == pytest.approx(6 + 228 * 0.75)
    assert "50 % av vägen, 75 % planerat hittills" in html
    assert "Procenttalet visar hur långt ett mål har kommit" in html
    assert "inga data ännu" in html


def test_the_public_goals_list_draws_each_units_progress_and_says_what_it_means(client, cast):
    adopt(cast.org)
    make_goal(cast.org, cast.school, "Alla elever programmerar", status="active")
    with scope(cast.org):
        cast.school.progress = Decimal("40.0")
        cast.school.save(update_fields=["progress"])
    with translation.override("sv"):
        page = client.get(reverse("goals_public:goals", args=["mittkoping"]))
    svg = str(page.context["rows"][0].chart)
    assert fill(svg) == pytest.approx(228 * 0.4)
    assert "<path" not in svg  # a unit has no plan of its own: no mark
    html = page.content.decode()
    assert "40 % av vägen" in html
    assert "En enhets procenttal visar hur långt dess mål" in html


def test_each_public_goal_has_its_progress_over_time_and_a_new_period_changes_the_page(
    client, cast
):
    adopt(cast.org)
    series = [["2023", 2023.0, "20", "25"], ["2024", 2024.0, "40", "50"]]
    goal = make_goal(cast.org, cast.school, "Alla elever programmerar", status="active",
                     progress=Decimal("40.0"), expected=Decimal("50.0"), series=series)  # fmt: skip
    url = reverse("goals_public:unit_goals", args=["mittkoping", cast.school.pk])
    with translation.override("sv"):
        first = client.get(url)
        again = client.get(url)
    assert first.content == again.content  # fixed ids: the same data, the same bytes
    html = first.content.decode()
    assert f'aria-labelledby="chart-trend-{goal.pk}-title"' in html
    assert "från 20\u00a0% (2023) till 40\u00a0% (2024)" in html
    with scope(cast.org):
        type(goal).objects.filter(pk=goal.pk).update(series=[*series, ["2025", 2025.0, "55", "75"]])
    with translation.override("sv"):
        later = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert later.status_code == 200  # the series is part of what the page's ETag says
    assert "till 55\u00a0% (2025)" in later.content.decode()
