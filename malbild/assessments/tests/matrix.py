"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

The world: a round of Åsens skola that the rektor leads, in which the rektor and the teacher
take part. Ekby's admin is outside (404); the elected member and the reader hold whole-
organisation roles that are not "inside the subtree" of a round (404, DESIGN.md §4).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from malbild.assessments.models import Statement
from malbild.assessments.tests.builders import answer_all, closed_round, make_round, participant
from malbild.goals.tests.builders import adopt as adopt_target
from malbild.goals.tests.builders import make_goal
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]


def _url(name: str, *args: Any, query: str = "") -> str:
    return reverse(f"assessments:{name}", args=["mittkoping", *args]) + query


def page(name: str, query: str = "") -> PathFn:
    return lambda client, c: _url(name, query=query)


def open_round(name: str, query: str = "") -> PathFn:
    def path(client: Client, c: Cast) -> str:
        round_ = make_round(c.org, c.school, [c.rektor, c.teacher])
        return _url(name, round_.pk, query=query)

    return path


def complete_round(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        round_ = make_round(c.org, c.school, [c.rektor, c.teacher])
        answer_all(round_, c.rektor)
        answer_all(round_, c.teacher)
        return _url(name, round_.pk)

    return path


def done_round(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        round_ = closed_round(c.org, c.school, [c.rektor, c.teacher, c.admin], level=1)
        return _url(name, round_.pk)

    return path


def statement_url(client: Client, c: Cast) -> str:
    round_ = make_round(c.org, c.school, [c.rektor, c.teacher])
    with scope(c.org):
        first = Statement.objects.filter(model_id=round_.model_id).order_by("key").first()
    assert first is not None
    return _url("answer_statement", round_.pk, first.pk)


def adopt_url(client: Client, c: Cast) -> str:
    adopt_target(c.org)
    make_goal(c.org, c.school, "Åsen arbetar digitalt")
    round_ = closed_round(c.org, c.school, [c.rektor, c.teacher, c.admin], level=1)
    with scope(c.org):
        first = Statement.objects.filter(model_id=round_.model_id, key="L1").get()
    return _url("adopt", round_.pk, first.pk)


def remove_url(client: Client, c: Cast) -> str:
    round_ = make_round(c.org, c.school, [c.rektor, c.teacher])
    return _url("remove_participant", round_.pk, participant(round_, c.teacher).pk)


def adopt_data(c: Cast) -> dict[str, Any]:
    from malbild.goals.models import Goal

    with scope(c.org):
        goal = Goal.objects.get(title="Åsen arbetar digitalt")
    today = timezone.localdate()
    return {
        "goal": goal.pk,
        "title": "Skriv en plan för det digitala arbetet",
        "description": "",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=90)).isoformat(),
    }


def start_data(c: Cast) -> dict[str, Any]:
    return {"title": "Självskattning VT", "mode": "individual",
            "participants": [c.rektor.pk, c.teacher.pk]}  # fmt: skip


def answer_data(c: Cast, area: str | None = None) -> dict[str, Any]:
    """An answer to the first statement (of `area`, the page the answer is posted from)."""
    with scope(c.org):
        statements = Statement.objects.order_by("model", "key")
        first = (statements.filter(area__key=area) if area else statements).first()
    assert first is not None
    return {f"s{first.pk}-level": "3", f"s{first.pk}-comment": "Vi har börjat."}


def start_url(unit: str) -> PathFn:
    return lambda client, c: _url("start", query=f"?enhet={getattr(c, unit).pk}")


CASES: dict[str, list[Case]] = {
    "assessments:list": [Case("get", page("list"), LOGIN, 404, None, ("teacher", 200))],
    "assessments:start": [
        Case("get", start_url("school"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", start_url("school"), LOGIN, 404, ("teacher", 403), ("rektor", 302),
             start_data),
        # A rektor starts no round for another school; an admin starts them anywhere.
        Case("post", start_url("other_school"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             lambda c: {**start_data(c), "participants": [c.admin.pk]}),
    ],
    "assessments:municipality": [
        Case("get", page("municipality"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
    ],
    "assessments:export": [
        Case("get", page("export"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
    ],
    "assessments:detail": [
        Case("get", open_round("detail"), LOGIN, 404, ("elected", 404), ("teacher", 200)),
    ],
    "assessments:answer": [
        Case("get", open_round("answer"), LOGIN, 404, ("reader", 404), ("teacher", 200)),
        Case("post", open_round("answer", "?omrade=L"), LOGIN, 404, ("elected", 404),
             ("teacher", 302), lambda c: answer_data(c, "L")),
    ],
    "assessments:answer_statement": [
        Case("post", statement_url, LOGIN, 404, ("reader", 404), ("teacher", 302),
             answer_data),
    ],
    "assessments:close": [
        Case("post", complete_round("close"), LOGIN, 404, ("teacher", 403), ("rektor", 302)),
    ],
    "assessments:remove_participant": [
        Case("post", remove_url, LOGIN, 404, ("teacher", 403), ("rektor", 302)),
    ],
    "assessments:share": [
        Case("post", done_round("share"), LOGIN, 404, ("teacher", 403), ("rektor", 302),
             lambda c: {"public": "1"}),
    ],
    "assessments:summary": [
        Case("get", done_round("summary"), LOGIN, 404, ("elected", 404), ("teacher", 200)),
    ],
    "assessments:suggestions": [
        Case("get", done_round("suggestions"), LOGIN, 404, ("reader", 404), ("teacher", 200)),
    ],
    "assessments:adopt": [
        Case("get", adopt_url, LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", adopt_url, LOGIN, 404, ("teacher", 403), ("rektor", 302), adopt_data),
    ],
    "assessments_shared:national": [
        Case("get", lambda cl, c: reverse("assessments_shared:national"), LOGIN, 200, None,
             ("teacher", 200)),
    ],
}  # fmt: skip
