"""Conditional refresh of the officers' lists (HTTP ETag, RFC 9110 §13).

The desk and the work queue reload themselves every minute in every open browser (htmx); most of those
reloads find nothing new. Each list gives a cheap fingerprint of its data (one aggregate query); the
ETag is that fingerprint with who asks, what they asked for, the language and a five-minute time bucket
(the "time left" badges move with the clock). Each user's buckets start at their own offset within the
five minutes, so that the lists of a whole province are not all rendered again in the same second. The
browser revalidates with ``If-None-Match`` by itself (``Cache-Control: private, no-cache``) and gets
``304 Not Modified`` instead of a rendered list: the same page, without rendering it again
(docs/benchmarks.md, mixed load).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Hashable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.translation import get_language

# The badges ("3 working hours left", "overdue by 1 working hour") may lag the clock by this much at most.
REFRESH_BUCKET_SECONDS = 300
_RELEASE = "egov-0.1.0"


def refresh_etag(request: HttpRequest, fingerprint: Hashable, *, now: float | None = None) -> str | None:
    """The list's ETag, or None where lists are not conditional (DEBUG: templates change under the
    developer's hands)."""
    if settings.DEBUG:
        return None
    user = getattr(request.user, "pk", None)
    moment = (now if now is not None else time.time()) + bucket_offset(user)
    bucket = int(moment // REFRESH_BUCKET_SECONDS)
    parts = (
        _RELEASE,
        user,
        get_language(),
        request.get_full_path(),
        bool(getattr(request, "htmx", False)),
        bucket,
        fingerprint,
    )
    return '"' + hashlib.sha256(repr(parts).encode()).hexdigest()[:32] + '"'


def bucket_offset(user_id: object) -> int:
    """Seconds by which this user's buckets are shifted: spread evenly over a bucket, the same in every
    process (a hash of the id, not Python's per-process ``hash``)."""
    digest = hashlib.blake2b(str(user_id).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") % REFRESH_BUCKET_SECONDS


def not_modified(request: HttpRequest, etag: str | None) -> HttpResponse | None:
    """``304 Not Modified`` when the browser already holds this version of the list."""
    if etag is None or request.method not in ("GET", "HEAD"):
        return None
    response = get_conditional_response(request, etag=etag)
    if response is not None:
        _headers(response)
    return response


def mark_refreshable(response: HttpResponse, etag: str | None) -> HttpResponse:
    if etag is not None and response.status_code == 200:
        response["ETag"] = etag
        _headers(response)
    return response


def _headers(response: HttpResponse) -> None:
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("HX-Request", "Cookie"))
