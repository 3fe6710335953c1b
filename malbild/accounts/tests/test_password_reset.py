import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator, default_token_generator
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conftest import audit_events

RESET = reverse("accounts:password_reset")
NEW_PASSWORD = "en helt ny lösenfras 2026"


def confirm_url(user, token):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:password_reset_confirm", args=[uid, token])


@pytest.mark.django_db
def test_it_emails_a_link_through_a_task_that_sets_a_new_password(client, teacher):
    response = client.post(RESET, {"email": "LARARE@test.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["larare@test.example"]
    assert message.subject == "Välj ett nytt lösenord till Målbild"
    match = re.search(r"https?://[^/\s]+(/\S+)", str(message.body))
    assert match
    link = match.group(1)

    # Django swaps the token for a session marker on the first visit.
    page = client.get(link, follow=True)
    assert "Välj ett nytt lösenord" in page.content.decode()
    form_url = page.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    teacher.refresh_from_db()
    assert teacher.check_password(NEW_PASSWORD)
    assert audit_events(action="accounts.password_reset", actor=teacher)


@pytest.mark.django_db
def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(RESET, {"email": "ingen@test.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_malformed_address_gets_a_message(client):
    response = client.post(RESET, {"email": "inte en adress"})
    assert response.status_code == 200
    assert "Fyll i en giltig e-postadress" in response.content.decode()


@pytest.mark.django_db
def test_a_forged_link_changes_nothing(client, teacher):
    response = client.get(confirm_url(teacher, "abc-0123456789abcdef"), follow=True)
    html = response.content.decode()
    assert "Länken fungerar inte" in html
    assert "new_password1" not in html
    teacher.refresh_from_db()
    assert teacher.check_password("correct horse battery staple")


@pytest.mark.django_db
def test_an_expired_link_changes_nothing(client, teacher):
    class LastWeek(PasswordResetTokenGenerator):
        def _now(self):
            return timezone.now().replace(tzinfo=None) - timedelta(days=7)

    token = LastWeek().make_token(teacher)
    response = client.get(confirm_url(teacher, token), follow=True)
    assert "Länken fungerar inte" in response.content.decode()


@pytest.mark.django_db
def test_a_used_link_does_not_work_twice(client, teacher):
    token = default_token_generator.make_token(teacher)
    page = client.get(confirm_url(teacher, token), follow=True)
    form_url = page.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = client.get(confirm_url(teacher, token), follow=True)
    assert "Länken fungerar inte" in again.content.decode()


# Limits: per account and per address ------------------------------------------------------------


@pytest.mark.django_db
def test_one_account_gets_at_most_three_resets_an_hour(client, teacher):
    for _ in range(3):
        assert client.post(RESET, {"email": "larare@test.example"}).status_code == 302
    assert len(mail.outbox) == 3
    # Another browser, another address: still the same person's mailbox.
    response = client.post(RESET, {"email": "Larare@test.example"}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Det har begärts flera nya lösenord för den här adressen" in page
    assert "minuter" in page
    assert len(mail.outbox) == 3
    assert len(audit_events(action="accounts.password_reset_requested")) == 3
    # Someone else is not affected.
    assert client.post(RESET, {"email": "rektor@test.example"}).status_code == 302


@pytest.mark.django_db
def test_an_unknown_address_is_counted_the_same_way(client):
    for _ in range(3):
        client.post(RESET, {"email": "ingen@test.example"})
    assert client.post(RESET, {"email": "ingen@test.example"}).status_code == 429


@pytest.mark.django_db
def test_one_address_asks_for_at_most_twenty_resets_an_hour(client, teacher):
    for n in range(20):
        assert client.post(RESET, {"email": f"person{n}@test.example"}).status_code == 302
    response = client.post(RESET, {"email": "larare@test.example"})
    assert response.status_code == 429
    assert "från ditt nätverk" in response.content.decode()
    assert mail.outbox == []
    other = client.post(RESET, {"email": "larare@test.example"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302
    assert len(mail.outbox) == 1
