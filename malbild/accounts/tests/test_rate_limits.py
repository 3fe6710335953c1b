"""Login rate limits (django-axes): five failures lock the pair of e-mail and address for 15
minutes, shared by every process through the database; nobody else behind that address is
locked, and the lock lifts by itself."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD

LOGIN = reverse("accounts:login")
SCHOOL = "192.0.2.10"


def login(client, email, password=PASSWORD, **headers):
    headers.setdefault("REMOTE_ADDR", SCHOOL)
    return client.post(LOGIN, {"username": email, "password": password}, **headers)


def fail(client, email, times, **headers):
    """Log in with a wrong password `times` times; the answer to the last one."""
    for _ in range(times):
        response = login(client, email, "fel", **headers)
    return response


@pytest.mark.django_db
def test_four_failures_still_let_the_right_password_in(client, teacher):
    assert fail(client, "larare@test.example", 4).status_code == 200
    assert login(client, "larare@test.example").status_code == 302


@pytest.mark.django_db
def test_the_fifth_failure_locks_and_the_lock_holds_in_another_process(client, teacher):
    assert fail(client, "larare@test.example", 5).status_code == 429
    assert login(client, "larare@test.example").status_code == 429
    # A fresh client is another browser or another web process: the count lives in the database.
    assert login(Client(), "larare@test.example").status_code == 429
    assert AccessAttempt.objects.get().failures_since_start >= 5


@pytest.mark.django_db
def test_another_address_and_another_person_are_not_locked(client, teacher, rektor):
    fail(client, "larare@test.example", 5)
    assert login(Client(), "rektor@test.example").status_code == 302
    assert login(Client(), "larare@test.example", REMOTE_ADDR="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_the_lock_lifts_after_fifteen_minutes(client, teacher):
    fail(client, "larare@test.example", 5)
    attempt = AccessAttempt.objects.get()
    attempt.attempt_time -= timedelta(minutes=14)
    attempt.save()
    assert login(client, "larare@test.example").status_code == 429
    AccessAttempt.objects.update(attempt_time=attempt.attempt_time - timedelta(minutes=2))
    assert login(client, "larare@test.example").status_code == 302


@pytest.mark.django_db
def test_behind_the_proxy_the_visitors_own_address_counts(client, teacher, settings):
    settings.AXES_IPWARE_PROXY_COUNT = 1  # production: one proxy in front (MALBILD_PROXY_COUNT)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail(client, "larare@test.example", 5, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    locked = login(client, "larare@test.example", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert locked.status_code == 429
    other = login(Client(), "larare@test.example", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.2"),  # no proxy: the header is the visitor's to forge
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # a forged entry on the left is ignored
        (2, "198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.2"),  # fewer entries than proxies: not believed
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_visitors_address_is_read_from_the_right_of_x_forwarded_for(
    rf, settings, proxies, forwarded, expected
):
    from malbild.accounts.views import client_ip

    settings.AXES_IPWARE_PROXY_COUNT = proxies
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_successful_logins_are_kept_only_in_the_audit_trail(client, teacher):
    from axes.models import AccessLog

    assert login(client, "larare@test.example").status_code == 302
    assert AccessLog.objects.count() == 0  # no second, unpruned record of who logged in when
