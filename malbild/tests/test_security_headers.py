"""The security headers on every response: each named route of the permission matrix is asked
once, as the role that may use it, over HTTPS with production mode's HSTS settings."""

import pytest

from conftest import Cast
from malbild.tests.test_permission_matrix import MATRIX, named_routes, params, request

HSTS = "max-age=31536000; includeSubDomains; preload"


@pytest.fixture
def production_https(settings):
    # What production mode sets (malbild/settings.py); the redirect itself is tested there.
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_the_walk_covers_every_named_route():
    assert set(MATRIX) == named_routes()


def assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"] == HSTS


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "case"), params(lambda c: True))
def test_every_route_answers_with_the_security_headers(client, production_https, name, case):
    client.defaults["HTTP_X_FORWARDED_PROTO"] = "https"
    who, status = case.right
    response = request(client, Cast(), who, case)
    assert response.status_code == status
    assert_security_headers(response)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/finns-inte/", "/o/mittkoping/", "/o/ekby/enheter/"])
def test_refusals_and_redirects_carry_them_too(client, production_https, path):
    cast = Cast()
    client.force_login(cast.teacher)
    client.defaults["HTTP_X_FORWARDED_PROTO"] = "https"
    assert_security_headers(client.get(path))


@pytest.mark.django_db
def test_an_anonymous_visitor_sent_to_the_login_page_gets_them(client, production_https):
    Cast()
    response = client.get("/o/mittkoping/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 302
    assert_security_headers(response)


def test_plain_http_gets_no_hsts(client, db, production_https):
    # Browsers ignore HSTS over plain HTTP; Django sends it only over HTTPS, as it should.
    assert "Strict-Transport-Security" not in client.get("/tillganglighet/")
