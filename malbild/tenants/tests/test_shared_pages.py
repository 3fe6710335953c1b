"""Every page under `/delat/` follows one rule, `tenants.decorators.shared_view`: anonymous
visitors are sent to log in, and a person with no role in any organisation gets 404, since what
is shared across organisations is shared between their members, not with anyone who has an
account."""

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import make_user

SHARED_PREFIX = "delat/"


def shared_routes() -> list[tuple[str, Any]]:
    """(route, view) of every URL pattern under /delat/."""

    def walk(patterns: list[Any], prefix: str) -> list[tuple[str, Any]]:
        found = []
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                found += walk(p.url_patterns, route)
            elif isinstance(p, URLPattern) and route.startswith(SHARED_PREFIX):
                found.append((route, p.callback))
        return found

    return walk(get_resolver().url_patterns, "")


def test_there_are_shared_pages_to_check():
    routes = [route for route, _view in shared_routes()]
    assert "delat/praxis/" in routes
    assert "delat/sjalvskattning/" in routes


@pytest.mark.parametrize(
    ("route", "view"), [pytest.param(route, view, id=route) for route, view in shared_routes()]
)
def test_every_shared_page_goes_through_shared_view(route, view):
    assert getattr(view, "shared_view", False), f"/{route} is not wrapped in shared_view"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["assessments_shared:national", "practices_shared:library"])
def test_a_person_without_any_role_gets_404(client, name):
    client.force_login(make_user("ingen@roll.test"))
    assert client.get(reverse(name)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["assessments_shared:national", "practices_shared:library"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["assessments_shared:national", "practices_shared:library"])
def test_a_member_of_any_organisation_reads_them(client, cast, name):
    client.force_login(cast.ekby_admin)
    assert client.get(reverse(name)).status_code == 200
