"""The profile page's API key routes in the permission matrix (see malbild/tests/matrix.py).
The API's own routes take bearer keys, not sessions: their matrix is test_matrix.py here."""

from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.api import tokens
from malbild.tests.matrix import LOGIN, Case


def revoke_url(client: Client, c: Cast) -> str:
    token, _key = tokens.create(c.teacher, c.org, "Matrisnyckel", "read", None)
    return reverse("api_tokens:revoke", args=[token.pk])


CASES: dict[str, list[Case]] = {
    "api_tokens:create": [
        Case("get", lambda cl, c: reverse("api_tokens:create"), LOGIN, 200, None,
             ("teacher", 200)),
        Case("post", lambda cl, c: reverse("api_tokens:create"), LOGIN, 400, None,
             ("teacher", 200),
             lambda c: {"name": "Elevregistret", "organisation": c.org.pk, "scope": "read"}),
    ],
    "api_tokens:revoke": [
        Case("post", revoke_url, LOGIN, 404, None, ("teacher", 302)),
    ],
}  # fmt: skip
