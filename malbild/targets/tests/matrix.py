"""This app's routes in the permission matrix (see malbild/tests/matrix.py)."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from malbild.targets.models import FocusArea, TargetVision
from malbild.targets.tests.builders import make_investment, make_version
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case, org_url

Status = TargetVision.Status
PathFn = Callable[[Client, Cast], str]


def _url(name: str, *args: Any) -> str:
    return reverse(f"targets:{name}", args=["mittkoping", *args])


def version_url(name: str, status: str) -> PathFn:
    """The route `name` for a new version 1 in `status`."""

    def path(client: Client, c: Cast) -> str:
        return _url(name, make_version(c.org, 1, status).number)

    return path


def compare_url(client: Client, c: Cast) -> str:
    first = make_version(c.org, 1, Status.SUPERSEDED)
    second = make_version(c.org, 2, Status.ADOPTED, based_on=first, title="Ny målbild")
    return _url("compare", second.number)


def investment_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        draft = make_version(c.org, 1, Status.DRAFT)
        return _url(name, draft.number, make_investment(draft).pk)

    return path


def adopted_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        make_version(c.org, 1, Status.ADOPTED)
        return _url(name)

    return path


def focus_area_url(client: Client, c: Cast) -> str:
    make_version(c.org, 1, Status.DRAFT)  # creates the four default focus areas
    with scope(c.org):
        return _url("focus_area_edit", FocusArea.objects.get(name="Kompetens").pk)


def in_days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def vision_data(c: Cast) -> dict[str, Any]:
    return {
        "title": "Digitalt lärande 2026–2029",
        "statement": "Alla elever lyckas.",
        "start_year": 2026,
        "end_year": 2029,
        "change_motive": "Omvärlden förändras.",
        "if_nothing_changes": "Vi halkar efter.",
        "lock_version": 0,
    }


def investment_data(c: Cast) -> dict[str, Any]:
    return {
        "title": "Fortbildning i digital didaktik",
        "description": "",
        "amount_per_year": "800 000",
        "start_year": 2025,
        "end_year": 2027,
        "expected_gains": "Bättre undervisning.",
    }


def adopt_data(c: Cast) -> dict[str, Any]:
    return {
        "body": "Barn- och utbildningsnämnden",
        "decided_on": in_days(0),
        "reference": "§ 42",
        "review_date": in_days(365),
    }


CASES: dict[str, list[Case]] = {
    "targets:detail": [
        Case("get", adopted_url("detail"), LOGIN, 404, None, ("reader", 200)),
    ],
    "targets:version": [
        Case("get", version_url("version", Status.PROPOSED), LOGIN, 404, None, ("teacher", 200)),
    ],
    "targets:draft_start": [
        Case("post", org_url("targets:draft_start"), LOGIN, 404, ("elected", 403),
             ("admin", 302)),
    ],
    "targets:edit": [
        Case("get", version_url("edit", Status.DRAFT), LOGIN, 404, ("elected", 403),
             ("admin", 200)),
        Case("post", version_url("edit", Status.DRAFT), LOGIN, 404, ("rektor", 403),
             ("admin", 302), vision_data),
    ],
    "targets:investment_create": [
        Case("get", version_url("investment_create", Status.DRAFT), LOGIN, 404,
             ("teacher", 403), ("admin", 200)),
        Case("post", version_url("investment_create", Status.DRAFT), LOGIN, 404,
             ("elected", 403), ("admin", 302), investment_data),
    ],
    "targets:investment_edit": [
        Case("get", investment_url("investment_edit"), LOGIN, 404, ("reader", 403),
             ("admin", 200)),
        Case("post", investment_url("investment_edit"), LOGIN, 404, ("elected", 403),
             ("admin", 302), investment_data),
    ],
    "targets:investment_delete": [
        Case("post", investment_url("investment_delete"), LOGIN, 404, ("elected", 403),
             ("admin", 302)),
    ],
    "targets:propose": [
        Case("post", version_url("propose", Status.DRAFT), LOGIN, 404, ("elected", 403),
             ("admin", 302)),
    ],
    "targets:withdraw": [
        Case("post", version_url("withdraw", Status.PROPOSED), LOGIN, 404, ("elected", 403),
             ("admin", 302)),
    ],
    "targets:adopt": [
        Case("get", version_url("adopt", Status.PROPOSED), LOGIN, 404, ("teacher", 403),
             ("elected", 200)),
        Case("post", version_url("adopt", Status.PROPOSED), LOGIN, 404, ("rektor", 403),
             ("elected", 302), adopt_data),
        # An admin records the body's decision on its behalf.
        Case("post", version_url("adopt", Status.PROPOSED), LOGIN, 404, ("reader", 403),
             ("admin", 302), adopt_data),
    ],
    "targets:comment": [
        # Every member takes part in the discussion: there is no role too weak.
        Case("post", version_url("comment", Status.PROPOSED), LOGIN, 404, None,
             ("teacher", 302), lambda c: {"body": "Hur når vi förskolorna?"}),
    ],
    "targets:compare": [
        Case("get", compare_url, LOGIN, 404, None, ("reader", 200)),
    ],
    "targets:review": [
        Case("get", adopted_url("review"), LOGIN, 404, ("elected", 403), ("admin", 200)),
        Case("post", adopted_url("review"), LOGIN, 404, ("teacher", 403), ("admin", 302),
             lambda c: {"outcome": "kept", "reasoning": "Den håller.",
                        "next_review_date": in_days(365)}),
    ],
    "targets:focus_areas": [
        Case("get", org_url("targets:focus_areas"), LOGIN, 404, None, ("teacher", 200)),
        Case("post", org_url("targets:focus_areas"), LOGIN, 404, ("elected", 403),
             ("admin", 302), lambda c: {"name": "Samverkan", "description": ""}),
    ],
    "targets:focus_area_edit": [
        Case("get", focus_area_url, LOGIN, 404, ("teacher", 403), ("admin", 200)),
        Case("post", focus_area_url, LOGIN, 404, ("rektor", 403), ("admin", 302),
             lambda c: {"name": "Digital kompetens", "description": "För alla."}),
    ],
}  # fmt: skip
