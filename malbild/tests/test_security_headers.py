"""The security headers on every response. Every answer of the permission matrix is checked
there (malbild/tests/test_permission_matrix.py: each named route, asked by each role, over HTTPS
with production mode's HSTS settings); here, refusals and redirects outside it, and plain
HTTP."""

import pytest

from conftest import Cast
from malbild.tests.security import assert_security_headers
from malbild.tests.test_permission_matrix import MATRIX, named_routes


def test_the_walk_covers_every_named_route():
    assert set(MATRIX) == named_routes()


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
