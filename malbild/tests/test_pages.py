"""Site-wide pages: security headers, health, error pages and the accessibility statement."""

import pytest
from django.db import connection
from django.urls import reverse


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/tillganglighet/", "/konto/logga-in/", "/finns-inte/"])
def test_every_response_carries_the_security_headers(client, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_gone(client, monkeypatch):
    def broken(*args, **kwargs):
        raise connection.OperationalError("gone")  # type: ignore[attr-defined]

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.mark.django_db
def test_a_missing_page_answers_404_in_swedish(client):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Sidan finns inte" in html
    assert html.count("<h1") == 1


def test_the_500_page_renders_without_a_request():
    from malbild.views import server_error

    response = server_error(None)  # type: ignore[arg-type]
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


@pytest.mark.django_db
def test_the_accessibility_statement_follows_diggs_model(client):
    html = client.get(reverse("accessibility")).content.decode()
    for part in [
        "Tillgänglighetsredogörelse för Målbild",
        "Innehåll som inte är tillgängligt",
        "Rapportera brister",
        "Tillsyn",
        "digg.se",
    ]:
        assert part in html


@pytest.mark.django_db
def test_every_page_links_the_accessibility_statement(client):
    for url in ["/", reverse("accounts:login")]:
        assert reverse("accessibility") in client.get(url).content.decode()


@pytest.mark.django_db
def test_an_anonymous_start_page_reads_once_and_writes_nothing(client):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert len(queries) == 1
    assert queries[0]["sql"].lstrip().upper().startswith("SELECT")
