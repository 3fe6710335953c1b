"""This app's routes in the permission matrix (see malbild/tests/matrix.py).

The world: one piece of feedback from the public, waiting for moderation (administrators only).
"""

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import Cast
from malbild.feedback.models import Feedback
from malbild.feedback.tests.builders import make_feedback
from malbild.lib.tests.spam import started_earlier
from malbild.tenants.scope import scope
from malbild.tests.matrix import LOGIN, Case

PathFn = Callable[[Client, Cast], str]
FEEDBACK = "Varför har inte fritids tillgång till lärplattorna?"


def world(c: Cast) -> None:
    make_feedback(c.org, FEEDBACK)


def feedback_page(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        return reverse(name, args=["mittkoping"])

    return path


def feedback_url(name: str) -> PathFn:
    def path(client: Client, c: Cast) -> str:
        world(c)
        with scope(c.org):
            found = Feedback.objects.get(message=FEEDBACK)
        return reverse(name, args=["mittkoping", found.pk])

    return path


def feedback_data(c: Cast) -> dict[str, Any]:
    return {
        "message": "Skönt att skolan har tydliga regler för mobiler.",
        "unit": "",
        "contact_email": "",
        "website": "",
        "started": started_earlier(),
    }


CASES: dict[str, list[Case]] = {
    "feedback:feedback_queue": [
        Case("get", feedback_page("feedback:feedback_queue"), LOGIN, 404, ("rektor", 403),
             ("admin", 200)),
    ],
    "feedback:feedback_detail": [
        Case("get", feedback_url("feedback:feedback_detail"), LOGIN, 404, ("rektor", 403),
             ("admin", 200)),
    ],
    "feedback:feedback_answer": [
        Case("post", feedback_url("feedback:feedback_answer"), LOGIN, 404, ("rektor", 403),
             ("admin", 302), lambda c: {"answer": "Tack, vi ser över det."}),
    ],
    "feedback:feedback_reject": [
        Case("post", feedback_url("feedback:feedback_reject"), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "feedback:feedback_signal": [
        Case("post", feedback_url("feedback:feedback_signal"), LOGIN, 404, ("rektor", 403),
             ("admin", 302)),
    ],
    "feedback_public:feedback": [
        Case("get", feedback_page("feedback_public:feedback"), 200, 200, None, (None, 200)),
    ],
    "feedback_public:feedback_form": [
        Case("get", feedback_page("feedback_public:feedback_form"), 200, 200, None, (None, 200)),
        Case("post", feedback_page("feedback_public:feedback_form"), 302, 302, None, (None, 302),
             feedback_data),
    ],
}  # fmt: skip
