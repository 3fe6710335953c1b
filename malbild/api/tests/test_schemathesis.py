"""Schemathesis reads the API's own OpenAPI document, generates requests for every operation
(in-process, through the WSGI application, with a fixed seed) and checks that no answer is a
server error and every answer's status, content type and body are the documented ones: once
without a key (every operation answers 401) and once with a write key on an organisation with
something in every list."""

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from malbild.api.models import ApiToken
from malbild.api.tests.builders import key, world

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 8  # per operation and generation mode: the whole run takes seconds


def run(headers: dict[str, str]) -> int:
    """Every operation in both generation modes; returns how many requests were checked."""
    from malbild.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    calls = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(
                generation_mode=mode, headers=headers, path_parameters={"org": "mittkoping"}
            )

            @given(case=strategy)
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,
                database=None,
                deadline=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            def check(case: Any) -> None:
                nonlocal calls
                case.call_and_validate(checks=CHECKS, headers=headers)
                calls += 1

            try:
                check()
            except Unsatisfiable:
                # Nothing can be wrong with a request whose only parameter is the fixed
                # organisation (the platform, the målbild): no negative case exists.
                assert mode == GenerationMode.NEGATIVE
    return calls


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler would otherwise close the test's own
    database connection after each request (on PostgreSQL), and with it the test's data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT = 100_000
    settings.API_ANONYMOUS_RATE_LIMIT = 100_000


def test_schemathesis_finds_nothing_without_a_key(cast):
    assert run({}) > 100


def test_schemathesis_finds_nothing_with_a_write_key(cast):
    world(cast)
    secret = key(cast, "admin", ApiToken.Scope.WRITE)
    assert run({"Authorization": f"Bearer {secret}"}) > 100
