import pytest
from django.urls import reverse

from conftest import PASSWORD, audit_events, make_user

LOGIN = reverse("accounts:login")


def login(client, email, password=PASSWORD, ip="192.0.2.10"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_it_logs_in_with_email_and_password_and_audits_it(client, teacher):
    response = login(client, "larare@test.example")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert audit_events(action="accounts.login", actor=teacher)


@pytest.mark.django_db
def test_email_is_case_insensitive(client, teacher):
    response = login(client, "  Larare@Test.EXAMPLE ")
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_says_so_in_swedish_and_is_audited(client, teacher):
    response = login(client, "larare@test.example", "fel")
    assert response.status_code == 200
    assert "E-postadressen eller lösenordet är fel" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = audit_events(action="accounts.login_failed")[0]
    assert event.summary == "larare@test.example"


@pytest.mark.django_db
def test_five_failures_lock_the_email_from_that_address(client, teacher):
    for _ in range(5):
        login(client, "larare@test.example", "fel")
    response = login(client, "larare@test.example")  # even the right password
    assert response.status_code == 429
    assert "spärrad" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_colleague_behind_the_same_address_can_still_log_in(client, teacher, rektor):
    for _ in range(6):
        login(client, "larare@test.example", "fel")
    response = login(client, "rektor@test.example")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(rektor.pk)


@pytest.mark.django_db
def test_the_same_email_from_another_address_is_not_locked(client, teacher):
    for _ in range(6):
        login(client, "larare@test.example", "fel", ip="192.0.2.10")
    assert login(client, "larare@test.example", ip="198.51.100.7").status_code == 302


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client, teacher):
    for _ in range(4):
        login(client, "larare@test.example", "fel")
    assert login(client, "larare@test.example").status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        login(client, "larare@test.example", "fel")
    assert login(client, "larare@test.example").status_code == 302


@pytest.mark.django_db
def test_an_inactive_account_cannot_log_in(client):
    make_user("borta@test.example", is_active=False)
    response = login(client, "borta@test.example")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_overlong_email_is_refused_with_a_message(client):
    response = login(client, "a" * 300 + "@test.example")
    assert response.status_code == 200
    assert "som mest 254 tecken" in response.content.decode()


@pytest.mark.django_db
def test_logout_needs_a_post_and_is_audited(client, teacher):
    client.force_login(teacher)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert audit_events(action="accounts.logout", actor=teacher)


@pytest.mark.django_db
def test_passwords_are_stored_with_argon2(settings):
    from malbild import settings as production_settings

    # The autouse fixture swaps in a fast hasher; put back what the product uses.
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = make_user("hash@test.example")
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_login_lasts_one_working_day(client, teacher):
    login(client, "larare@test.example")
    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert not client.session.get_expire_at_browser_close()
