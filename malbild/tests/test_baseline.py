"""The baseline page that `make bench` measures the dashboard against (DESIGN.md §6)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


@pytest.mark.django_db
def test_the_baseline_page_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("baseline"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_baseline_page_is_base_html_with_one_heading(client, teacher):
    client.force_login(teacher)
    response = client.get(reverse("baseline"))
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == ["pages/baseline.html", "base.html"]
    assert response.content.decode().count("<h1") == 1


@pytest.mark.django_db
def test_the_baseline_page_runs_one_query_of_its_own(client, teacher):
    client.force_login(teacher)
    client.get(reverse("baseline"))  # the first request may warm caches
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("baseline"))
    statements = [q["sql"] for q in queries]
    # The session and the person (the middleware), and the view's one query.
    assert len(statements) == 3
    assert statements[-1] == "SELECT 1"


@pytest.mark.django_db
def test_the_baseline_page_changes_nothing_on_post(client, teacher):
    client.force_login(teacher)
    assert client.post(reverse("baseline")).status_code == 405
