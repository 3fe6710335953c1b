"""Making and revoking personal API keys on the profile page."""

import re

import pytest
from django.urls import reverse

from conftest import audit_events
from malbild.api import tokens
from malbild.api.models import ApiToken
from malbild.api.tests.builders import BASE, call
from malbild.tenants.scope import scope, unscoped

pytestmark = pytest.mark.django_db


def all_tokens() -> list[ApiToken]:
    with unscoped():
        return list(ApiToken.objects.order_by("pk"))


def test_the_profile_page_lists_the_keys_and_links_to_a_new_one(client, cast):
    tokens.create(cast.teacher, cast.org, "Elevregistret", "read", None)
    client.force_login(cast.teacher)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "API keys" in page
    assert "Elevregistret" in page
    assert reverse("api_tokens:create") in page


def test_a_new_key_is_shown_once_and_stored_as_a_hash(client, cast):
    client.force_login(cast.rektor)
    response = client.post(
        reverse("api_tokens:create"),
        {"name": "Nattlig import", "organisation": cast.org.pk, "scope": "write"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    shown = re.search(r'value="(mb_[^"]+)"', response.content.decode())
    assert shown is not None
    secret = shown.group(1)
    [token] = all_tokens()
    assert (token.user, token.organisation, token.scope) == (cast.rektor, cast.org, "write")
    assert token.key_hash == tokens.key_hash(secret)
    assert secret not in token.key_hash
    assert secret.startswith(token.prefix)
    [event] = audit_events(action="api.token_created")
    assert secret not in str(event.after)
    assert call(client, "get", f"{BASE}/units", secret).status_code == 200
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert secret not in profile
    assert token.prefix in profile


def test_a_key_needs_a_name_and_one_of_ones_own_organisations(client, cast):
    client.force_login(cast.teacher)
    response = client.post(
        reverse("api_tokens:create"), {"name": " ", "organisation": cast.ekby.pk, "scope": "all"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write what the key is for." in page
    assert "Choose one of your organisations." in page
    assert all_tokens() == []


def test_a_person_without_an_organisation_is_offered_no_key(client, db):
    from conftest import make_user

    client.force_login(make_user("ny@example.test"))
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("api_tokens:create") not in page


def test_revoking_a_key_stops_it_at_once_and_is_audited(client, cast):
    token, secret = tokens.create(cast.teacher, cast.org, "Gammal", "read", None)
    client.force_login(cast.teacher)
    response = client.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    with scope(cast.org):
        assert ApiToken.objects.get().revoked_at is not None
    assert len(audit_events(action="api.token_revoked")) == 1
    assert call(client, "get", f"{BASE}/units", secret).status_code == 401
    client.post(reverse("api_tokens:revoke", args=[token.pk]))  # again: nothing more happens
    assert len(audit_events(action="api.token_revoked")) == 1


def test_another_persons_key_cannot_be_revoked(client, cast):
    token, _secret = tokens.create(cast.teacher, cast.org, "Lärarens", "read", None)
    client.force_login(cast.admin)
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    with scope(cast.org):
        assert ApiToken.objects.get().revoked_at is None


def test_anonymising_a_person_revokes_their_keys_and_leaves_the_hash_out_of_their_data(
    client, cast
):
    from malbild.accounts import personal_data
    from malbild.accounts.models import User
    from malbild.accounts.services import anonymise
    from malbild.tenants.models import Membership
    from malbild.tenants.permissions import Access

    token, secret = tokens.create(cast.teacher, cast.org, "Elevregistret", "read", None)
    exported = personal_data.export(cast.teacher)
    rows = exported["api.tokens"]
    assert [row["name"] for row in rows] == ["Elevregistret"]
    assert "key_hash" not in rows[0]
    with scope(cast.org):
        access = Access(cast.org, list(Membership.objects.filter(user=cast.admin)))
        anonymise(access, User.objects.get(pk=cast.teacher.pk))
    with unscoped():
        assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert call(client, "get", f"{BASE}/units", secret).status_code == 401
