"""How every call between egov-vn and a connected system is authenticated (docs/exchange.md, ADR 0002):
an HMAC-SHA256 signature over the method, the path, a timestamp, the idempotency key and the body's
SHA-256, made with the secret of the caller's connection account (Decree 47/2020 Art. 40).

This module has no Django import: the national portal simulator, a separate process, signs and checks
with it too.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SCHEME = "v1"
KEY_ID_HEADER = "X-Egov-Key-Id"
TIMESTAMP_HEADER = "X-Egov-Timestamp"
SIGNATURE_HEADER = "X-Egov-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
DEFAULT_MAX_SKEW_SECONDS = 300
IDEMPOTENCY_KEY_MAX_LENGTH = 128


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical_request(*, method: str, path: str, timestamp: str, idempotency_key: str, body: bytes) -> bytes:
    """The text that is signed: one field per line. ``path`` includes the query string, as sent."""
    return "\n".join([method.upper(), path, timestamp, idempotency_key, body_digest(body)]).encode()


def signature_for(
    *, secret: str, method: str, path: str, timestamp: str, idempotency_key: str, body: bytes
) -> str:
    mac = hmac.new(
        secret.encode(),
        canonical_request(
            method=method, path=path, timestamp=timestamp, idempotency_key=idempotency_key, body=body
        ),
        hashlib.sha256,
    )
    return f"{SCHEME}={mac.hexdigest()}"


def signed_headers(
    *,
    key_id: str,
    secret: str,
    method: str,
    path: str,
    idempotency_key: str,
    body: bytes,
    now: float | None = None,
) -> dict[str, str]:
    """The headers a caller adds to a request (besides Content-Type)."""
    timestamp = str(int(now if now is not None else time.time()))
    return {
        KEY_ID_HEADER: key_id,
        TIMESTAMP_HEADER: timestamp,
        IDEMPOTENCY_HEADER: idempotency_key,
        SIGNATURE_HEADER: signature_for(
            secret=secret,
            method=method,
            path=path,
            timestamp=timestamp,
            idempotency_key=idempotency_key,
            body=body,
        ),
    }


class SignatureProblem(Exception):
    """Why a request was not authenticated; ``code`` is stable, for logs and for the caller."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Verified:
    key_id: str
    timestamp: int
    idempotency_key: str


def header(headers: Mapping[str, str], name: str) -> str:
    """Case-insensitive header lookup (WSGI and http.server spell them differently)."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value.strip()
    return ""


def verify_request(
    *,
    headers: Mapping[str, str],
    method: str,
    path: str,
    body: bytes,
    key_id: str,
    secrets: Iterable[str],
    max_skew: int = DEFAULT_MAX_SKEW_SECONDS,
    now: float | None = None,
) -> Verified:
    """Check a request against the connection account ``key_id`` whose current (and, while a secret is
    being rotated, previous) ``secrets`` are given. Raises :class:`SignatureProblem`."""
    presented_key = header(headers, KEY_ID_HEADER)
    timestamp = header(headers, TIMESTAMP_HEADER)
    signature = header(headers, SIGNATURE_HEADER)
    idempotency_key = header(headers, IDEMPOTENCY_HEADER)
    if not presented_key or not timestamp or not signature:
        raise SignatureProblem("credentials_missing")
    if not hmac.compare_digest(presented_key, key_id):
        raise SignatureProblem("unknown_key")
    if not timestamp.isascii() or not timestamp.isdigit():
        raise SignatureProblem("timestamp_invalid")
    moment = int(timestamp)
    if abs((now if now is not None else time.time()) - moment) > max_skew:
        raise SignatureProblem("timestamp_out_of_window")
    usable = [secret for secret in secrets if secret]
    if not usable:
        raise SignatureProblem("not_configured")
    for secret in usable:
        expected = signature_for(
            secret=secret,
            method=method,
            path=path,
            timestamp=timestamp,
            idempotency_key=idempotency_key,
            body=body,
        )
        if hmac.compare_digest(expected, signature):
            return Verified(key_id=presented_key, timestamp=moment, idempotency_key=idempotency_key)
    raise SignatureProblem("signature_mismatch")
