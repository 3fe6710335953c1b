"""The API's routes and what each answers (DESIGN.md §4), like the permission matrix
(malbild/tests/test_permission_matrix.py) but with bearer keys instead of sessions: no key 401,
a key of another organisation 404, a read-only key on a write 403, too weak a role 403, the
right role 200, and every write audited.

A route missing here fails `test_every_api_route_is_in_the_matrix`."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from conftest import Cast, audit_events
from malbild.api.models import ApiToken
from malbild.api.tests.builders import BASE, call, key, world
from malbild.tests.test_permission_matrix import named_routes

pytestmark = pytest.mark.django_db


@dataclass
class ApiCase:
    method: str
    path: Callable[[dict[str, Any]], str]
    weak: str | None  # a role that may read but not do this (writes only)
    right: str  # the cast member whose key gets 200
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def writes(self) -> bool:
        return self.method != "get"


def read(name: str) -> ApiCase:
    return ApiCase("get", lambda w: f"{BASE}/{name}", None, "reader")


ROWS = {"measurements": [{"indicator": "DIGKOMP", "unit": "ASEN", "period": "2025", "value": 70}]}

API_MATRIX: dict[str, ApiCase] = {
    "api:units": read("units"),
    "api:platform": read("platform"),
    "api:target_vision": read("target-vision"),
    "api:goals": read("goals"),
    "api:indicators": read("indicators"),
    "api:measurements": read("measurements"),
    "api:activities": read("activities"),
    "api:reports": read("reports"),
    "api:announcements": read("announcements"),
    "api:write_measurements": ApiCase(
        "post", lambda w: f"{BASE}/measurements", "teacher", "rektor", ROWS
    ),
    "api:activity_status": ApiCase(
        "patch",
        lambda w: f"{BASE}/activities/{w['activity'].pk}/status",
        "reader",
        "teacher",
        {"status": "in_progress", "progress": 20},
    ),
}
# Not operations: the OpenAPI document (public, tested in test_api.py) and ninja's root, which
# only lets Django reverse the API's address and answers 404.
NOT_OPERATIONS = {"api:openapi-json", "api:api-root"}


def test_every_api_route_is_in_the_matrix():
    from django.urls import URLPattern, URLResolver, get_resolver

    api_names = set()
    for resolver in get_resolver().url_patterns:
        if isinstance(resolver, URLResolver) and resolver.namespace == "api":
            api_names |= {
                f"api:{p.name}" for p in resolver.url_patterns if isinstance(p, URLPattern)
            }
    assert api_names == set(API_MATRIX) | NOT_OPERATIONS
    assert not any(name.startswith("api:") for name in named_routes())


def test_the_root_of_the_api_answers_404(client):
    assert client.get("/api/v1/").status_code == 404


def send(client: Client, case: ApiCase, data: dict[str, Any], secret: str | None) -> Any:
    extra = case.data if case.writes else {}
    return call(client, case.method, case.path(data), secret, **extra)


def cases(applies: Callable[[ApiCase], bool] = lambda c: True) -> list[Any]:
    return [pytest.param(c, id=name) for name, c in API_MATRIX.items() if applies(c)]


@pytest.mark.parametrize("case", cases())
def test_without_a_key(client, cast: Cast, case: ApiCase):
    assert send(client, case, world(cast), None).status_code == 401


@pytest.mark.parametrize("case", cases())
def test_another_organisations_key(client, cast: Cast, case: ApiCase):
    secret = key(cast, "ekby_admin", ApiToken.Scope.WRITE, org=cast.ekby)
    assert send(client, case, world(cast), secret).status_code == 404


@pytest.mark.parametrize("case", cases(lambda c: c.writes))
def test_a_read_only_key_on_a_write(client, cast: Cast, case: ApiCase):
    data = world(cast)
    before = len(audit_events())
    assert send(client, case, data, key(cast, case.right)).status_code == 403
    assert len(audit_events()) == before + 1  # only the key's creation


@pytest.mark.parametrize("case", cases(lambda c: c.weak is not None))
def test_too_weak_a_role(client, cast: Cast, case: ApiCase):
    assert case.weak is not None
    secret = key(cast, case.weak, ApiToken.Scope.WRITE)
    assert send(client, case, world(cast), secret).status_code == 403


@pytest.mark.parametrize("case", cases())
def test_the_right_role(client, cast: Cast, case: ApiCase):
    data = world(cast)
    secret = key(cast, case.right, ApiToken.Scope.WRITE if case.writes else ApiToken.Scope.READ)
    before = len(audit_events())
    response = send(client, case, data, secret)
    assert response.status_code == 200, response.content
    if case.writes:
        assert len(audit_events()) > before, "a write through the API without an audit event"
