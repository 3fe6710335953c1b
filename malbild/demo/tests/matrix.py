"""This app's routes in the permission matrix (see malbild/tests/matrix.py)."""

from django.urls import reverse

from malbild.tests.matrix import Case

CASES: dict[str, list[Case]] = {
    # The demo's own feeds answer only when feeds from private addresses are allowed (the demo);
    # tests run without, so nobody finds anything here. Served: test_scanning.py.
    "demo_feed": [
        Case("get", lambda cl, c: reverse("demo_feed", args=["skolnytt"]), 404, 404, None,
             (None, 404)),
    ],
}  # fmt: skip
