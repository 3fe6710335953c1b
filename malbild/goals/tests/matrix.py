"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

Each path builds the same small world: an adopted målbild, a förvaltning goal, Åsens skola's goal
that breaks it down (drafts with one piece of research each) and a goal of Berga skola. The rektor
leads Åsens skola: Åsen's goal is theirs to change, Berga's is not (403).
"""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.goals.models import Contribution, Evidence, Goal, GoalIndicator
from malbild.goals.tests.builders import (
    add_research,
    adopt,
    area,
    contribute,
    link,
    make_goal,
    make_indicator,
)
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]
TOP = "Alla elever har digital kompetens"
ASEN = "Åsens elever använder digitala verktyg varje vecka"
BERGA = "Berga skolas elever programmerar"
# A goal of its own (it breaks down nothing), ready to be made active: a goal that breaks down
# the draft TOP may not be made active before TOP is.
OWN = "Åsens elever lär sig källkritik"


def world(c: Cast) -> None:
    adopt(c.org)
    top = make_goal(c.org, c.root, TOP)
    add_research(top)
    add_research(make_goal(c.org, c.school, ASEN, parent=top))
    make_goal(c.org, c.other_school, BERGA, parent=top)
    add_research(make_goal(c.org, c.school, OWN))


def goal(c: Cast, title: str = ASEN) -> Goal:
    with scope(c.org):
        return Goal.objects.get(title=title)


def _url(name: str, *args: Any, query: str = "") -> str:
    return reverse(f"goals:{name}", args=["mittkoping", *args]) + query


def page(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return _url(name)

    return path


def goal_url(name: str, title: str = ASEN, query: str = "") -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return _url(name, goal(c, title).pk, query=query)

    return path


def unit_goals_url(client: Client, c: Cast) -> str:
    world(c)
    return _url("unit_goals", c.school.pk)


def create_url(unit: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return _url("create", query=f"?enhet={getattr(c, unit).pk}&bryter-ner={goal(c, TOP).pk}")

    return path


def evidence_url(client: Client, c: Cast) -> str:
    world(c)
    found = goal(c)
    add_research(found, "Ännu en studie")
    with scope(c.org):
        first = Evidence.objects.filter(goal=found).order_by("id").first()
    assert first is not None
    return _url("evidence_remove", found.pk, first.pk)


def indicator_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        found = goal(c)
        link(found, make_indicator(c.org))
        with scope(c.org):
            return _url(name, found.pk, GoalIndicator.objects.get(goal=found).pk)

    return path


def contribution_url(client: Client, c: Cast) -> str:
    world(c)
    contribute(goal(c), goal(c, BERGA))
    with scope(c.org):
        return _url("contribution_remove", goal(c).pk, Contribution.objects.get().pk)


def goal_data(c: Cast) -> dict[str, Any]:
    return {
        "title": "Alla lärare på Åsen delar lektioner digitalt",
        "description": "",
        "focus_area": area(c.org).pk,
        "parent": goal(c, TOP).pk,
        "weight": "1,5",
        "owner": "",
    }


def research(c: Cast) -> dict[str, Any]:
    return {
        "title": "Skolans digitalisering",
        "url": "https://www.skolverket.se/forskning",
        "doi": "",
        "summary": "Det är användningen som gör skillnad.",
    }


def public_page(name: str, *args: Any) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        values = [a(c) if callable(a) else a for a in args]
        return reverse(name, args=["mittkoping", *values])

    return path


CASES: dict[str, list[Case]] = {
    "goals:chain": [
        Case("get", page("chain"), LOGIN, 404, None, ("reader", 200)),
    ],
    "goals:unit_goals": [
        Case("get", unit_goals_url, LOGIN, 404, None, ("teacher", 200)),
    ],
    "goals:create": [
        Case("get", create_url("school"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", create_url("school"), LOGIN, 404, ("elected", 403), ("rektor", 302),
             goal_data),
        # A rektor sets no goals for another school; an admin sets them anywhere.
        Case("post", create_url("other_school"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             goal_data),
    ],
    "goals:detail": [
        Case("get", goal_url("detail"), LOGIN, 404, None, ("reader", 200)),
    ],
    "goals:edit": [
        Case("get", goal_url("edit"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", goal_url("edit"), LOGIN, 404, ("elected", 403), ("rektor", 302), goal_data),
        Case("post", goal_url("edit", BERGA), LOGIN, 404, ("rektor", 403), ("admin", 302),
             goal_data),
    ],
    "goals:activate": [
        Case("post", goal_url("activate", OWN), LOGIN, 404, ("teacher", 403), ("rektor", 302)),
        Case("post", goal_url("activate", TOP), LOGIN, 404, ("rektor", 403), ("admin", 302)),
    ],
    "goals:close": [
        Case("post", goal_url("close"), LOGIN, 404, ("reader", 403), ("rektor", 302)),
    ],
    "goals:evidence_add": [
        Case("get", goal_url("evidence_add", query="?typ=research"), LOGIN, 404,
             ("teacher", 403), ("rektor", 200)),
        Case("post", goal_url("evidence_add", query="?typ=research"), LOGIN, 404,
             ("elected", 403), ("rektor", 302), research),
        Case("post", goal_url("evidence_add", BERGA, "?typ=research"), LOGIN, 404,
             ("rektor", 403), ("admin", 302), research),
    ],
    "goals:evidence_remove": [
        Case("post", evidence_url, LOGIN, 404, ("teacher", 403), ("rektor", 302)),
    ],
    "goals:indicator_weight": [
        Case("post", indicator_url("indicator_weight"), LOGIN, 404, ("elected", 403),
             ("rektor", 302), lambda c: {"weight": "2,5"}),
    ],
    "goals:indicator_unlink": [
        Case("post", indicator_url("indicator_unlink"), LOGIN, 404, ("teacher", 403),
             ("rektor", 302)),
    ],
    "goals:contribution_add": [
        Case("get", goal_url("contribution_add"), LOGIN, 404, ("reader", 403), ("rektor", 200)),
        Case("post", goal_url("contribution_add"), LOGIN, 404, ("teacher", 403),
             ("rektor", 302), lambda c: {"to_goal": goal(c, BERGA).pk, "weight": "1"}),
    ],
    "goals:contribution_remove": [
        Case("post", contribution_url, LOGIN, 404, ("elected", 403), ("rektor", 302)),
    ],
    "goals_public:goals": [
        Case("get", public_page("goals_public:goals"), 200, 200, None, (None, 200)),
    ],
    "goals_public:unit_goals": [
        Case("get", public_page("goals_public:unit_goals", lambda c: c.school.pk), 200, 200, None,
             (None, 200)),
    ],
}  # fmt: skip
