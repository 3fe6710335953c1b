import pytest
from django.urls import reverse

from malbild.platforms.tests import builders
from malbild.platforms.tests.builders import PDF


def url(org, decision):
    return reverse("platform:decision_minutes", args=[org.slug, decision.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["reader", "teacher", "elected", "admin"])
def test_every_member_reads_the_minutes_as_a_pdf(client, cast, who):
    decision = builders.decision_with_minutes(cast.org)
    client.force_login(getattr(cast, who))
    response = client.get(url(cast.org, decision))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="protokoll.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Length"] == str(len(PDF))
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_the_minutes_of_another_organisation_answer_404(client, cast):
    ekby_decision = builders.decision_with_minutes(cast.ekby)
    client.force_login(cast.admin)
    assert client.get(url(cast.org, ekby_decision)).status_code == 404
    decision = builders.decision_with_minutes(cast.org)
    client.force_login(cast.ekby_admin)
    assert client.get(url(cast.org, decision)).status_code == 404
    assert client.get(url(cast.ekby, decision)).status_code == 404


@pytest.mark.django_db
def test_a_decision_without_minutes_answers_404(client, cast):
    version = builders.in_force(cast.org)
    client.force_login(cast.reader)
    assert client.get(url(cast.org, version.decision)).status_code == 404


@pytest.mark.django_db
def test_minutes_whose_file_is_gone_answer_404(client, cast):
    decision = builders.decision_with_minutes(cast.org)
    decision.minutes.storage.delete(decision.minutes.name)
    client.force_login(cast.reader)
    assert client.get(url(cast.org, decision)).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, cast):
    decision = builders.decision_with_minutes(cast.org)
    response = client.get(url(cast.org, decision))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.django_db
def test_the_minutes_link_appears_on_the_decision(client, cast):
    version = builders.in_force(cast.org, minutes=builders.stored_minutes())
    decision = version.decision
    assert decision is not None
    assert decision.minutes
    client.force_login(cast.teacher)
    html = client.get(reverse("platform:detail", args=[cast.org.slug])).content.decode()
    assert url(cast.org, decision) in html


@pytest.mark.django_db
def test_the_pdf_viewer_is_allowed_but_scripts_stay_locked_down(client, cast):
    decision = builders.decision_with_minutes(cast.org)
    client.force_login(cast.reader)
    policy = client.get(url(cast.org, decision))["Content-Security-Policy"]
    assert "object-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
