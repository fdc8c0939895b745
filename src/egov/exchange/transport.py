"""Sending one signed JSON request to a peer over HTTP(S), with the standard library's client (no extra
dependency). Never raises for a network problem: the outcome says what happened."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from egov.exchange.signing import signed_headers

RESPONSE_LIMIT = 1_048_576  # a peer's answer is small; never read an unbounded body


@dataclass(frozen=True)
class HttpOutcome:
    status: int | None  # None: no HTTP answer at all (refused, reset, timed out)
    body: Any  # parsed JSON, or None
    error: str  # empty on a 2xx
    duration_ms: int


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None


def post_signed(
    *, url: str, payload: Any, key_id: str, secret: str, idempotency_key: str, timeout: float
) -> HttpOutcome:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Accept": "application/json",
        **signed_headers(
            key_id=key_id,
            secret=secret,
            method="POST",
            path=_path_of(url),
            idempotency_key=idempotency_key,
            body=body,
        ),
    }
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only, checked at configuration
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read(RESPONSE_LIMIT)
            return HttpOutcome(status=response.status, body=_json(raw), error="", duration_ms=elapsed())
    except urllib.error.HTTPError as error:
        raw = error.read(RESPONSE_LIMIT) if error.fp else b""
        parsed = _json(raw)
        detail = parsed.get("message") if isinstance(parsed, dict) else None
        return HttpOutcome(
            status=error.code,
            body=parsed,
            error=f"HTTP {error.code}" + (f": {detail}" if detail else ""),
            duration_ms=elapsed(),
        )
    except TimeoutError:
        return HttpOutcome(
            status=None, body=None, error=f"timeout after {timeout:g} s", duration_ms=elapsed()
        )
    except urllib.error.URLError as error:
        reason = error.reason
        kind = "timeout" if isinstance(reason, TimeoutError | socket.timeout) else "connection failed"
        return HttpOutcome(status=None, body=None, error=f"{kind}: {reason}", duration_ms=elapsed())
    except (http.client.HTTPException, ConnectionError, OSError) as error:
        return HttpOutcome(
            status=None,
            body=None,
            error=f"connection failed: {type(error).__name__} {error}",
            duration_ms=elapsed(),
        )
