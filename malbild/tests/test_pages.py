"""Site-wide pages: security headers, health, error pages and the accessibility statement."""

import pytest
from django.db import OperationalError, connection
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
        raise OperationalError("gone")

    monkeypatch.setattr(connection, "cursor", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert response["Retry-After"] == "10"


@pytest.mark.django_db
def test_healthz_says_tasks_are_late_when_no_worker_takes_them(client, settings):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "tasks": "ok"}
    from malbild.server.tasks import sweep_interrupted_work

    result = sweep_interrupted_work.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=timezone.now() - timedelta(minutes=6)
    )
    response = client.get("/healthz")
    assert response.status_code == 200  # a late worker is no reason to stop serving pages
    assert response.json() == {"status": "ok", "database": "ok", "tasks": "late"}


@pytest.fixture
def database_down(client, monkeypatch):
    """Every query fails as it does while PostgreSQL restarts; the client gets Django's answer
    instead of the exception."""

    def broken(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(connection, "cursor", broken)
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
def test_pages_answer_503_in_swedish_while_the_database_is_unreachable(database_down):
    login = {"username": "rektor@mittkoping.test", "password": "x"}
    for response in [
        database_down.get("/"),
        database_down.get("/offentlig/mittkoping/"),
        database_down.post("/konto/logga-in/", login),
    ]:
        assert response.status_code == 503, response.request
        assert response["Retry-After"] == "10"
        html = response.content.decode()
        assert "Målbild är strax tillbaka" in html
        assert html.count("<h1") == 1


@pytest.mark.django_db
def test_an_outage_is_logged_once_not_once_per_request(database_down, caplog, monkeypatch):
    from malbild import views

    monkeypatch.setattr(views, "_outage", views._Outage())
    with caplog.at_level("INFO"):
        for _ in range(5):
            assert database_down.get("/").status_code == 503
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert "database is unreachable" in errors[0].getMessage()


@pytest.mark.django_db
def test_an_error_that_is_not_the_database_still_answers_500(client, monkeypatch):
    from malbild import views

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(views, "render", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert "Något gick fel" in response.content.decode()


@pytest.mark.django_db
def test_a_missing_page_answers_404_in_swedish(client):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Sidan finns inte" in html
    assert html.count("<h1") == 1


def test_the_500_page_renders_without_a_request():
    from django.utils import translation

    from malbild.views import server_error

    with translation.override("sv"):  # as LocaleMiddleware leaves it for a Swedish visitor
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
