"""A standard OpenID Connect client (authorization-code flow with PKCE, state and nonce) for the national
e-ID (VNeID) or any conformant provider configured by ``OIDC_ISSUER``.

1. :func:`authorization_request` discovers the provider (``/.well-known/openid-configuration``) and
   gives the URL to send the browser to, with a fresh ``state``, ``nonce`` and PKCE verifier that the
   caller keeps in the session.
2. :func:`complete_authorization` exchanges the code for tokens at the token endpoint and verifies the
   ID token: RS256 signature against the provider's JWKS, ``iss``, ``aud``, ``exp``, ``iat`` and
   ``nonce``. It returns the verified claims or raises :class:`OidcError` with a reason code.

Network: only ``https`` endpoints, except on the loopback interface (the tests' local provider).
Discovery documents are cached for an hour, keys by PyJWT's JWKS client (refetched on an unknown key id).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

import jwt
import structlog
from django.conf import settings

logger = structlog.get_logger(__name__)

HTTP_TIMEOUT_SECONDS = 10
DISCOVERY_CACHE_SECONDS = 3600
CLOCK_SKEW_SECONDS = 60
SIGNING_ALGORITHMS = ["RS256"]


class OidcError(Exception):
    """The sign-in through the provider failed. ``reason`` is a short code for logs and messages."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    token_endpoint_auth_methods: tuple[str, ...]


@dataclass(frozen=True)
class AuthorizationState:
    """What the browser's session keeps between the redirect to the provider and the callback."""

    state: str
    nonce: str
    code_verifier: str

    def as_dict(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "code_verifier": self.code_verifier}


@dataclass(frozen=True)
class ClientConfiguration:
    issuer: str
    client_id: str
    client_secret: str
    scopes: tuple[str, ...]

    @classmethod
    def from_settings(cls) -> ClientConfiguration:
        scopes = [scope for scope in getattr(settings, "OIDC_SCOPES", []) if scope]
        if "openid" not in scopes:
            scopes.insert(0, "openid")
        return cls(
            issuer=str(getattr(settings, "OIDC_ISSUER", "") or ""),
            client_id=str(getattr(settings, "OIDC_CLIENT_ID", "") or ""),
            client_secret=str(getattr(settings, "OIDC_CLIENT_SECRET", "") or ""),
            scopes=tuple(scopes),
        )


def is_configured() -> bool:
    config = ClientConfiguration.from_settings()
    return bool(config.issuer and config.client_id)


# --- HTTP ---------------------------------------------------------------------------------------------


def _check_url(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return url
    if parts.scheme == "http" and parts.hostname:
        try:
            loopback = parts.hostname == "localhost" or ipaddress.ip_address(parts.hostname).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return url
    raise OidcError("insecure_endpoint", url)


def _request_json(
    url: str, *, data: dict[str, str] | None = None, headers: dict[str, str] | None = None
) -> Any:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked by _check_url
        _check_url(url), data=body, headers={"Accept": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # noqa: S310
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace")[:300]
        error.close()
        raise OidcError("provider_http_error", f"{url} answered {error.code}: {detail}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise OidcError("provider_unreachable", f"{url}: {error}") from error
    except ValueError as error:
        raise OidcError("provider_bad_response", f"{url} did not answer JSON") from error


# --- discovery and keys -------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_discovery_cache: dict[str, tuple[float, ProviderMetadata]] = {}
_jwks_clients: dict[str, jwt.PyJWKClient] = {}


def reset_caches() -> None:
    """Forget discovered providers and their keys (tests start a new provider each time)."""
    with _cache_lock:
        _discovery_cache.clear()
        _jwks_clients.clear()


def discover(issuer: str) -> ProviderMetadata:
    now = time.monotonic()
    with _cache_lock:
        cached = _discovery_cache.get(issuer)
    if cached and cached[0] > now:
        return cached[1]
    document = _request_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if not isinstance(document, dict):
        raise OidcError("provider_bad_response", "discovery document is not an object")
    # The issuer in the document must be the one configured (OpenID Connect Discovery §4.3).
    if str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise OidcError("issuer_mismatch", f"discovery names issuer {document.get('issuer')!r}")
    try:
        metadata = ProviderMetadata(
            issuer=str(document["issuer"]),
            authorization_endpoint=_check_url(str(document["authorization_endpoint"])),
            token_endpoint=_check_url(str(document["token_endpoint"])),
            jwks_uri=_check_url(str(document["jwks_uri"])),
            token_endpoint_auth_methods=tuple(
                document.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
            ),
        )
    except KeyError as error:
        raise OidcError("provider_bad_response", f"discovery lacks {error}") from error
    with _cache_lock:
        _discovery_cache[issuer] = (now + DISCOVERY_CACHE_SECONDS, metadata)
    return metadata


def _jwks_client(jwks_uri: str) -> jwt.PyJWKClient:
    with _cache_lock:
        client = _jwks_clients.get(jwks_uri)
        if client is None:
            client = jwt.PyJWKClient(jwks_uri, lifespan=DISCOVERY_CACHE_SECONDS, timeout=HTTP_TIMEOUT_SECONDS)
            _jwks_clients[jwks_uri] = client
        return client


def _signing_key(jwks_uri: str, id_token: str) -> Any:
    client = _jwks_client(jwks_uri)
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.PyJWTError as error:
        raise OidcError("id_token_malformed", str(error)) from error
    if header.get("alg") not in SIGNING_ALGORITHMS:
        raise OidcError("id_token_algorithm", f"alg {header.get('alg')!r} is not accepted")
    try:
        if header.get("kid"):
            return client.get_signing_key(header["kid"]).key
        keys = [
            key
            for key in client.get_jwk_set().keys
            if key.key_type == "RSA" and key.public_key_use in ("sig", None)
        ]
    except jwt.PyJWKClientConnectionError as error:
        raise OidcError("provider_unreachable", str(error)) from error
    except jwt.PyJWTError as error:
        raise OidcError("id_token_unknown_key", str(error)) from error
    if len(keys) != 1:  # without a key id, only an unambiguous key set will do
        raise OidcError("id_token_unknown_key", "no key id and not exactly one RSA key")
    return keys[0].key


# --- the flow -----------------------------------------------------------------------------------------


def _code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def authorization_request(*, redirect_uri: str) -> tuple[str, AuthorizationState]:
    """The provider URL to redirect the browser to, and the state to keep in the session."""
    config = ClientConfiguration.from_settings()
    if not (config.issuer and config.client_id):
        raise OidcError("not_configured")
    metadata = discover(config.issuer)
    state = AuthorizationState(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        code_verifier=secrets.token_urlsafe(64),  # 86 characters, within RFC 7636's 43–128
    )
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": redirect_uri,
            "scope": " ".join(config.scopes),
            "state": state.state,
            "nonce": state.nonce,
            "code_challenge": _code_challenge(state.code_verifier),
            "code_challenge_method": "S256",
        }
    )
    separator = "&" if "?" in metadata.authorization_endpoint else "?"
    return f"{metadata.authorization_endpoint}{separator}{query}", state


def _token_request(
    metadata: ProviderMetadata, config: ClientConfiguration, *, code: str, redirect_uri: str, verifier: str
) -> dict[str, Any]:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    headers: dict[str, str] = {}
    methods = metadata.token_endpoint_auth_methods
    if config.client_secret and ("client_secret_basic" in methods or "client_secret_post" not in methods):
        # RFC 6749 §2.3.1: both parts form-encoded before Basic encoding.
        user, password = (
            urllib.parse.quote(part, safe="") for part in (config.client_id, config.client_secret)
        )
        pair = f"{user}:{password}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    elif config.client_secret:
        data.update(client_id=config.client_id, client_secret=config.client_secret)
    else:
        data["client_id"] = config.client_id
    response = _request_json(metadata.token_endpoint, data=data, headers=headers)
    if not isinstance(response, dict) or not isinstance(response.get("id_token"), str):
        raise OidcError("token_response_without_id_token")
    return response


def verify_id_token(
    id_token: str, *, metadata: ProviderMetadata, client_id: str, nonce: str
) -> dict[str, Any]:
    key = _signing_key(metadata.jwks_uri, id_token)
    try:
        claims: dict[str, Any] = jwt.decode(
            id_token,
            key=key,
            algorithms=SIGNING_ALGORITHMS,
            audience=client_id,
            issuer=metadata.issuer,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
    except jwt.ExpiredSignatureError as error:
        raise OidcError("id_token_expired", str(error)) from error
    except jwt.InvalidAudienceError as error:
        raise OidcError("id_token_audience", str(error)) from error
    except jwt.InvalidIssuerError as error:
        raise OidcError("id_token_issuer", str(error)) from error
    except jwt.InvalidSignatureError as error:
        raise OidcError("id_token_signature", str(error)) from error
    except jwt.PyJWTError as error:
        raise OidcError("id_token_invalid", str(error)) from error
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise OidcError("id_token_audience", "several audiences and azp is not this client")
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(claims["nonce"], nonce):
        raise OidcError("id_token_nonce")
    return claims


def complete_authorization(
    *, query: dict[str, str], expected: AuthorizationState, redirect_uri: str
) -> dict[str, Any]:
    """Check the callback's ``state``, exchange its ``code`` and return the ID token's verified claims."""
    if query.get("error"):
        raise OidcError("provider_refused", query["error"])
    if not query.get("state") or not secrets.compare_digest(query["state"], expected.state):
        raise OidcError("state_mismatch")
    if not query.get("code"):
        raise OidcError("no_code")
    config = ClientConfiguration.from_settings()
    metadata = discover(config.issuer)
    tokens = _token_request(
        metadata, config, code=query["code"], redirect_uri=redirect_uri, verifier=expected.code_verifier
    )
    return verify_id_token(
        tokens["id_token"], metadata=metadata, client_id=config.client_id, nonce=expected.nonce
    )
