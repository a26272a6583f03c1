"""A fake OpenID Connect provider for real-browser tests of `st.login()`.

It does the authorization-code flow against Streamlit's Authlib client and signs in whoever
`provider.email` / `provider.name` say at the moment, without a login form:

    with running_provider("client-id", "client-secret") as provider:
        provider.email = "ada@example.com"
        # secrets [auth]: server_metadata_url = provider.metadata_url, same client id/secret
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

Response = tuple[int, dict[str, str], bytes]


def _json(status: int, body: dict[str, Any]) -> Response:
    return status, {"Content-Type": "application/json", "Cache-Control": "no-store"}, json.dumps(body).encode()


class FakeOIDCProvider:
    def __init__(self, client_id: str, client_secret: str, issuer: str, *,
                 email: str = "ada@example.com", name: str = "Ada Lovelace") -> None:
        self.client_id, self.client_secret, self.issuer = client_id, client_secret, issuer
        self.metadata_url = f"{issuer}/.well-known/openid-configuration"
        self.email, self.name = email, name
        self._key = RSAKey.generate_key(2048, {"kid": "fake-oidc", "use": "sig", "alg": "RS256"}, private=True)
        self._codes: dict[str, dict[str, Any]] = {}  # code -> who signed in, for which redirect_uri and nonce
        self._access_tokens: dict[str, dict[str, Any]] = {}  # access token -> userinfo claims

    def metadata(self) -> dict[str, Any]:
        # No code_challenge_methods_supported: Streamlit only turns PKCE on when the provider advertises S256.
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    def handle(self, method: str, path: str, query: dict[str, str], form: dict[str, str],
               headers: dict[str, str]) -> Response:
        if method == "GET" and path == "/.well-known/openid-configuration":
            return _json(200, self.metadata())
        if method == "GET" and path == "/jwks":
            return _json(200, {"keys": [self._key.as_dict(private=False)]})
        if method == "GET" and path == "/authorize":
            return self._authorize(query)
        if method == "POST" and path == "/token":
            return self._token(form, headers.get("authorization", ""))
        if method == "GET" and path == "/userinfo":
            claims = self._access_tokens.get(headers.get("authorization", "").removeprefix("Bearer "))
            return _json(200, claims) if claims else _json(401, {"error": "invalid_token"})
        return _json(404, {"error": "not_found"})

    def _authorize(self, query: dict[str, str]) -> Response:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code" \
                or "redirect_uri" not in query:
            return _json(400, {"error": "invalid_request"})
        code = secrets.token_urlsafe(16)
        # Snapshot the user now, so changing provider.email mid-flow cannot mix two identities.
        self._codes[code] = {"redirect_uri": query["redirect_uri"], "nonce": query.get("nonce"),
                             "email": self.email, "name": self.name}
        params = urlencode({"code": code, **({"state": query["state"]} if "state" in query else {})})
        separator = "&" if urlsplit(query["redirect_uri"]).query else "?"
        return 302, {"Location": f"{query['redirect_uri']}{separator}{params}"}, b""

    def _token(self, form: dict[str, str], authorization: str) -> Response:
        client_id, client_secret = form.get("client_id"), form.get("client_secret")  # client_secret_post
        if authorization.startswith("Basic "):  # client_secret_basic; Authlib does not urlencode the parts
            client_id, _, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return _json(401, {"error": "invalid_client"})
        grant = self._codes.pop(form.get("code", ""), None)  # codes are single-use
        if form.get("grant_type") != "authorization_code" or grant is None \
                or form.get("redirect_uri") != grant["redirect_uri"]:
            return _json(400, {"error": "invalid_grant"})
        user = {"sub": grant["email"], "email": grant["email"], "email_verified": True, "name": grant["name"]}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 600, **user}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        access_token = secrets.token_urlsafe(24)
        self._access_tokens[access_token] = user
        id_token = jwt.encode({"alg": "RS256", "kid": self._key.kid}, claims, self._key)
        return _json(200, {"access_token": access_token, "id_token": id_token, "token_type": "Bearer",
                           "expires_in": 600, "scope": "openid email profile"})


class _Handler(BaseHTTPRequestHandler):
    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        provider = cast("_Server", self.server).provider
        status, headers, payload = provider.handle(
            method, url.path, _flat(url.query), _flat(body),
            {k.lower(): v for k, v in self.headers.items()})
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(payload))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output quiet
        pass


def _flat(qs: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(qs).items()}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    provider: FakeOIDCProvider


@contextmanager
def running_provider(client_id: str, client_secret: str, *, host: str = "127.0.0.1",
                     email: str = "ada@example.com", name: str = "Ada Lovelace") -> Iterator[FakeOIDCProvider]:
    """Serve a FakeOIDCProvider on a free port of `host` in a daemon thread until the block ends."""
    server = _Server((host, 0), _Handler)
    server.provider = FakeOIDCProvider(client_id, client_secret, f"http://{host}:{server.server_port}",
                                       email=email, name=name)
    thread = threading.Thread(target=server.serve_forever, name="fake-oidc-provider", daemon=True)
    thread.start()
    try:
        yield server.provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
