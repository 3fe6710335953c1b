"""Single sign-on with the municipality's OpenID Connect provider.

The authorization code flow with PKCE (S256), state and nonce. The provider's endpoints come from
its discovery document; Authlib makes the one-time values and checks the ID token's claims
(`iss`, `aud`, `exp`, `iat`, `nonce`, `azp`, `at_hash`), joserfc (Authlib's JOSE library)
checks its signature against the provider's published keys, and httpx fetches with a timeout.

Signing in through the provider proves who a person is, never what they may do: memberships
still come from invitations and administrators in Målbild (docs/configuration.md).
"""

import base64
import hmac
import logging
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
from django.utils.translation import gettext as _
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

from malbild import audit
from malbild.accounts.models import User, UserManager

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


def person_for(claims: dict[str, Any], request: HttpRequest) -> User:
    """The Målbild account of the person the claims describe, matched by verified e-mail.

    Updates the name from the provider, and creates an account without memberships for someone
    new when `OIDC_CREATE_USERS` is on. Writes; call it inside a transaction.
    """
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        raise LoginFailed(
            _(
                "Your account at the municipality has no e-mail address that Målbild may see. "
                "Ask the municipality's IT support for help."
            ),
            "no email claim",
        )
    email = UserManager.normalize(email)
    verified = claims.get("email_verified", True)
    try:
        validate_email(email)
    except ValidationError:
        verified = False
    if verified not in (True, "true") or len(email) > 254:
        raise LoginFailed(
            _(
                "The municipality's login service has not verified the e-mail address of your "
                "account. Ask the municipality's IT support for help."
            ),
            f"email {email!r} not verified",
        )
    name = _name(claims)
    user = User.objects.filter(email=email).first()
    if user is None:
        if not settings.OIDC_CREATE_USERS:
            raise LoginFailed(
                _(
                    "You have no account in Målbild yet. Ask an administrator in your "
                    "organisation to invite you."
                ),
                f"no account for {email!r}",
                status=403,
            )
        user = User.objects.create_user(email=email, password=None, name=name)
        audit.record(
            "accounts.sso_person_created",
            actor=user,
            request=request,
            target=user,
            summary=email,
            after={"email": email, "name": name},
        )
    elif not user.is_active:
        raise LoginFailed(
            _("This account is deactivated. Ask your administrator for help."),
            f"{email!r} is deactivated",
            status=403,
        )
    elif name and name != user.name:
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
    return user


def _name(claims: dict[str, Any]) -> str:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p for p in parts if isinstance(p, str))
    return " ".join(name.split())[:150]
