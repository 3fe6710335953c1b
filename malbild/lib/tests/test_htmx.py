"""`lib.htmx.asks_for`: only htmx asking for the very element gets the part alone."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django_htmx.middleware import HtmxMiddleware

from malbild.lib.htmx import asks_for


def request(headers: dict[str, str]):
    found = RequestFactory().get("/", headers=headers)
    HtmxMiddleware(lambda r: HttpResponse())(found)
    return found


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, False),  # a page load
        ({"HX-Request": "true"}, False),  # htmx without a target
        ({"HX-Request": "true", "HX-Target": "other-results"}, False),
        ({"HX-Target": "signal-results"}, False),  # a target, but not from htmx
        ({"HX-Request": "true", "HX-Target": "signal-results"}, True),
        (
            {
                "HX-Request": "true",
                "HX-Target": "signal-results",
                "HX-History-Restore-Request": "true",
            },
            False,  # htmx restoring a pushed address wants the whole page
        ),
    ],
)
def test_only_htmx_asking_for_the_element_gets_the_part(headers, expected):
    assert asks_for(request(headers), "signal-results") is expected


def test_a_request_without_the_middleware_gets_the_page():
    assert asks_for(RequestFactory().get("/", headers={"HX-Request": "true"}), "x") is False
