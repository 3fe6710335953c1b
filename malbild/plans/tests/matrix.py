"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

Each path builds the same small world: an adopted målbild, a förvaltning goal, Åsens skola's goal
that breaks it down and a goal of Berga skola; Åsens skola plans an activity that the teacher is
responsible for (with a milestone), and Berga skola one of its own. The rektor leads Åsens skola:
Åsen's plan is theirs to change, Berga's is not (403). The teacher (staff at Åsens skola) adds
activities to Åsen's plan, which are then theirs, but not to the förvaltning's or Berga's (403);
they update the status and milestones of their own activity, and change nothing else.
"""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.goals.tests.builders import adopt, make_goal
from malbild.plans.models import Activity, Milestone
from malbild.plans.tests.builders import days, make_activity, make_milestone
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]
TOP = "Alla elever har digital kompetens"
ASEN_GOAL = "Åsens elever använder digitala verktyg varje vecka"
BERGA_GOAL = "Berga skolas elever programmerar"
ASEN = "Åsens lärare delar lektioner digitalt"
BERGA = "Berga skola startar en programmeringsklubb"


def world(c: Cast) -> None:
    adopt(c.org)
    top = make_goal(c.org, c.root, TOP)
    asen_goal = make_goal(c.org, c.school, ASEN_GOAL, parent=top)
    berga_goal = make_goal(c.org, c.other_school, BERGA_GOAL, parent=top)
    activity = make_activity(c.org, c.school, ASEN, goals=(asen_goal,), owner=c.teacher)
    make_milestone(activity)
    make_activity(c.org, c.other_school, BERGA, goals=(berga_goal,))


def activity(c: Cast, title: str = ASEN) -> Activity:
    with scope(c.org):
        return Activity.objects.get(title=title)


def _url(name: str, *args: Any, query: str = "") -> str:
    return reverse(f"plans:{name}", args=["mittkoping", *args]) + query


def list_url(client: Client, c: Cast) -> str:
    world(c)
    return _url("list")


def unit_plan_url(client: Client, c: Cast) -> str:
    world(c)
    return _url("unit_plan", c.school.pk)


def create_url(unit: str | None) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return _url("create", query=f"?enhet={getattr(c, unit).pk}" if unit else "")

    return path


def activity_url(name: str, title: str = ASEN) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return _url(name, activity(c, title).pk)

    return path


def milestone_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        found = activity(c)
        with scope(c.org):
            milestone = Milestone.objects.get(activity=found)
        return _url(name, found.pk, milestone.pk)

    return path


def activity_data(c: Cast) -> dict[str, Any]:
    with scope(c.org):
        goal = activity(c).goals.get()
    return {
        "title": "Åsens lärare delar lektioner digitalt varje vecka",
        "description": "Arbetslagen lägger upp sina lektioner på lärplattformen.",
        "goals": [goal.pk],
        "owner": c.teacher.pk,
        "starts_on": days(-30).isoformat(),
        "ends_on": days(120).isoformat(),
        "reason": "Arbetslagen behöver hela terminen.",
    }


def berga_data(c: Cast) -> dict[str, Any]:
    with scope(c.org):
        goal = activity(c, BERGA).goals.get()
    return {
        "title": BERGA,
        "description": "",
        "goals": [goal.pk],
        "owner": "",
        "starts_on": days(-30).isoformat(),
        "ends_on": days(150).isoformat(),
        "reason": "Klubben fortsätter till jul.",
    }


def status_data(c: Cast) -> dict[str, Any]:
    return {"status": "in_progress", "progress": "40", "comment": "Halva arbetslagen är igång."}


def milestone_data(c: Cast) -> dict[str, Any]:
    return {"title": "Alla har delat en lektion", "due_on": days(60).isoformat()}


def milestone_edit_data(c: Cast) -> dict[str, Any]:
    return {"title": "Första delningsträffen", "due_on": days(21).isoformat(), "done_on": "",
            "reason": "Träffen flyttades en vecka."}  # fmt: skip


CASES: dict[str, list[Case]] = {
    "plans:list": [
        Case("get", list_url, LOGIN, 404, None, ("reader", 200)),
    ],
    "plans:unit_plan": [
        Case("get", unit_plan_url, LOGIN, 404, None, ("teacher", 200)),
    ],
    "plans:create": [
        # Choosing the unit: anyone who may add activities somewhere; a reader may not.
        Case("get", create_url(None), LOGIN, 404, ("reader", 403), ("teacher", 200)),
        Case("get", create_url("school"), LOGIN, 404, ("reader", 403), ("teacher", 200)),
        Case("post", create_url("school"), LOGIN, 404, ("reader", 403), ("teacher", 302),
             activity_data),
        Case("post", create_url("school"), LOGIN, 404, ("elected", 403), ("rektor", 302),
             activity_data),
        # Staff add to their own school's plan only, not the förvaltning's.
        Case("get", create_url("root"), LOGIN, 404, ("teacher", 403), ("admin", 200)),
        # Nobody at Åsens skola adds to Berga's plan; an admin adds anywhere.
        Case("post", create_url("other_school"), LOGIN, 404, ("teacher", 403), ("admin", 302),
             berga_data),
        Case("post", create_url("other_school"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             berga_data),
    ],
    "plans:detail": [
        Case("get", activity_url("detail"), LOGIN, 404, None, ("reader", 200)),
    ],
    "plans:edit": [
        Case("get", activity_url("edit"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", activity_url("edit"), LOGIN, 404, ("elected", 403), ("rektor", 302),
             activity_data),
        Case("post", activity_url("edit", BERGA), LOGIN, 404, ("rektor", 403), ("admin", 302),
             berga_data),
    ],
    "plans:status": [
        Case("get", activity_url("status"), LOGIN, 404, ("elected", 403), ("teacher", 200)),
        Case("post", activity_url("status"), LOGIN, 404, ("reader", 403), ("teacher", 302),
             status_data),
        # The teacher is not responsible for Berga's activity, nor is it the rektor's school.
        Case("post", activity_url("status", BERGA), LOGIN, 404, ("teacher", 403),
             ("admin", 302), status_data),
    ],
    "plans:milestone_add": [
        Case("get", activity_url("milestone_add"), LOGIN, 404, ("reader", 403),
             ("teacher", 200)),
        Case("post", activity_url("milestone_add"), LOGIN, 404, ("elected", 403),
             ("rektor", 302), milestone_data),
        Case("post", activity_url("milestone_add", BERGA), LOGIN, 404, ("rektor", 403),
             ("admin", 302), milestone_data),
    ],
    "plans:milestone_edit": [
        Case("get", milestone_url("milestone_edit"), LOGIN, 404, ("elected", 403),
             ("rektor", 200)),
        Case("post", milestone_url("milestone_edit"), LOGIN, 404, ("reader", 403),
             ("teacher", 302), milestone_edit_data),
    ],
    "plans:milestone_done": [
        Case("post", milestone_url("milestone_done"), LOGIN, 404, ("elected", 403),
             ("teacher", 302)),
    ],
}  # fmt: skip
