"""Login rate limits. django-axes: five failures lock the pair of e-mail and address for 15
minutes, shared by every process through the database; nobody else behind that address is
locked, and the lock lifts by itself. And lib.ratelimit: 30 failures from one address in a
quarter of an hour (200 in a day) stop logins from there to any account, except for the people
whose browser has logged in before (a signed cookie), so a pupil cannot lock out the school."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from malbild.accounts.views import DEVICE_COOKIE
from malbild.lib.ratelimit import Limit

ADDRESS_LIMIT = 30  # failed logins from one address in a quarter of an hour

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
    settings.TRUSTED_PROXIES = ["10.0.0.2"]  # production: the proxy (MALBILD_TRUSTED_PROXIES)
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail(client, "larare@test.example", 5, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    locked = login(client, "larare@test.example", HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy)
    assert locked.status_code == 429
    other = login(Client(), "larare@test.example", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy)
    assert other.status_code == 302


@pytest.mark.django_db
def test_a_forged_header_from_outside_the_proxy_changes_nothing(client, teacher, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for n in range(5):  # a new made-up address each time, straight to Målbild
        login(client, "larare@test.example", "fel", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert login(client, "larare@test.example").status_code == 429


# One address, many accounts ----------------------------------------------------------------------


def spray(times: int, **headers):
    """Try one password against `times` different accounts from one browser without history."""
    attacker = Client()
    for n in range(times):
        response = login(attacker, f"person{n}@test.example", "Sommar2026!", **headers)
        assert response.status_code == 200, n
    return attacker


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_stopped(teacher, rektor):
    attacker = spray(ADDRESS_LIMIT)
    response = login(attacker, "rektor@test.example", "Sommar2026!")
    assert response.status_code == 429
    assert not AccessAttempt.objects.filter(username="rektor@test.example").exists()  # not tried
    # Someone else behind the same address, in a browser that has never logged in here.
    page = login(Client(), "rektor@test.example").content.decode()
    assert "Många misslyckade inloggningar från ditt nätverk" in page
    assert "minuter" in page


@pytest.mark.django_db
def test_people_who_logged_in_from_their_browser_before_are_not_locked_out(teacher, rektor):
    teachers_browser = Client()
    assert login(teachers_browser, "larare@test.example").status_code == 302
    teachers_browser.post(reverse("accounts:logout"))
    spray(ADDRESS_LIMIT)  # a pupil on the school's network, say
    assert login(teachers_browser, "larare@test.example").status_code == 302
    # The browser vouches only for the accounts that logged in with it.
    teachers_browser.post(reverse("accounts:logout"))
    assert login(teachers_browser, "rektor@test.example").status_code == 429


@pytest.mark.django_db
def test_the_address_limit_needs_a_genuine_device_cookie(teacher):
    forged = Client()
    forged.cookies[DEVICE_COOKIE] = "larare@test.example"
    spray(ADDRESS_LIMIT)
    assert login(forged, "larare@test.example").status_code == 429


@pytest.mark.django_db
def test_another_address_is_not_affected_and_the_window_passes(teacher, monkeypatch):
    from malbild.lib import ratelimit

    spray(ADDRESS_LIMIT)
    assert login(Client(), "larare@test.example", REMOTE_ADDR="198.51.100.7").status_code == 302
    later = ratelimit._now() + 15 * 60
    monkeypatch.setattr(ratelimit, "_now", lambda: later)
    assert login(Client(), "larare@test.example").status_code == 302


@pytest.mark.django_db
def test_the_daily_limit_holds_too(teacher, monkeypatch):
    from malbild.accounts import views

    quarter, day = views.LOGIN_ADDRESS_LIMITS
    monkeypatch.setattr(views, "LOGIN_ADDRESS_LIMITS", (quarter, Limit(day.name, 3, day.seconds)))
    spray(3)
    assert login(Client(), "larare@test.example").status_code == 429


def test_the_limits_are_the_documented_ones():
    from malbild.accounts import views

    assert [(limit.count, limit.seconds) for limit in views.LOGIN_ADDRESS_LIMITS] == [
        (30, 15 * 60),
        (200, 24 * 60 * 60),
    ]


@pytest.mark.django_db
def test_successful_logins_are_kept_only_in_the_audit_trail(client, teacher):
    from axes.models import AccessLog

    assert login(client, "larare@test.example").status_code == 302
    assert AccessLog.objects.count() == 0  # no second, unpruned record of who logged in when
