"""A minimal OpenID Connect provider on loopback, for the tests (and the browser test).

It follows the standard where Målbild relies on it: a discovery document, a JWKS, an
authorization endpoint that shows a small form and redirects back with a one-time code, and a
token endpoint that checks the client secret (Basic or in the form), the redirect URI and the
PKCE verifier (S256) before it hands out an ID token signed RS256 with a key made per run.

Tests make it misbehave through its attributes: `discovery_fault` ("down", "not-json",
"wrong-issuer", "incomplete"), `token_fault` (an OAuth error code to answer with),
`claims_override` (claims to put in or, with None, leave out of the next ID token) and
`sign_with` (another key, with its algorithm) or `id_token_text` (instead of a token).
`auth_methods` lists the ways the token endpoint takes the client's secret.
"""

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import Key, RSAKey

CLIENT_ID = "malbild-test"
CLIENT_SECRET = "ett hemligt klientlösen"


def new_key(kid: str = "test-key") -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    challenge: str
    nonce: str
    claims: dict[str, Any]


class Provider:
    def __init__(self) -> None:
        self.key = new_key()
        self.url = ""  # set when it serves
        self.person: dict[str, Any] = {
            "sub": "anna-123",
            "email": "Anna.Andersson@Kommun.test",
            "email_verified": True,
            "name": "Anna Andersson",
        }
        self.codes: dict[str, Grant] = {}
        self.discovery_fault = ""
        self.token_fault = ""
        self.claims_override: dict[str, Any] = {}
        self.sign_with: tuple[Key, str] | None = None
        self.auth_methods = ["client_secret_basic", "client_secret_post"]
        self.id_token_text = ""
        self.token_requests: list[dict[str, str]] = []
        self.lock = threading.Lock()

    # What the endpoints answer ----------------------------------------------------------------

    def discovery(self) -> dict[str, Any]:
        document = {
            "issuer": self.url if self.discovery_fault != "wrong-issuer" else "https://annan.test",
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": self.auth_methods,
            "code_challenge_methods_supported": ["S256"],
            "grant_types_supported": ["authorization_code"],
        }
        if self.discovery_fault == "incomplete":
            del document["token_endpoint"]
        return document

    def refusal(self, params: dict[str, str]) -> str:
        """Why an authorization request is not acceptable, or "" when it is."""
        if params.get("client_id") != CLIENT_ID:
            return "unknown client"
        if not params.get("redirect_uri", "").startswith("http://"):
            return "no redirect_uri"
        if params.get("response_type") != "code" or "openid" not in params.get("scope", ""):
            return "not an OpenID Connect code request"
        if params.get("code_challenge_method") != "S256" or not params.get("code_challenge"):
            return "PKCE with S256 is required"
        return ""

    def authorize(self, params: dict[str, str]) -> tuple[int, str]:
        """Issue a code for an acceptable request: (302, the redirect back) or (400, why not)."""
        refusal = self.refusal(params)
        if refusal:
            return 400, refusal
        code = secrets.token_urlsafe(24)
        with self.lock:
            self.codes[code] = Grant(
                client_id=params["client_id"],
                redirect_uri=params["redirect_uri"],
                challenge=params["code_challenge"],
                nonce=params.get("nonce", ""),
                claims=dict(self.person),
            )
        back = urlencode({"code": code, "state": params.get("state", "")})
        return 302, f"{params['redirect_uri']}?{back}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict[str, Any]]:
        self.token_requests.append(form)
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if secret and "client_secret_post" not in self.auth_methods:
            return 401, {"error": "invalid_client"}
        if authorization.startswith("Basic "):
            pair = base64.b64decode(authorization[6:]).decode()
            client_id, _, secret = (unquote(part) for part in pair.partition(":"))
        if client_id != CLIENT_ID or secret != CLIENT_SECRET:
            return 401, {"error": "invalid_client"}
        if self.token_fault:
            return 400, {"error": self.token_fault}
        with self.lock:
            grant = self.codes.pop(form.get("code", ""), None)  # a code works once
        if grant is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != grant.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != grant.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier"}
        return 200, {
            "access_token": secrets.token_urlsafe(24),
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": self.id_token_text or self.id_token(grant),
        }

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "aud": grant.client_id,
            "iat": now,
            "exp": now + 300,
            "auth_time": now,
            **grant.claims,
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        for name, value in self.claims_override.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        key, algorithm = self.sign_with or (self.key, "RS256")
        return jwt.encode({"alg": algorithm, "kid": self.key.kid}, claims, key, [algorithm])

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}


def login_form(params: dict[str, str], email: str) -> str:
    """The provider's login page: a form that the browser submits to get its code."""
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in params.items()
    )
    return (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        "<title>Kommunens inloggning</title></head><body><main><h1>Kommunens inloggning</h1>"
        f'<form method="post" action="/authorize">{hidden}'
        f"<p>Du loggar in som {html.escape(email)}.</p>"
        '<button type="submit">Fortsätt</button></form></main></body></html>'
    )


def handler_for(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def answer(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def json(self, status: int, data: Any) -> None:
            self.answer(status, json.dumps(data).encode(), "application/json")

        def form(self) -> dict[str, str]:
            length = int(self.headers.get("Content-Length", "0"))
            return dict(parse_qsl(self.rfile.read(length).decode()))

        def redirect_or_error(self, status: int, target: str) -> None:
            if status == 302:
                self.answer(302, b"", "text/plain", Location=target)
            else:
                self.answer(status, target.encode(), "text/plain; charset=utf-8")

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/.well-known/openid-configuration":
                if provider.discovery_fault == "down":
                    self.answer(503, b"Service Unavailable", "text/plain")
                elif provider.discovery_fault == "not-json":
                    self.answer(200, b"<html>inloggning</html>", "text/html")
                else:
                    self.json(200, provider.discovery())
            elif url.path == "/jwks":
                self.json(200, provider.jwks())
            elif url.path == "/authorize":
                params = dict(parse_qsl(url.query))
                refusal = provider.refusal(params)
                if refusal:
                    self.answer(400, refusal.encode(), "text/plain; charset=utf-8")
                else:  # show the form; the code is made when it is submitted
                    email = str(provider.person.get("email", ""))
                    page = login_form(params, email).encode()
                    self.answer(200, page, "text/html; charset=utf-8")
            else:
                self.answer(404, b"not found", "text/plain")

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            if path == "/authorize":
                self.redirect_or_error(*provider.authorize(self.form()))
            elif path == "/token":
                status, data = provider.token(self.form(), self.headers.get("Authorization", ""))
                self.json(status, data)
            else:
                self.answer(404, b"not found", "text/plain")

    return Handler


@contextmanager
def serving() -> Iterator[Provider]:
    """Run a provider on a free loopback port for the duration of the block."""
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(provider))
    provider.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
