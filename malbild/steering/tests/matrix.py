"""This app's routes in the permission matrix (see malbild/tests/matrix.py)."""

from typing import Any

from conftest import Cast
from malbild.steering.models import SteeringDocument
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case, org_url

DOCUMENT = {
    "title": "Lokal IT-plan",
    "kind": "policy",
    "level": "local",
    "issuer": "Barn- och utbildningsnämnden",
    "url": "https://mittkoping.example/it-plan",
    "summary": "",
}
CHANGE = {
    "kind": "decided",
    "date": "2026-03-01",
    "description": "Nämnden antog planen.",
    "source": "Protokoll BUN 2026-03-01 § 12",
    "source_url": "",
}


def document(c: Cast) -> int:
    with scope(c.org):
        found = SteeringDocument.objects.filter(title="Läroplan för grundskolan").first()
        if found is None:
            found = SteeringDocument.objects.create(
                organisation=c.org,
                title="Läroplan för grundskolan",
                kind="curriculum",
                level="national",
                issuer="Skolverket",
            )
        return found.pk


def edited(c: Cast) -> dict[str, Any]:
    return {**DOCUMENT, "title": "Läroplan för grundskolan (Lgr22)", "kind": "curriculum"}


CASES: dict[str, list[Case]] = {
    "steering:list": [
        Case("get", org_url("steering:list"), LOGIN, 404, None, ("reader", 200)),
    ],
    "steering:detail": [
        Case("get", org_url("steering:detail", document), LOGIN, 404, None, ("teacher", 200)),
    ],
    "steering:create": [
        Case("get", org_url("steering:create"), LOGIN, 404, ("teacher", 403), ("admin", 200)),
        Case("post", org_url("steering:create"), LOGIN, 404, ("elected", 403), ("admin", 302),
             lambda c: DOCUMENT),
    ],
    "steering:edit": [
        Case("get", org_url("steering:edit", document), LOGIN, 404, ("rektor", 403),
             ("admin", 200)),
        Case("post", org_url("steering:edit", document), LOGIN, 404, ("teacher", 403),
             ("admin", 302), edited),
    ],
    "steering:change_create": [
        Case("get", org_url("steering:change_create", document), LOGIN, 404, ("reader", 403),
             ("admin", 200)),
        Case("post", org_url("steering:change_create", document), LOGIN, 404,
             ("elected", 403), ("admin", 302), lambda c: CHANGE),
    ],
}  # fmt: skip
