"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

The world: an open survey of Åsens skola (the rektor's and the teacher's school), one of Berga
skola (not theirs: 403 for what needs running it), and a closed survey of Åsens skola with
results and an open answer. The pupils' pages answer everyone alike and show nobody's data.
"""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.surveys.models import Response, Survey
from malbild.surveys.tests.builders import add_answers, agreeing, closed_survey, make_survey
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]
ASEN, BERGA, DONE = "5B", "Berga 6A", "5A förra året"


def world(c: Cast) -> None:
    make_survey(c.org, c.school, group_label=ASEN)
    make_survey(c.org, c.other_school, group_label=BERGA)
    done = closed_survey(c.org, c.school, agreeing(6), group_label=DONE)
    add_answers(done, [{"A1": 3}], text="Det är bra att vi får låna datorer.")


def survey(c: Cast, label: str) -> Survey:
    with scope(c.org):
        return Survey.objects.get(group_label=label)


def page(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return reverse(f"surveys:{name}", args=["mittkoping"])

    return path


def item(name: str, label: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return reverse(f"surveys:{name}", args=["mittkoping", survey(c, label).pk])

    return path


def text_of(label: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        found = survey(c, label)
        with scope(c.org):
            answer = Response.objects.get(survey=found, text_state="unread")
        return reverse("surveys:text_moderate", args=["mittkoping", found.pk, answer.pk])

    return path


def pupil(name: str, label: str | None = None) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        args = [survey(c, label).code] if label else []
        return reverse(f"surveys_pupil:{name}", args=args)

    return path


def public(client: Client, c: Cast) -> str:
    world(c)
    with scope(c.org):
        Survey.objects.filter(group_label=DONE).update(results_public=True)
    return reverse("surveys_public:results", args=["mittkoping"])


def new_survey(c: Cast) -> dict[str, Any]:
    return {
        "unit": c.school.pk,
        "group_label": "4A",
        "age_group": "4-6",
        "statement_keys": ["A1", "K1"],
        "ask_free_text": "on",
        "closes_on": "2099-01-01",
    }


def new_survey_soon(c: Cast) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    return {**new_survey(c), "closes_on": (timezone.localdate() + timedelta(days=7)).isoformat()}


CASES: dict[str, list[Case]] = {
    "surveys:list": [Case("get", page("list"), LOGIN, 404, None, ("reader", 200))],
    "surveys:overview": [Case("get", page("overview"), LOGIN, 404, None, ("elected", 200))],
    "surveys:create": [
        Case("get", page("create"), LOGIN, 404, ("reader", 403), ("teacher", 200)),
        Case("post", page("create"), LOGIN, 404, ("elected", 403), ("teacher", 302),
             new_survey_soon),
    ],
    "surveys:links": [
        Case("get", page("links"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
        Case("post", page("links"), LOGIN, 404, ("teacher", 403), ("admin", 302),
             lambda c: {"statement_key": "A1", "indicator": ""}),
    ],
    "surveys:detail": [
        Case("get", item("detail", ASEN), LOGIN, 404, None, ("reader", 200)),
        Case("get", item("detail", DONE), LOGIN, 404, None, ("elected", 200)),
    ],
    "surveys:poster": [
        Case("get", item("poster", ASEN), LOGIN, 404, ("reader", 403), ("teacher", 200)),
        Case("get", item("poster", BERGA), LOGIN, 404, ("teacher", 403), ("admin", 200)),
    ],
    "surveys:close": [
        Case("post", item("close", ASEN), LOGIN, 404, ("elected", 403), ("teacher", 302)),
        Case("post", item("close", BERGA), LOGIN, 404, ("rektor", 403), ("admin", 302)),
    ],
    "surveys:publish": [
        Case("post", item("publish", DONE), LOGIN, 404, ("reader", 403), ("teacher", 302),
             lambda c: {"public": "1"}),
    ],
    "surveys:texts": [
        Case("get", item("texts", DONE), LOGIN, 404, ("elected", 403), ("rektor", 200)),
    ],
    "surveys:text_moderate": [
        Case("post", text_of(DONE), LOGIN, 404, ("reader", 403), ("teacher", 302),
             lambda c: {"action": "read"}),
    ],
    "surveys_public:results": [Case("get", public, 200, 200, None, (None, 200))],
    # The pupils' pages: the same for everyone, signed in or not, whatever their organisation.
    "surveys_pupil:start": [Case("get", pupil("start"), 200, 200, None, ("teacher", 200))],
    "surveys_pupil:thanks": [Case("get", pupil("thanks"), 200, 200, None, ("admin", 200))],
    "surveys_pupil:answer": [
        Case("get", pupil("answer", ASEN), 200, 200, None, ("teacher", 200)),
        Case("post", pupil("answer", ASEN), 302, 302, None, (None, 302),
             lambda c: {"p_A1": "4"}),
    ],
}  # fmt: skip
