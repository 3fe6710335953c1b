"""Personal API keys: made and revoked on the profile page, found by their hash (docs/api.md).

A key is `mb_` and 40 random characters. Only its SHA-256 hash is stored, with the first
characters as a prefix the owner recognises; the key itself is shown once. Finding a key by its
hash crosses organisations on purpose (the key names its own organisation, which the API then
compares with the one in the URL), and so does listing a person's own keys on the profile page.
"""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from malbild import audit
from malbild.api.models import ApiToken
from malbild.tenants.models import Membership, Organisation
from malbild.tenants.scope import scope, unscoped

PREFIX = "mb_"
PREFIX_SHOWN = 10  # "mb_" and seven characters of the key
LAST_USED_EVERY = timedelta(minutes=1)  # how often a key's last use is written down


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def organisations_of(user: Any) -> list[Organisation]:
    """The organisations the person holds a role in (one query), by name."""
    found = {m.organisation_id: m.organisation for m in Membership.of_person(user)}
    return sorted(found.values(), key=lambda o: o.name)


def tokens_of(user: Any) -> list[ApiToken]:
    """The person's own keys in every organisation, newest first (one query)."""
    with unscoped():
        return list(ApiToken.objects.filter(user=user).select_related("organisation"))


def revoke_all(user: Any) -> int:
    """Revoke every live key of the person, in every organisation, inside the caller's
    transaction (anonymisation, which audits the count). Returns how many were live."""
    with unscoped():
        return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def find(key: str) -> ApiToken | None:
    """The key's live token with its person and organisation, or None (one query)."""
    if not key.startswith(PREFIX) or len(key) > 100:
        return None
    with unscoped():
        return (
            ApiToken.objects.filter(key_hash=key_hash(key), revoked_at__isnull=True)
            .select_related("user", "organisation")
            .first()
        )


def mark_used(token: ApiToken) -> None:
    """Write down when the key was last used, at most once a minute (one short UPDATE)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        token.last_used_at = now
        with scope(token.organisation):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


def create(
    user: Any, organisation: Organisation, name: str, scope_: str, request: HttpRequest | None
) -> tuple[ApiToken, str]:
    """Make a key for the person in `organisation`; returns the token and the key, which is
    shown once and stored only as its hash."""
    key = PREFIX + secrets.token_urlsafe(30)
    with scope(organisation), transaction.atomic():
        token = ApiToken.objects.create(
            organisation=organisation,
            user=user,
            name=name,
            scope=scope_,
            prefix=key[:PREFIX_SHOWN],
            key_hash=key_hash(key),
        )
        audit.record(
            "api.token_created",
            request=request,
            actor=user,
            target=token,
            summary=token.name,
            after={"name": token.name, "scope": token.scope, "prefix": token.prefix},
            organisation=organisation,
        )
    return token, key


def revoke(token: ApiToken, request: HttpRequest | None) -> None:
    """Revoke the key at once; it is kept, revoked, for the audit trail."""
    if token.revoked_at is not None:
        return
    with scope(token.organisation), transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            "api.token_revoked",
            request=request,
            target=token,
            summary=token.name,
            before={"revoked": False},
            after={"revoked": True, "prefix": token.prefix},
            organisation=token.organisation,
        )
