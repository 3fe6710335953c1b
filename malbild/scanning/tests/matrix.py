"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

Each path builds a small world: the goals' world (an adopted målbild, goals of the förvaltning,
Åsens skola and Berga skola), a signal added by the teacher of Åsens skola, a feed source and a
candidate. The teacher may change their own signal; the rektor may not (403), the admin may.
"""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.goals.models import Evidence
from malbild.goals.tests.matrix import ASEN, goal
from malbild.goals.tests.matrix import world as goals_world
from malbild.scanning.models import FeedItem, FeedSource, Signal, SignalLink
from malbild.scanning.tests.builders import make_item, make_signal, make_source
from malbild.targets.models import TargetVision
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]
TITLE = "Skolverket föreslår nya kursplaner i teknik"
SOURCE_URL = "https://nyheter.invalid/rss.xml"  # .invalid never resolves: no network in tests


def world(c: Cast) -> Signal:
    goals_world(c)
    source = make_source(c.org, SOURCE_URL, "Skolnytt")
    make_item(source)
    return make_signal(c.org, TITLE, by=c.teacher, areas=("Kompetens",))


def _url(name: str, *args: Any, query: str = "") -> str:
    return reverse(f"scanning:{name}", args=["mittkoping", *args]) + query


def page(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return _url(name)

    return path


def signal_url(name: str, query: str = "") -> PathFn:
    def path(client: Client, c: Cast) -> str:
        return _url(name, world(c).pk, query=query)

    return path


def item_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        with scope(c.org):
            return _url(name, FeedItem.objects.get().pk)

    return path


def source_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        with scope(c.org):
            return _url(name, FeedSource.objects.get().pk)

    return path


def unlink_url(client: Client, c: Cast) -> str:
    signal = world(c)
    with scope(c.org):
        version = TargetVision.objects.get(status=TargetVision.Status.ADOPTED)
        link = SignalLink.objects.create(
            organisation=c.org, signal=signal, kind=SignalLink.Kind.TARGET_VISION,
            target_vision=version,
        )  # fmt: skip
    return _url("unlink", signal.pk, link.pk)


def unlink_goal_url(client: Client, c: Cast) -> str:
    signal = world(c)
    with scope(c.org):
        evidence = Evidence.objects.create(
            organisation=c.org, goal=goal(c, ASEN), kind=Evidence.Kind.SIGNAL,
            title=signal.title, signal=signal,
        )  # fmt: skip
    return _url("unlink_goal", signal.pk, evidence.pk)


def signal_data(c: Cast) -> dict[str, Any]:
    return {
        "title": "Elevers skärmtid debatteras",
        "url": "https://www.example.org/skarmtid",
        "summary": "Riksdagen diskuterar **skärmtid**.",
        "kind": "news",
        "horizon": "now",
    }


def link_goal(c: Cast) -> dict[str, Any]:
    return {"goal": goal(c, ASEN).pk}


CASES: dict[str, list[Case]] = {
    "scanning:list": [Case("get", page("list"), LOGIN, 404, None, ("reader", 200))],
    "scanning:radar": [Case("get", page("radar"), LOGIN, 404, None, ("reader", 200))],
    "scanning:create": [
        Case("get", page("create"), LOGIN, 404, ("reader", 403), ("teacher", 200)),
        Case("post", page("create"), LOGIN, 404, ("reader", 403), ("elected", 302), signal_data),
    ],
    "scanning:detail": [Case("get", signal_url("detail"), LOGIN, 404, None, ("reader", 200))],
    "scanning:edit": [
        Case("get", signal_url("edit"), LOGIN, 404, ("rektor", 403), ("teacher", 200)),
        Case("post", signal_url("edit"), LOGIN, 404, ("elected", 403), ("admin", 302),
             signal_data),
    ],
    "scanning:comment": [
        Case("post", signal_url("comment"), LOGIN, 404, ("reader", 403), ("elected", 302),
             lambda c: {"body": "Vad betyder det här för oss, @Rut Rektor?"}),
    ],
    "scanning:rate": [
        Case("post", signal_url("rate"), LOGIN, 404, ("reader", 403), ("rektor", 302),
             lambda c: {"relevance": "5", "impact": "4"}),
    ],
    "scanning:state": [
        Case("post", signal_url("state"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             lambda c: {"state": "archived"}),
    ],
    "scanning:link": [
        Case("get", signal_url("link", "?typ=mal"), LOGIN, 404, ("teacher", 403),
             ("rektor", 200)),
        Case("post", signal_url("link", "?typ=mal"), LOGIN, 404, ("teacher", 403),
             ("rektor", 302), link_goal),
        # A rektor cites no signal in another school's goal; an admin anywhere.
        Case("post", signal_url("link", "?typ=mal"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             lambda c: {"goal": goal(c, "Berga skolas elever programmerar").pk}),
        Case("post", signal_url("link", "?typ=malbild"), LOGIN, 404, ("rektor", 403),
             ("admin", 302),
             lambda c: {"target_vision": _adopted(c)}),
    ],
    "scanning:unlink": [
        Case("post", unlink_url, LOGIN, 404, ("rektor", 403), ("admin", 302)),
    ],
    "scanning:unlink_goal": [
        Case("post", unlink_goal_url, LOGIN, 404, ("teacher", 403), ("rektor", 302)),
    ],
    "scanning:candidates": [Case("get", page("candidates"), LOGIN, 404, None, ("reader", 200))],
    "scanning:candidate_take": [
        Case("get", item_url("candidate_take"), LOGIN, 404, ("reader", 403), ("teacher", 200)),
        Case("post", item_url("candidate_take"), LOGIN, 404, ("reader", 403), ("teacher", 302),
             signal_data),
    ],
    "scanning:candidate_dismiss": [
        Case("post", item_url("candidate_dismiss"), LOGIN, 404, ("reader", 403),
             ("teacher", 302)),
    ],
    "scanning:sources": [Case("get", page("sources"), LOGIN, 404, None, ("reader", 200))],
    "scanning:source_create": [
        Case("get", page("source_create"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
        Case("post", page("source_create"), LOGIN, 404, ("elected", 403), ("admin", 302),
             lambda c: {"name": "Forskning", "url": "https://forskning.invalid/atom.xml"}),
    ],
    "scanning:source_fetch": [
        Case("post", source_url("source_fetch"), LOGIN, 404, ("rektor", 403), ("admin", 302)),
    ],
    "scanning:source_pause": [
        Case("post", source_url("source_pause"), LOGIN, 404, ("elected", 403), ("admin", 302)),
    ],
}  # fmt: skip


def _adopted(c: Cast) -> int:
    with scope(c.org):
        return TargetVision.objects.get(status=TargetVision.Status.ADOPTED).pk
