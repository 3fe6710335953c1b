"""Single sign-on with the municipality's OpenID Connect provider.

The authorization code flow with PKCE (S256), state and nonce. The provider's endpoints come from
its discovery document; Authlib makes the one-time values and checks the ID token's claims
(`iss`, `aud`, `exp`, `iat`, `nonce`, `azp`, `at_hash`), joserfc (Authlib's JOSE library)
checks its signature against the provider's published keys, and httpx fetches with a timeout.

Signing in through the provider proves who a person is, never what they may do: memberships
still come from invitations and administrators in Målbild. Which account it proves: the one
linked to the ID token's issuer and subject at the first login, when a verified e-mail address
(or one in a domain the organisations trust the provider for) found it (docs/configuration.md).
"""

import base64
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
from authlib.common.security import generate_token
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from django.conf import settings
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from malbild import audit
from malbild.accounts.models import SsoIdentity, User, UserManager
from malbild.tenants.models import Membership, Organisation

logger = logging.getLogger(__name__)

BACKEND = "malbild.accounts.oidc.OidcBackend"
SESSION_KEY = "malbild_oidc"
SCOPE = "openid email profile"
TIMEOUT = 10.0  # seconds for each request to the provider
LEEWAY = 60  # seconds of clock difference tolerated between Målbild and the provider
# Only public-key signatures: "none" proves nothing, and HS256 would make the client secret the key.
ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}


class OidcBackend(BaseBackend):
    """Keeps a person logged in after a login through the provider; never checks passwords.

    Its own name in the session tells the audit trail how the person logged in.
    """

    def get_user(self, user_id: Any) -> User | None:
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None


class LoginFailed(Exception):
    """Why a login through the provider did not work.

    `message` is for the person (in their language), `detail` for the log, `status` the answer:
    400 for an answer that fails a check, 502 when the provider cannot be reached or answers
    something that is not OpenID Connect (its fault, not the person's), 403 for a person who may
    not log in.
    """

    def __init__(self, message: str, detail: str, status: int = 400) -> None:
        super().__init__(detail)
        self.message = message
        self.detail = detail
        self.status = status


@dataclass(frozen=True)
class Provider:
    """What Målbild needs from the provider's discovery document."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    algorithms: list[str]
    auth_methods: list[str]


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def _unreachable(detail: str) -> LoginFailed:
    return LoginFailed(
        _(
            "The municipality's login service cannot be reached or answered something "
            "unexpected. Try again in a while, or log in with your e-mail address and password."
        ),
        detail,
        status=502,
    )


def _get_json(url: str) -> Any:
    try:
        response = httpx.get(url, timeout=TIMEOUT, follow_redirects=False)
        response.raise_for_status()
        return response.json()
    except httpx.HTTPError as e:
        raise _unreachable(f"GET {url}: {e}") from None
    except ValueError:
        raise _unreachable(f"GET {url}: not JSON") from None


def discover() -> Provider:
    """Fetch the provider's discovery document (queries the provider, not the database)."""
    issuer = settings.OIDC_ISSUER
    url = issuer.rstrip("/") + "/.well-known/openid-configuration"
    document = _get_json(url)
    if not isinstance(document, dict):
        raise _unreachable(f"{url}: not a JSON object")
    if document.get("issuer") != issuer:
        raise _unreachable(f"{url}: issuer {document.get('issuer')!r} is not {issuer!r}")
    endpoints = {}
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = document.get(name)
        if not isinstance(value, str) or not value.startswith(("https://", "http://")):
            raise _unreachable(f"{url}: no {name}")
        endpoints[name] = value
    algorithms = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    methods = document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if not isinstance(algorithms, list) or not isinstance(methods, list):
        raise _unreachable(f"{url}: malformed lists")
    usable = [a for a in algorithms if a in ALGORITHMS]
    if not usable:
        raise _unreachable(f"{url}: no public-key signing algorithm among {algorithms}")
    return Provider(
        issuer=issuer,
        algorithms=usable,
        auth_methods=[str(m) for m in methods],
        **endpoints,
    )


def redirect_uri(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("accounts:sso_callback"))


def begin(request: HttpRequest, next_url: str) -> str:
    """Remember a new login attempt in the session and return the provider's address for it."""
    provider = discover()
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    request.session[SESSION_KEY] = {
        "state": state,
        "nonce": nonce,
        "verifier": verifier,
        "next": next_url,
    }
    return str(
        add_params_to_uri(
            provider.authorization_endpoint,
            [
                ("response_type", "code"),
                ("client_id", settings.OIDC_CLIENT_ID),
                ("redirect_uri", redirect_uri(request)),
                ("scope", SCOPE),
                ("state", state),
                ("nonce", nonce),
                ("code_challenge", create_s256_code_challenge(verifier)),
                ("code_challenge_method", "S256"),
            ],
        )
    )


def _failed(detail: str) -> LoginFailed:
    return LoginFailed(
        _("The answer from the municipality's login service could not be verified."), detail
    )


def finish(request: HttpRequest) -> tuple[dict[str, Any], str]:
    """Check the provider's answer and return the ID token's claims and where to go next.

    The attempt in the session is used up whatever happens, so an answer cannot be replayed.
    """
    pending = request.session.pop(SESSION_KEY, None)
    if request.GET.get("error"):
        raise LoginFailed(
            _("The login was cancelled or refused at the municipality's login service."),
            f"provider answered error={request.GET['error']!r}",
        )
    state = request.GET.get("state", "")
    if not isinstance(pending, dict) or not hmac.compare_digest(
        str(pending.get("state", "")), state
    ):
        raise LoginFailed(
            _(
                "This login was not started here, or it was already used. Start again from "
                "the login page."
            ),
            "state does not match the session",
        )
    code = request.GET.get("code", "")
    if not code:
        raise _failed("no code in the answer")
    provider = discover()
    tokens = _exchange(provider, code, pending["verifier"], redirect_uri(request))
    claims = _verify(provider, tokens, pending["nonce"])
    return claims, str(pending.get("next", ""))


def _exchange(provider: Provider, code: str, verifier: str, callback: str) -> dict[str, Any]:
    """Trade the code for tokens at the token endpoint (client_secret_basic unless only _post)."""
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": callback,
        "code_verifier": verifier,
    }
    headers = {"Accept": "application/json"}
    client_id, secret = settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET
    methods = provider.auth_methods
    if "client_secret_post" in methods and "client_secret_basic" not in methods:
        data |= {"client_id": client_id, "client_secret": secret}
    else:  # Basic is the default the standard gives
        # RFC 6749 §2.3.1: both parts form-encoded before they are joined.
        pair = f"{quote(client_id, safe='')}:{quote(secret, safe='')}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    try:
        response = httpx.post(provider.token_endpoint, data=data, headers=headers, timeout=TIMEOUT)
    except httpx.HTTPError as e:
        raise _unreachable(f"POST {provider.token_endpoint}: {e}") from None
    try:
        tokens = response.json()
    except ValueError:
        tokens = None
    if response.status_code >= 500 or not isinstance(tokens, dict):
        raise _unreachable(f"token endpoint answered {response.status_code}")
    if response.status_code != 200 or "error" in tokens:
        raise LoginFailed(
            _("The municipality's login service refused to finish the login. Start again."),
            f"token endpoint answered {response.status_code}: {tokens.get('error')!r}",
        )
    if not isinstance(tokens.get("id_token"), str):
        raise _failed("no id_token from the token endpoint")
    return tokens


def _verify(provider: Provider, tokens: dict[str, Any], nonce: str) -> dict[str, Any]:
    """Check the ID token's signature and claims; return its claims."""
    keys = _get_json(provider.jwks_uri)
    try:
        key_set = KeySet.import_key_set(keys)
    except (JoseError, ValueError, TypeError, KeyError) as e:
        raise _unreachable(f"{provider.jwks_uri}: no usable keys ({e})") from None
    try:
        token = jwt.decode(tokens["id_token"], key_set, algorithms=provider.algorithms)
    except (JoseError, ValueError, TypeError, KeyError) as e:
        raise _failed(f"ID token signature: {e!r}") from None
    claims = CodeIDToken(
        token.claims,
        token.header,
        {
            "iss": {"essential": True, "value": provider.issuer},
            "aud": {"essential": True, "value": settings.OIDC_CLIENT_ID},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
            "nonce": {"essential": True},
        },
        {
            "nonce": nonce,
            "client_id": settings.OIDC_CLIENT_ID,
            "access_token": tokens.get("access_token"),
        },
    )
    try:
        claims.validate(leeway=LEEWAY)
    except ExpiredTokenError:
        raise LoginFailed(
            _("The login at the municipality's login service has expired. Start again."),
            "ID token expired",
        ) from None
    except ClaimError as e:
        raise _failed(f"ID token claim {e.claim!r}: {e.description}") from None
    except (JoseError, ValueError, TypeError, KeyError) as e:
        raise _failed(f"ID token: {e!r}") from None
    return dict(claims)


# Why a person was refused (the audit event's `reason`), and what they are told.
REFUSALS: dict[str, Callable[[], str]] = {
    "no e-mail": lambda: _(
        "Your account at the municipality has no e-mail address that Målbild may see. Ask the "
        "municipality's IT support for help."
    ),
    "e-mail not verified": lambda: _(
        "The municipality's login service does not vouch for the e-mail address of your "
        "account, so Målbild cannot tell which account is yours. Log in with your e-mail "
        "address and password, or ask your administrator for help."
    ),
    "platform administrator": lambda: _(
        "Platform administrators log in with their e-mail address and password, never with "
        "the municipality's account."
    ),
    "linked to another subject": lambda: _(
        "Your account in Målbild is already linked to another account at the municipality's "
        "login service. Log in with that one, or ask your administrator for help."
    ),
    "deactivated": lambda: _("This account is deactivated. Ask your administrator for help."),
    "no account": lambda: _(
        "You have no account in Målbild yet. Ask an administrator in your organisation to "
        "invite you."
    ),
}


class Refused(LoginFailed):
    """A person the provider vouched for who may not log in, or not to this account.

    Audited by :func:`audit_refusal` once the login's transaction is rolled back."""

    def __init__(
        self, reason: str, claims: dict[str, Any], email: str, user: User | None = None
    ) -> None:
        super().__init__(REFUSALS[reason](), f"{reason}: {email!r}", status=403)
        self.reason = reason
        self.user = user
        self.facts = {
            "reason": reason,
            "issuer": str(claims.get("iss", "")),
            "subject": str(claims.get("sub", "")),
            "email": email,
        }


def audit_refusal(error: Refused, request: HttpRequest) -> None:
    """Record a refusal: in each organisation the account belongs to, so that its administrators
    see it in their log, or once outside any organisation. Writes; call it in a transaction."""
    found = Membership.of_person(error.user) if error.user is not None else []
    organisations: list[Organisation | None] = list(
        {m.organisation_id: m.organisation for m in sorted(found, key=lambda m: m.pk)}.values()
    )
    for organisation in organisations or [None]:
        audit.record(
            "accounts.sso_refused",
            actor=None,
            request=request,
            target=error.user,
            summary=f"{error.facts['email']}: {error.reason}",
            after=error.facts,
            organisation=organisation,
        )


def _verified(claims: dict[str, Any]) -> bool:
    """Whether the provider says it verified the address: only an explicit true counts (Entra ID
    sends no claim at all, and its `email` is whatever the tenant's administrators set)."""
    value = claims.get("email_verified")
    return value is True or value == "true"  # some providers send the JSON string "true"


def _vouched_for(email: str, user: User | None) -> bool:
    """Whether the address's domain is one the organisations trust the provider for: every
    organisation of an existing account, or any organisation for someone new (two queries)."""
    domain = email.rpartition("@")[2]
    if user is not None:
        organisations = {m.organisation for m in Membership.of_person(user)}
        if organisations:
            return all(domain in o.vouched_domains() for o in organisations)
    candidates = Organisation.objects.filter(sso_email_domains__icontains=domain)
    return any(domain in o.vouched_domains() for o in candidates)


def _check_may_log_in(user: User, claims: dict[str, Any], email: str) -> None:
    if user.is_staff or user.is_superuser:
        raise Refused("platform administrator", claims, email, user)
    if not user.is_active:
        raise Refused("deactivated", claims, email, user)


def person_for(claims: dict[str, Any], request: HttpRequest) -> User:
    """The Målbild account of the person the claims describe.

    Someone who logged in through the provider before is found by its issuer and subject alone.
    The first time, the account is found (or, with `OIDC_CREATE_USERS`, made) by the e-mail
    address, but only if the provider says it verified it, or its domain is one that every
    organisation of the account trusts the provider for (`Organisation.sso_email_domains`); the
    account is then linked to the issuer and subject. Platform administrators are never logged
    in this way. Raises :class:`Refused` for a person who may not log in, and updates the name
    from the provider. Writes; call it inside a transaction.
    """
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    raw = claims.get("email")
    email = UserManager.normalize(raw) if isinstance(raw, str) else ""
    link = SsoIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    if link is not None:
        user = link.user
        _check_may_log_in(user, claims, email)
        link.last_login_at = timezone.now()
        link.save(update_fields=["last_login_at"])
    else:
        user = _link(claims, email, request)
    _update_name(user, claims, request)
    return user


def _link(claims: dict[str, Any], email: str, request: HttpRequest) -> User:
    """The first login of this issuer and subject: find or make the account by e-mail, link it."""
    try:
        validate_email(email)
    except ValidationError:
        raise Refused("no e-mail", claims, email) from None
    if len(email) > 254:
        raise Refused("no e-mail", claims, email)
    issuer, subject = str(claims["iss"]), str(claims["sub"])
    user = User.objects.filter(email=email).first()
    # Trust in the address first: a provider that does not vouch for it learns nothing of the
    # account behind it.
    if _verified(claims):
        by = "verified e-mail"
    elif _vouched_for(email, user):
        by = "allowed domain"
    else:
        raise Refused("e-mail not verified", claims, email, user)
    if user is not None:
        _check_may_log_in(user, claims, email)
        if SsoIdentity.objects.filter(user=user, issuer=issuer).exists():
            raise Refused("linked to another subject", claims, email, user)
    elif not settings.OIDC_CREATE_USERS:
        raise Refused("no account", claims, email)
    if user is None:
        name = _name(claims)
        user = User.objects.create_user(email=email, password=None, name=name)
        audit.record(
            "accounts.sso_person_created",
            actor=user,
            request=request,
            target=user,
            summary=email,
            after={"email": email, "name": name},
        )
    SsoIdentity.objects.create(
        user=user, issuer=issuer, subject=subject, email=email, last_login_at=timezone.now()
    )
    audit.record(
        "accounts.sso_linked",
        actor=user,
        request=request,
        target=user,
        summary=f"{email}: {by}",
        after={"issuer": issuer, "subject": subject, "email": email, "by": by},
    )
    return user


def _update_name(user: User, claims: dict[str, Any], request: HttpRequest) -> None:
    name = _name(claims)
    if name and name != user.name:
        before = {"name": user.name}
        user.name = name
        user.save(update_fields=["name"])
        audit.record(
            "accounts.profile_changed",
            actor=user,
            request=request,
            target=user,
            summary="OpenID Connect",
            before=before,
            after={"name": name},
        )


def _name(claims: dict[str, Any]) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p for p in parts if isinstance(p, str))
    return " ".join(name.split())[:150]
