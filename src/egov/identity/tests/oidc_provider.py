"""A small OpenID Connect provider for tests, on 127.0.0.1 and a free port, in a thread.

It serves discovery, ``/authorize`` (redirects straight back with a code for the configured test user:
no login page), ``/token`` (checks the client secret, the code, the redirect URI and the PKCE verifier,
then returns an RS256 ID token) and ``/jwks``. Attributes let a test make it misbehave: sign with a key
it does not publish, put another nonce or audience in the token, or issue it already expired.

    with LocalOidcProvider(claims={"personal_id": "001099012345", "name": "…"}) as provider:
        settings.OIDC_ISSUER = provider.issuer
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLIENT_ID = "egov-test-client"
CLIENT_SECRET = "egov-test-secret"


class LocalOidcProvider:
    def __init__(
        self,
        *,
        claims: dict[str, Any] | None = None,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.claims: dict[str, Any] = dict(claims or {"sub": "vneid-subject-1"})
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = secrets.token_hex(8)
        # Misbehaviour switches for the failure tests.
        self.signing_key: rsa.RSAPrivateKey = self.key  # set to another key: the signature will not verify
        self.nonce_override: str | None = None
        self.audience_override: str | None = None
        self.lifetime_seconds = 300  # negative: the token is already expired
        # What the client sent, for assertions.
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, Any]] = []
        self._codes: dict[str, dict[str, str]] = {}
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.issuer = ""

    # --- lifecycle ---

    def start(self) -> LocalOidcProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                return

            def do_GET(self) -> None:
                provider._handle(self, "GET")

            def do_POST(self) -> None:
                provider._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.issuer = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="oidc-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> LocalOidcProvider:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- endpoints ---

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "profile"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def _handle(self, request: BaseHTTPRequestHandler, method: str) -> None:
        parts = urllib.parse.urlsplit(request.path)
        query = dict(urllib.parse.parse_qsl(parts.query))
        if method == "GET" and parts.path == "/.well-known/openid-configuration":
            self._json(request, 200, self.discovery())
        elif method == "GET" and parts.path == "/jwks":
            self._json(request, 200, self.jwks())
        elif method == "GET" and parts.path == "/authorize":
            self._authorize(request, query)
        elif method == "POST" and parts.path == "/token":
            length = int(request.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(request.rfile.read(length).decode()))
            self._token(request, form)
        else:
            self._json(request, 404, {"error": "not_found"})

    def _authorize(self, request: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        self.authorize_requests.append(query)
        if (
            query.get("client_id") != self.client_id
            or query.get("response_type") != "code"
            or query.get("code_challenge_method") != "S256"
            or not query.get("redirect_uri")
        ):
            self._json(request, 400, {"error": "invalid_request"})
            return
        code = secrets.token_urlsafe(16)
        self._codes[code] = {
            "redirect_uri": query["redirect_uri"],
            "nonce": query.get("nonce", ""),
            "code_challenge": query.get("code_challenge", ""),
        }
        location = (
            query["redirect_uri"]
            + "?"
            + urllib.parse.urlencode({"code": code, "state": query.get("state", "")})
        )
        request.send_response(302)
        request.send_header("Location", location)
        request.send_header("Content-Length", "0")
        request.end_headers()

    def _client_authenticated(self, request: BaseHTTPRequestHandler, form: dict[str, str]) -> bool:
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
            return (urllib.parse.unquote(user), urllib.parse.unquote(password)) == (
                self.client_id,
                self.client_secret,
            )
        return form.get("client_id") == self.client_id and form.get("client_secret") == self.client_secret

    def _token(self, request: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        self.token_requests.append({"form": form, "authorization": request.headers.get("Authorization", "")})
        if not self._client_authenticated(request, form):
            self._json(request, 401, {"error": "invalid_client"})
            return
        grant = self._codes.pop(form.get("code", ""), None)  # codes work once
        if (
            grant is None
            or form.get("grant_type") != "authorization_code"
            or form.get("redirect_uri") != grant["redirect_uri"]
        ):
            self._json(request, 400, {"error": "invalid_grant"})
            return
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["code_challenge"]:
            self._json(
                request, 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
            )
            return
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.audience_override or self.client_id,
            "iat": now if self.lifetime_seconds > 0 else now + self.lifetime_seconds - 60,
            "exp": now + self.lifetime_seconds,
            "nonce": self.nonce_override if self.nonce_override is not None else grant["nonce"],
            **self.claims,
        }
        id_token = jwt.encode(payload, self.signing_key, algorithm="RS256", headers={"kid": self.kid})
        self._json(
            request,
            200,
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": id_token,
            },
        )

    @staticmethod
    def _json(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)


def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
