"""Logging in through the municipality's OpenID Connect provider (accounts.oidc), against a real
provider on loopback (oidc_provider.py)."""

import time
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from django.test import Client
from django.urls import reverse
from joserfc.jwk import OctKey

from conftest import audit_events, give_role, make_org, make_user
from malbild.accounts import oidc
from malbild.accounts.models import SsoIdentity, User
from malbild.accounts.tests import oidc_provider
from malbild.accounts.tests.oidc_provider import Provider
from malbild.tenants import services
from malbild.tenants.models import Invitation, Membership
from malbild.tenants.scope import scope, unscoped

START = reverse("accounts:sso_login")
CALLBACK = reverse("accounts:sso_callback")


@pytest.fixture
def client(english, settings):
    """A visitor who reads English, so pages compare with the msgids."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def provider(settings) -> Iterator[Provider]:
    with oidc_provider.serving() as provider:
        settings.OIDC_ISSUER = provider.url
        settings.OIDC_CLIENT_ID = oidc_provider.CLIENT_ID
        settings.OIDC_CLIENT_SECRET = oidc_provider.CLIENT_SECRET
        settings.OIDC_CREATE_USERS = True
        yield provider


@pytest.fixture
def anna(db):
    return make_user("anna.andersson@kommun.test", "Anna A.")


def provider_answer(client, provider: Provider, start: str = START) -> str:
    """Start a login and let the provider answer: the callback URL it sends the browser to."""
    response = client.get(start)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{provider.url}/authorize?")
    params = dict(parse_qsl(urlsplit(location).query))
    answer = httpx.post(f"{provider.url}/authorize", data=params)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == CALLBACK
    return f"{back.path}?{back.query}"


def log_in(client, provider: Provider, start: str = START):
    return client.get(provider_answer(client, provider, start))


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def assert_nothing_changed(client, response, status: int = 400) -> None:
    assert response.status_code == status
    page = response.content.decode()
    assert "Logging in with the municipality's account did not work" in page
    assert f'href="{reverse("accounts:login")}"' in page
    assert not logged_in(client)
    assert not audit_events(action="accounts.login")
    assert not audit_events(action="accounts.sso_person_created")
    assert not audit_events(action="accounts.profile_changed")


# The login page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_page_offers_the_municipalitys_account_when_configured(client, provider):
    page = client.get(reverse("accounts:login") + "?next=/o/mittkoping/").content.decode()
    assert "Log in with the municipality's account" in page
    assert f'href="{START}?next=/o/mittkoping/"' in page
    assert 'name="password"' in page  # the local login stays


@pytest.mark.django_db
def test_without_an_issuer_there_is_only_the_local_login(client, settings):
    settings.OIDC_ISSUER = ""
    page = client.get(reverse("accounts:login")).content.decode()
    assert "municipality's account" not in page
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK + "?code=x&state=y").status_code == 404


# The whole flow ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_known_person_logs_in_by_verified_email_and_it_is_audited(client, provider, anna):
    client.get(reverse("accounts:login"))
    session_before = client.session.session_key
    response = log_in(client, provider)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(anna.pk)
    assert client.session["_auth_user_backend"] == oidc.BACKEND
    assert client.session.session_key != session_before  # rotated at login
    event = audit_events(action="accounts.login", actor=anna)[0]
    assert event.summary == "OpenID Connect"
    # Back on a page, the session still holds: the backend keeps the person.
    assert client.get(reverse("accounts:profile")).status_code == 200


@pytest.mark.django_db
def test_it_uses_pkce_s256_and_the_client_secret(client, provider, anna):
    response = client.get(START)
    params = dict(parse_qsl(urlsplit(response["Location"]).query))
    assert params["code_challenge_method"] == "S256"
    assert params["scope"] == "openid email profile"
    assert params["state"]
    assert params["nonce"]
    assert params["redirect_uri"] == "http://testserver" + CALLBACK
    answer = httpx.post(f"{provider.url}/authorize", data=params)
    back = urlsplit(answer.headers["Location"])
    assert client.get(f"{back.path}?{back.query}").status_code == 302
    token_request = provider.token_requests[-1]
    assert token_request["code_verifier"]
    assert "client_secret" not in token_request  # sent as HTTP Basic, not in the form


@pytest.mark.django_db
def test_the_name_comes_from_the_provider_and_the_change_is_audited(client, provider, anna):
    log_in(client, provider)
    anna.refresh_from_db()
    assert anna.name == "Anna Andersson"
    event = audit_events(action="accounts.profile_changed", actor=anna)[0]
    assert event.before == {"name": "Anna A."}
    assert event.after == {"name": "Anna Andersson"}


@pytest.mark.django_db
def test_it_goes_on_to_the_page_the_person_came_for(client, provider, anna):
    response = log_in(client, provider, START + "?next=/profil-som-inte-finns/")
    assert response["Location"] == "/profil-som-inte-finns/"


@pytest.mark.django_db
def test_a_next_address_on_another_site_is_ignored(client, provider, anna):
    response = log_in(client, provider, START + "?next=https://elak.example/")
    assert response["Location"] == reverse("home")


@pytest.mark.django_db
def test_someone_new_gets_an_account_without_any_membership(client, provider):
    org = make_org("Mittköping", "mittkoping")
    give_role(make_user("admin@kommun.test"), org, "admin")
    response = log_in(client, provider)
    assert response.status_code == 302
    user = User.objects.get(email="anna.andersson@kommun.test")
    assert user.name == "Anna Andersson"
    assert not user.has_usable_password()
    with unscoped():
        assert not user.memberships.exists()
    assert audit_events(action="accounts.sso_person_created", target_id=str(user.pk))
    # The same start page as anyone without an organisation: none of Mittköping's pages.
    home = client.get(reverse("home")).content.decode()
    assert "/o/mittkoping/" not in home
    assert client.get("/o/mittkoping/").status_code == 404


@pytest.mark.django_db
def test_someone_new_is_refused_when_accounts_are_not_created(client, provider, settings):
    settings.OIDC_CREATE_USERS = False
    response = log_in(client, provider)
    assert_nothing_changed(client, response, status=403)
    assert "Ask an administrator in your organisation to invite you" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_deactivated_account_cannot_log_in(client, provider, anna):
    anna.is_active = False
    anna.save()
    response = log_in(client, provider)
    assert_nothing_changed(client, response, status=403)
    anna.refresh_from_db()
    assert anna.name == "Anna A."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "override",
    [
        {"email_verified": False},
        {"email_verified": None},  # Entra ID sends none: not a promise that the address is theirs
        {"email_verified": "yes"},
        {"email_verified": 1},
        {"email": None},
        {"email": "inte en adress"},
    ],
)
def test_an_email_that_is_missing_or_not_verified_is_refused(client, provider, anna, override):
    provider.claims_override = override
    response = log_in(client, provider)
    assert_nothing_changed(client, response, status=403)
    anna.refresh_from_db()
    assert anna.name == "Anna A."
    assert User.objects.count() == 1
    assert not SsoIdentity.objects.exists()
    assert len(audit_events(action="accounts.sso_refused")) == 1


# Each failure: a page that says so, and nothing changed ------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"iss": "https://falsk.example"}, "wrong issuer"),
        ({"aud": "nagon-annan"}, "wrong audience"),
        ({"nonce": "en-annan-nonce"}, "wrong nonce"),
        ({"nonce": None}, "no nonce"),
        ({"exp": int(time.time()) - 3600}, "expired"),
        ({"iat": int(time.time()) + 3600}, "issued in the future"),
        ({"sub": None}, "no subject"),
    ],
)
def test_an_id_token_with_a_bad_claim_is_refused(client, provider, anna, claims, why):
    provider.claims_override = claims
    response = log_in(client, provider)
    assert_nothing_changed(client, response)
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_an_expired_id_token_says_to_start_again(client, provider, anna):
    provider.claims_override = {"exp": int(time.time()) - 3600}
    page = log_in(client, provider).content.decode()
    assert "has expired. Start again." in page


@pytest.mark.django_db
def test_an_id_token_signed_with_another_key_is_refused(client, provider, anna):
    provider.sign_with = (oidc_provider.new_key(), "RS256")  # same key id, another key
    response = log_in(client, provider)
    assert_nothing_changed(client, response)
    assert "could not be verified" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["kein.jwt", "e30.e30.e30", "a.b", "ÅÄÖ.åäö.123"])
def test_an_id_token_that_is_not_a_jwt_is_refused(client, provider, anna, text):
    provider.id_token_text = text
    assert_nothing_changed(client, log_in(client, provider))


@pytest.mark.django_db
def test_an_id_token_signed_with_the_client_secret_is_refused(client, provider, anna):
    # HS256 with the shared secret would let anyone who has it make tokens; only the
    # provider's public keys count.
    secret = OctKey.import_key(oidc_provider.CLIENT_SECRET.encode())
    provider.sign_with = (secret, "HS256")
    assert_nothing_changed(client, log_in(client, provider))


@pytest.mark.django_db
def test_the_secret_goes_in_the_form_when_the_provider_only_takes_that(client, provider, anna):
    provider.auth_methods = ["client_secret_post"]
    assert log_in(client, provider).status_code == 302
    assert provider.token_requests[-1]["client_secret"] == oidc_provider.CLIENT_SECRET
    assert logged_in(client)


@pytest.mark.django_db
def test_an_error_from_the_token_endpoint_is_refused(client, provider, anna):
    provider.token_fault = "invalid_grant"
    response = log_in(client, provider)
    assert_nothing_changed(client, response)
    assert "refused to finish the login" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_client_secret_is_refused(client, provider, anna, settings):
    settings.OIDC_CLIENT_SECRET = "fel"
    assert_nothing_changed(client, log_in(client, provider))


@pytest.mark.django_db
def test_an_answer_with_another_state_is_refused(client, provider, anna):
    callback = provider_answer(client, provider)
    url = urlsplit(callback)
    params = dict(parse_qsl(url.query)) | {"state": "en-annan"}
    response = client.get(f"{url.path}?{urlencode(params)}")
    assert_nothing_changed(client, response)
    assert "was not started here" in response.content.decode()


@pytest.mark.django_db
def test_an_answer_that_was_not_started_in_this_session_is_refused(client, provider, anna):
    callback = provider_answer(client, provider)
    client.cookies.clear()  # another browser, e.g. a link an attacker sends
    assert_nothing_changed(client, client.get(callback, headers={"Accept-Language": "en"}))


@pytest.mark.django_db
def test_an_answer_cannot_be_used_twice(client, provider, anna):
    callback = provider_answer(client, provider)
    assert client.get(callback).status_code == 302
    client.post(reverse("accounts:logout"))
    response = client.get(callback)
    assert response.status_code == 400
    assert not logged_in(client)
    assert len(audit_events(action="accounts.login")) == 1


@pytest.mark.django_db
def test_an_answer_without_a_code_is_refused(client, provider, anna):
    url = urlsplit(provider_answer(client, provider))
    state = dict(parse_qsl(url.query))["state"]
    assert_nothing_changed(client, client.get(f"{url.path}?state={state}"))


@pytest.mark.django_db
def test_a_login_cancelled_at_the_provider_is_refused(client, provider, anna):
    url = urlsplit(provider_answer(client, provider))
    state = dict(parse_qsl(url.query))["state"]
    response = client.get(f"{url.path}?error=access_denied&state={state}")
    assert_nothing_changed(client, response)
    assert "cancelled or refused" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["down", "not-json", "wrong-issuer", "incomplete"])
def test_a_discovery_document_that_cannot_be_used_stops_the_login_at_once(
    client, provider, anna, fault
):
    provider.discovery_fault = fault
    response = client.get(START)
    assert_nothing_changed(client, response, status=502)
    assert "cannot be reached" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["down", "not-json"])
def test_a_discovery_document_that_fails_on_the_way_back_changes_nothing(
    client, provider, anna, fault
):
    callback = provider_answer(client, provider)
    provider.discovery_fault = fault
    assert_nothing_changed(client, client.get(callback), status=502)


@pytest.mark.django_db
def test_a_provider_that_is_not_running_stops_the_login(client, settings, anna):
    with oidc_provider.serving() as gone:
        url = gone.url
    settings.OIDC_ISSUER = url
    settings.OIDC_CLIENT_ID = oidc_provider.CLIENT_ID
    settings.OIDC_CLIENT_SECRET = oidc_provider.CLIENT_SECRET
    assert_nothing_changed(client, client.get(START), status=502)


@pytest.mark.django_db
def test_someone_invited_accepts_after_logging_in_with_the_municipalitys_account(client, provider):
    org = make_org("Mittköping", "mittkoping")
    admin = make_user("admin@kommun.test")
    give_role(admin, org, "admin")
    with scope(org):
        invitation = Invitation.objects.create(
            organisation=org, email="anna.andersson@kommun.test", role="viewer", invited_by=admin
        )
    url = reverse("invitation", args=[services.invitation_token(invitation)])
    assert f'href="{START}?next={url}"' in client.get(url).content.decode()
    assert log_in(client, provider, f"{START}?next={url}")["Location"] == url
    assert client.post(url)["Location"] == "/o/mittkoping/"
    with unscoped():
        membership = Membership.objects.get(organisation=org, user__email=invitation.email)
    assert membership.role == "viewer"


# Which account: linked once, then found by issuer and subject ------------------------------------


def identity(provider: Provider, subject: str = "anna-123") -> SsoIdentity:
    return SsoIdentity.objects.get(issuer=provider.url, subject=subject)


def refused(response, client, reason: str, status: int = 403) -> None:
    """The login was refused, nothing changed, and the refusal is in the audit trail."""
    assert_nothing_changed(client, response, status=status)
    events = audit_events(action="accounts.sso_refused")
    assert [e.after["reason"] for e in events] == [reason]


@pytest.mark.django_db
def test_the_first_login_links_the_account_to_the_issuer_and_subject(client, provider, anna):
    log_in(client, provider)
    assert identity(provider).user == anna
    event = audit_events(action="accounts.sso_linked", target_id=str(anna.pk))[0]
    assert event.after == {
        "issuer": provider.url,
        "subject": "anna-123",
        "email": "anna.andersson@kommun.test",
        "by": "verified e-mail",
    }


@pytest.mark.django_db
def test_once_linked_the_person_is_found_by_subject_whatever_the_email_says(client, provider, anna):
    log_in(client, provider)
    client.post(reverse("accounts:logout"))
    make_user("chef@kommun.test")
    # The e-mail changes at the provider (or its administrator points it at someone else's):
    # the subject still names Anna, and only Anna.
    provider.person["email"] = "chef@kommun.test"
    assert log_in(client, provider).status_code == 302
    assert client.session["_auth_user_id"] == str(anna.pk)
    anna.refresh_from_db()
    assert anna.email == "anna.andersson@kommun.test"


@pytest.mark.django_db
def test_another_subject_with_a_linked_persons_email_is_refused(client, provider, anna):
    log_in(client, provider)
    client.post(reverse("accounts:logout"))
    provider.person["sub"] = "someone-else"
    response = log_in(client, provider)
    assert response.status_code == 403
    assert not logged_in(client)
    assert "already linked to another account" in response.content.decode()
    event = audit_events(action="accounts.sso_refused")[0]
    assert event.after["reason"] == "linked to another subject"
    assert event.target_id == str(anna.pk)
    assert not SsoIdentity.objects.filter(subject="someone-else").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}])
def test_a_platform_administrator_is_never_linked(client, provider, flags):
    root = make_user("anna.andersson@kommun.test", "Anna A.", **flags)
    response = log_in(client, provider)
    refused(response, client, "platform administrator")
    assert "Platform administrators log in with their e-mail address" in response.content.decode()
    assert not SsoIdentity.objects.exists()
    assert audit_events(action="accounts.sso_refused")[0].target_id == str(root.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_active": False}])
def test_an_unverified_address_learns_nothing_of_the_account_behind_it(client, provider, flags):
    make_user("anna.andersson@kommun.test", **flags)
    provider.claims_override = {"email_verified": None}
    refused(log_in(client, provider), client, "e-mail not verified")


@pytest.mark.django_db
def test_a_linked_account_that_became_a_platform_administrator_is_refused(client, provider, anna):
    log_in(client, provider)
    client.post(reverse("accounts:logout"))
    User.objects.filter(pk=anna.pk).update(is_superuser=True)
    response = log_in(client, provider)
    assert response.status_code == 403
    assert not logged_in(client)
    assert audit_events(action="accounts.sso_refused")[0].after["reason"] == (
        "platform administrator"
    )


@pytest.mark.django_db
def test_an_unverified_email_is_refused_and_audited_with_the_account(client, provider, anna):
    provider.claims_override = {"email_verified": None}
    response = log_in(client, provider)
    refused(response, client, "e-mail not verified")
    assert "does not vouch for the e-mail address" in response.content.decode()
    event = audit_events(action="accounts.sso_refused")[0]
    assert event.target_id == str(anna.pk)
    assert event.after["email"] == "anna.andersson@kommun.test"
    assert event.after["subject"] == "anna-123"


@pytest.mark.django_db
def test_a_refusal_is_audited_in_each_organisation_of_the_account(client, provider, anna):
    mittkoping, ekby = make_org("Mittköping", "mittkoping"), make_org("Ekby", "ekby")
    give_role(anna, mittkoping, "staff")
    give_role(anna, ekby, "viewer")
    provider.claims_override = {"email_verified": None}
    log_in(client, provider)
    events = audit_events(action="accounts.sso_refused")
    assert {e.organisation_id for e in events} == {mittkoping.pk, ekby.pk}


@pytest.mark.django_db
def test_a_domain_the_organisation_allows_links_without_the_claim(client, provider, anna):
    org = make_org("Mittköping", "mittkoping")
    org.sso_email_domains = "kommun.test"
    org.save()
    give_role(anna, org, "staff")
    provider.claims_override = {"email_verified": None}
    assert log_in(client, provider).status_code == 302
    assert client.session["_auth_user_id"] == str(anna.pk)
    assert identity(provider).user == anna
    event = audit_events(action="accounts.sso_linked")[0]
    assert event.after["by"] == "allowed domain"


@pytest.mark.django_db
def test_a_domain_must_be_allowed_by_every_organisation_of_the_account(client, provider, anna):
    mittkoping, ekby = make_org("Mittköping", "mittkoping"), make_org("Ekby", "ekby")
    mittkoping.sso_email_domains = "kommun.test"
    mittkoping.save()
    give_role(anna, mittkoping, "staff")
    give_role(anna, ekby, "admin")  # Ekby never said it trusts this provider for kommun.test
    provider.claims_override = {"email_verified": None}
    response = log_in(client, provider)
    assert response.status_code == 403
    assert not logged_in(client)
    assert not SsoIdentity.objects.exists()


@pytest.mark.django_db
def test_a_subdomain_is_not_the_allowed_domain(client, provider):
    org = make_org("Mittköping", "mittkoping")
    org.sso_email_domains = "kommun.test"
    org.save()
    person = make_user("anna.andersson@elev.kommun.test")
    give_role(person, org, "staff")
    provider.person["email"] = "anna.andersson@elev.kommun.test"
    provider.claims_override = {"email_verified": None}
    assert log_in(client, provider).status_code == 403


@pytest.mark.django_db
def test_someone_new_with_an_unverified_email_gets_no_account(client, provider):
    provider.claims_override = {"email_verified": None}
    response = log_in(client, provider)
    refused(response, client, "e-mail not verified")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_someone_new_in_an_allowed_domain_gets_an_account(client, provider):
    org = make_org("Mittköping", "mittkoping")
    org.sso_email_domains = "kommun.test, skola.kommun.test"
    org.save()
    provider.claims_override = {"email_verified": None}
    assert log_in(client, provider).status_code == 302
    user = User.objects.get(email="anna.andersson@kommun.test")
    assert identity(provider).user == user


@pytest.mark.django_db
def test_a_deactivated_account_is_refused_and_audited(client, provider, anna):
    anna.is_active = False
    anna.save()
    refused(log_in(client, provider), client, "deactivated")


@pytest.mark.django_db
def test_someone_without_an_account_is_refused_and_audited(client, provider, settings):
    settings.OIDC_CREATE_USERS = False
    refused(log_in(client, provider), client, "no account")


@pytest.mark.django_db
def test_a_refusal_is_explained_in_swedish(provider, anna):
    provider.claims_override = {"email_verified": None}
    client = Client()
    page = log_in(client, provider).content.decode()
    assert "kan inte avgöra vilket konto som är ditt" in page


@pytest.mark.django_db
def test_the_link_is_in_the_persons_data_and_goes_when_they_are_anonymised(client, provider, anna):
    from malbild.accounts.personal_data import export
    from malbild.accounts.services import anonymise

    log_in(client, provider)
    client.post(reverse("accounts:logout"))
    rows = export(anna)["accounts.sso_identities"]
    assert [(r["issuer"], r["subject"]) for r in rows] == [(provider.url, "anna-123")]
    with unscoped():  # as the technical admin runs it
        counts = anonymise(None, anna)
    assert counts["accounts.sso_identities"] == 1
    assert not SsoIdentity.objects.exists()


@pytest.mark.django_db
def test_an_operator_removes_a_link_and_it_is_audited(client, provider, anna):
    log_in(client, provider)
    link = identity(provider)
    operator = Client()
    operator.force_login(make_user("root@test.example", is_staff=True, is_superuser=True))
    url = reverse("admin:accounts_ssoidentity_delete", args=[link.pk])
    assert operator.post(url, {"post": "yes"}).status_code == 302
    assert not SsoIdentity.objects.exists()
    event = audit_events(action="accounts.sso_unlinked")[0]
    assert event.target_id == str(anna.pk)
    assert event.before["subject"] == "anna-123"


@pytest.mark.django_db
def test_one_address_starts_at_most_120_logins_in_ten_minutes(client, provider):
    for _ in range(120):
        assert client.get(START).status_code == 302
    response = Client().get(START, headers={"Accept-Language": "en"})
    assert response.status_code == 429
    page = response.content.decode()
    assert "account have been started from your network" in page
    assert "minutes" in page
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.get(START).status_code == 302
