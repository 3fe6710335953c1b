"""Feedback from the public: the form without an account, spam and flood protection,
moderation, the public answer, and a signal made from it."""

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import audit_events
from malbild.feedback.models import Feedback
from malbild.feedback.tests.builders import make_feedback
from malbild.lib import spam
from malbild.lib.tests.spam import started_earlier
from malbild.scanning.models import Signal
from malbild.tenants.scope import scope

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"feedback:{name}", args=["mittkoping", *args])


def public_url(name, *args):
    return reverse(f"feedback_public:{name}", args=["mittkoping", *args])


def data(**changes):
    fields = {"message": "Mer programmering i mellanstadiet, tack!", "unit": "",
              "contact_email": "", "website": "", "started": started_earlier()}  # fmt: skip
    return {**fields, **changes}


def stored():
    from malbild.tenants.models import Organisation

    with scope(Organisation.objects.get(slug="mittkoping")):
        return list(Feedback.objects.all())


def test_feedback_without_account_waits_for_moderation(client, cast):
    form = client.get(public_url("feedback_form"))
    assert form.status_code == 200
    assert "csrfmiddlewaretoken" in form.content.decode()
    response = client.post(public_url("feedback_form"), data(contact_email="a@b.se"))
    assert response.status_code == 302
    [feedback] = stored()
    assert feedback.status == Feedback.Status.PENDING
    assert feedback.contact_email == "a@b.se"
    event = audit_events(action="communication.feedback_received")[0]
    assert "a@b.se" not in str(event.after)  # no personal data in the log
    assert event.ip_address is None
    assert "Mer programmering" not in client.get(public_url("feedback")).content.decode()


def test_the_honeypot_is_answered_as_sent_but_nothing_is_stored(client, cast):
    response = client.post(public_url("feedback_form"), data(website="http://spam.example"))
    assert response.status_code == 302
    assert stored() == []


@pytest.mark.parametrize(
    ("started", "message"),
    [(lambda: spam.started_token(), "too quickly"), (lambda: "forged", "expired")],
)
def test_too_fast_or_forged_forms_are_refused(client, cast, started, message):
    with translation.override("en"):
        response = client.post(
            public_url("feedback_form"), data(started=started()), HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored() == []


def test_a_flood_from_one_address_is_rate_limited(client, cast):
    for n in range(spam.RATE_LIMIT):
        assert client.post(public_url("feedback_form"), data(message=f"Nr {n}")).status_code == 302
    with translation.override("en"):
        response = client.post(public_url("feedback_form"), data(message="En till"),
                               HTTP_ACCEPT_LANGUAGE="en")  # fmt: skip
    assert response.status_code == 429
    assert "try again later" in response.content.decode()
    assert len(stored()) == spam.RATE_LIMIT
    # Another address is not affected.
    other = client.post(public_url("feedback_form"), data(message="Annan"),
                        REMOTE_ADDR="10.9.8.7")  # fmt: skip
    assert other.status_code == 302


def test_a_bad_email_gets_a_clear_message(client, cast):
    with translation.override("en"):
        response = client.post(
            public_url("feedback_form"),
            data(contact_email="inte-en-adress"),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "Write the e-mail address in full" in response.content.decode()


def test_answered_feedback_is_public_and_sanitised(client, cast):
    feedback = make_feedback(cast.org, "<script>alert(1)</script> Bra jobbat med wifi:t")
    client.force_login(cast.admin)
    response = client.post(
        url("feedback_answer", feedback.pk),
        {"answer": "Tack! <script>alert(2)</script> Vi **fortsätter**."},
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(public_url("feedback")).content.decode()
    assert "Bra jobbat med wifi:t" in page
    assert "<strong>fortsätter</strong>" in page
    assert "<script>" not in page
    assert "csrfmiddlewaretoken" not in page
    assert "ETag" not in page
    assert client.get(public_url("feedback"))["ETag"]


def test_rejected_feedback_never_shows(client, cast):
    feedback = make_feedback(cast.org, "Köp mina billiga klockor")
    client.force_login(cast.admin)
    client.post(url("feedback_reject", feedback.pk))
    assert "klockor" not in client.get(public_url("feedback")).content.decode()
    response = client.post(url("feedback_answer", feedback.pk), {"answer": "Nej"})
    assert response.status_code == 302
    with scope(cast.org):
        feedback.refresh_from_db()
    assert feedback.status == Feedback.Status.REJECTED


def test_feedback_becomes_a_signal(client, cast):
    feedback = make_feedback(cast.org, "Ni borde titta på hur Ekby använder AI i rättning.")
    client.force_login(cast.admin)
    response = client.post(url("feedback_signal", feedback.pk))
    with scope(cast.org):
        feedback.refresh_from_db()
        signal = Signal.objects.get()
    assert feedback.signal == signal
    assert "Ekby använder AI" in signal.summary
    assert response["Location"] == reverse("scanning:detail", args=["mittkoping", signal.pk])
    again = client.post(url("feedback_signal", feedback.pk), follow=True)
    assert again.status_code == 200
    with scope(cast.org):
        assert Signal.objects.count() == 1


def test_another_organisations_feedback_is_404(client, cast):
    feedback = make_feedback(cast.ekby, "Ekbys synpunkt")
    client.force_login(cast.admin)
    assert client.get(url("feedback_detail", feedback.pk)).status_code == 404
    assert client.post(url("feedback_answer", feedback.pk), {"answer": "x"}).status_code == 404


def test_the_queue_keeps_a_constant_number_of_queries(client, cast, django_assert_max_num_queries):
    client.force_login(cast.admin)
    for n in range(3):
        make_feedback(cast.org, f"Synpunkt {n}", unit=cast.school)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as first:
        client.get(url("feedback_queue"))
    for n in range(10):
        make_feedback(cast.org, f"Fler {n}", unit=cast.other_school)
    with CaptureQueriesContext(connection) as second:
        client.get(url("feedback_queue"))
    assert len(first) == len(second)
