"""This app's routes in the permission matrix (see malbild/tests/matrix.py)."""

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Cast
from malbild.platforms.models import PlatformVersion, Value
from malbild.platforms.tests import builders
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case, org_url


def _url(name: str, *args: Any) -> str:
    return reverse(f"platform:{name}", args=["mittkoping", *args])


def version_url(client: Client, c: Cast) -> str:
    return _url("version", builders.in_force(c.org).number)


def value_url(client: Client, c: Cast) -> str:
    builders.in_force(c.org)
    with scope(c.org):
        return _url("value", Value.objects.get(key="tillit").pk)


def draft_url(client: Client, c: Cast) -> str:
    builders.draft(c.org)
    return _url("draft")


def adopt_url(client: Client, c: Cast) -> str:
    builders.draft(c.org)
    return _url("adopt")


def minutes_url(client: Client, c: Cast) -> str:
    return _url("decision_minutes", builders.decision_with_minutes(c.org).pk)


def _open_draft(c: Cast) -> PlatformVersion:
    with scope(c.org):
        return PlatformVersion.objects.get(status=PlatformVersion.Status.DRAFT)


def draft_data(c: Cast) -> dict[str, Any]:
    draft = _open_draft(c)
    return {
        "vision": "Alla elever lyckas, varje dag.",
        "mission": draft.mission,
        "number": draft.number,
        "lock_version": draft.lock_version,
        "values-TOTAL_FORMS": "1",
        "values-INITIAL_FORMS": "0",
        "values-0-name": "Tillit",
        "values-0-description": "Vi litar på varandra.",
    }


def adopt_data(c: Cast) -> dict[str, Any]:
    return {
        "body": "Kommunfullmäktige",
        "decided_on": timezone.localdate().isoformat(),
        "reference": "§ 7",
        "lock_version": _open_draft(c).lock_version,
    }


CASES: dict[str, list[Case]] = {
    "platform:detail": [
        Case("get", org_url("platform:detail"), LOGIN, 404, None, ("reader", 200)),
    ],
    "platform:version": [
        Case("get", version_url, LOGIN, 404, None, ("reader", 200)),
    ],
    "platform:value": [
        Case("get", value_url, LOGIN, 404, None, ("reader", 200)),
    ],
    "platform:decision_minutes": [
        Case("get", minutes_url, LOGIN, 404, None, ("reader", 200)),
    ],
    "platform:draft_start": [
        Case("post", org_url("platform:draft_start"), LOGIN, 404, ("elected", 403),
             ("admin", 302)),
    ],
    "platform:draft": [
        Case("get", draft_url, LOGIN, 404, ("teacher", 403), ("admin", 200)),
        Case("post", draft_url, LOGIN, 404, ("elected", 403), ("admin", 302), draft_data),
    ],
    "platform:adopt": [
        Case("get", adopt_url, LOGIN, 404, ("rektor", 403), ("admin", 200)),
        Case("post", adopt_url, LOGIN, 404, ("elected", 403), ("admin", 302), adopt_data),
    ],
}  # fmt: skip
