"""Bearer keys for the API, and the organisation a request works in (docs/api.md)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from malbild.api import tokens
from malbild.api.models import ApiToken
from malbild.lib import ratelimit
from malbild.lib.ratelimit import Limit
from malbild.tenants.models import Membership
from malbild.tenants.permissions import Access
from malbild.tenants.requests import MemberRequest
from malbild.tenants.scope import scope


class TokenAuth(HttpBearer):
    """`Authorization: Bearer mb_…`: a live personal key of an active person. Every request
    counts against a limit a minute: the key's own, or without a valid key the address's."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
        token = tokens.find(key.strip()) if scheme.lower() == "bearer" else None
        if token is None or not token.user.is_active:
            limit = Limit("api-address", settings.API_ANONYMOUS_RATE_LIMIT, 60)
            ratelimit.hit(limit, ratelimit.client(request))
            return None
        ratelimit.hit(Limit("api-token", settings.API_RATE_LIMIT, 60), f"token:{token.pk}")
        tokens.mark_used(token)
        request.user = token.user
        return token

    def authenticate(self, request: HttpRequest, token: str) -> Any:  # pragma: no cover
        raise NotImplementedError  # __call__ does it all


class ApiRequest(HttpRequest):
    """What django-ninja sets on a request that `TokenAuth` let in."""

    auth: ApiToken


def token_of(request: HttpRequest) -> ApiToken:
    return cast(ApiRequest, request).auth  # TokenAuth answered for every endpoint


@contextmanager
def organisation(request: HttpRequest, org: str, *, write: bool = False) -> Iterator[MemberRequest]:
    """Enter the organisation of the URL as the key's person, like `member_view`: a key of
    another organisation, or a person without a role there any more, gets 404; a read-only key
    on a write gets 403. Gives the request as a `MemberRequest` (with `organisation` and
    `access`), for the helpers the pages share."""
    token = token_of(request)
    if token.organisation.slug != org:
        raise Http404
    with scope(token.organisation):
        memberships = list(Membership.objects.filter(user=token.user).select_related("unit"))
        if not memberships:
            raise Http404
        if write and not token.can_write:
            raise HttpError(403, _("This API key may only read. Create a key with write access."))
        member = cast(MemberRequest, request)  # from here on, what MemberRequest describes
        member.organisation = token.organisation
        member.access = Access(token.organisation, memberships)
        yield member
