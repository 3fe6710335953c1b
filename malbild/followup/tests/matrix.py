"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

Each path builds the same small world: an adopted målbild with one investment, a förvaltning
goal broken down by Åsens skola and Berga skola (all active), and an open period. The rektor
leads Åsens skola: Åsen's report is theirs to write, Berga's is not (403). A draft report is
read only inside the unit's subtree and by admins, so an elected member gets 404 for it.
"""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.followup.models import Period, Report
from malbild.followup.tests.builders import (
    closed_period,
    investment,
    make_period,
    make_report,
    world,
)
from malbild.goals.models import Goal
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]


def _url(name: str, *args: Any) -> str:
    return reverse(f"followup:{name}", args=["mittkoping", *args])


def _setup(c: Cast) -> tuple[Period, dict[str, Goal]]:
    goals = world(c)
    return make_period(c.org), goals


def page(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        _setup(c)
        return _url(name)

    return path


def period_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        period, _goals = _setup(c)
        return _url(name, period.pk)

    return path


def unit_url(client: Client, c: Cast) -> str:
    period, _goals = _setup(c)
    return _url("unit_reports", period.pk, c.school.pk)


def remind_url(client: Client, c: Cast) -> str:
    world(c)  # after the deadline, Åsens skola's goal has no report: late
    return _url("remind", closed_period(c.org).pk, c.school.pk)


def report_form_url(goal: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        period, goals = _setup(c)
        return _url("report_form", period.pk, goals[goal].pk)

    return path


def investment_url(client: Client, c: Cast) -> str:
    period, _goals = _setup(c)
    return _url("investment_form", period.pk, investment(c.org).pk)


def report_url(name: str, state: str = Report.State.DRAFT) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        period, goals = _setup(c)
        return _url(name, make_report(period, goals["asen"], state).pk)

    return path


def period_data(c: Cast) -> dict[str, Any]:
    return {
        "name": "Delår 2",
        "starts_on": "2026-05-01",
        "ends_on": "2026-08-31",
        "deadline": "2026-09-15",
    }


def report_data(c: Cast) -> dict[str, Any]:
    return {
        "light": "at_risk",
        "analysis": "Verktygen används, men inte varje vecka.",
        "decision": "adjust",
        "reasoning": "Vi behöver mer gemensam planering.",
        "revised_plan": "Arbetslagen planerar en digital lektion i veckan tillsammans.",
    }


def investment_data(c: Cast) -> dict[str, Any]:
    return {"spent": "350 000", "achieved": "Alla lärare har börjat.", "gains": "partly"}


def period_of(c: Cast) -> Period:
    with scope(c.org):
        return Period.objects.get()


CASES: dict[str, list[Case]] = {
    "followup:periods": [
        Case("get", page("periods"), LOGIN, 404, None, ("reader", 200)),
    ],
    "followup:export": [
        Case("get", page("export"), LOGIN, 404, None, ("teacher", 200)),
    ],
    "followup:period_create": [
        Case("get", page("period_create"), LOGIN, 404, ("rektor", 403), ("admin", 200)),
        Case("post", page("period_create"), LOGIN, 404, ("elected", 403), ("admin", 302),
             period_data),
    ],
    "followup:period_edit": [
        Case("get", period_url("period_edit"), LOGIN, 404, ("teacher", 403), ("admin", 200)),
        Case("post", period_url("period_edit"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             period_data),
    ],
    "followup:period_detail": [
        Case("get", period_url("period_detail"), LOGIN, 404, None, ("reader", 200)),
    ],
    "followup:overview": [
        Case("get", period_url("overview"), LOGIN, 404, None, ("elected", 200)),
    ],
    "followup:unit_reports": [
        Case("get", unit_url, LOGIN, 404, None, ("teacher", 200)),
    ],
    "followup:remind": [
        Case("post", remind_url, LOGIN, 404, ("rektor", 403), ("admin", 302)),
    ],
    "followup:report_form": [
        Case("get", report_form_url("asen"), LOGIN, 404, ("teacher", 403), ("rektor", 200)),
        Case("post", report_form_url("asen"), LOGIN, 404, ("elected", 403), ("rektor", 302),
             report_data),
        # A rektor reports for their own school only; an admin for any unit.
        Case("post", report_form_url("berga"), LOGIN, 404, ("rektor", 403), ("admin", 302),
             report_data),
    ],
    "followup:report_detail": [
        # A draft: read inside the unit's subtree and by admins, 404 for everyone else.
        Case("get", report_url("report_detail"), LOGIN, 404, ("elected", 404),
             ("teacher", 200)),
        Case("get", report_url("report_detail", Report.State.READY), LOGIN, 404, None,
             ("reader", 200)),
    ],
    "followup:report_ready": [
        Case("post", report_url("report_ready"), LOGIN, 404, ("teacher", 403), ("rektor", 302)),
    ],
    "followup:report_approve": [
        Case("post", report_url("report_approve", Report.State.READY), LOGIN, 404,
             ("rektor", 403), ("admin", 302)),
    ],
    "followup:report_send_back": [
        Case("post", report_url("report_send_back", Report.State.READY), LOGIN, 404,
             ("teacher", 403), ("admin", 302), lambda c: {"body": "Skriv mer om eleverna."}),
    ],
    "followup:report_comment": [
        Case("post", report_url("report_comment"), LOGIN, 404, ("elected", 404),
             ("teacher", 302), lambda c: {"body": "Bra analys!"}),
    ],
    "followup:investment_form": [
        Case("get", investment_url, LOGIN, 404, ("rektor", 403), ("admin", 200)),
        Case("post", investment_url, LOGIN, 404, ("teacher", 403), ("admin", 302),
             investment_data),
    ],
}  # fmt: skip
