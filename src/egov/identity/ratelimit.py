"""A small database-backed rate limiter, shared by every worker: ``rate_limit_hit(key, limit, window)``.

Counts hits of ``key`` in fixed windows of ``window_seconds`` aligned on the epoch (so every key's window
ends at the same moment, which :func:`rate_limit_window_end` gives for messages). Fixed windows allow up
to twice ``limit`` across a window boundary; that is enough to stop guessing and scraping, and costs one
row per key and window. Keys are any text (``"sign-in:ip:203.0.113.5"``); they are stored hashed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from egov.identity.models import RateLimitCounter


def _window_start(window_seconds: int, now: datetime) -> datetime:
    start = int(now.timestamp()) // window_seconds * window_seconds
    return datetime.fromtimestamp(start, tz=UTC)


def rate_limit_window_end(window_seconds: int, *, now: datetime | None = None) -> datetime:
    """When the current window ends and every key's count starts again from zero."""
    return _window_start(window_seconds, now or timezone.now()) + timedelta(seconds=window_seconds)


def _digest(key: str, window_seconds: int) -> str:
    return hashlib.sha256(f"{window_seconds}:{key}".encode()).hexdigest()


def rate_limit_hit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit of ``key``; True when it is over ``limit`` hits in the current window (refuse it).

    The first ``limit`` hits of a window return False, every later one True.
    """
    if window_seconds <= 0 or limit < 0:
        raise ValueError("window_seconds must be positive and limit not negative")
    now = timezone.now()
    start = _window_start(window_seconds, now)
    digest = _digest(key, window_seconds)
    rows = RateLimitCounter.objects.filter(key_hash=digest, window_start=start)
    with transaction.atomic():
        if not rows.update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(
                        key_hash=digest,
                        window_start=start,
                        expires_at=start + timedelta(seconds=window_seconds),
                        count=1,
                    )
            except IntegrityError:  # another worker created this window's row first
                rows.update(count=F("count") + 1)
            else:
                # A new window: this key's earlier rows are finished.
                RateLimitCounter.objects.filter(key_hash=digest, window_start__lt=start).delete()
        count = rows.values_list("count", flat=True).get()
    return count > limit


def rate_limit_purge(*, now: datetime | None = None) -> int:
    """Delete the counters of finished windows; returns how many."""
    deleted, _ = RateLimitCounter.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted


def rate_limit_digests(keys: tuple[str, ...], window_seconds: int) -> tuple[dict[str, str], Any]:
    """For a caller that reads the counters in its own statement (the public lookup reads them with the
    dossier): digest → key, and the current window's start as a database parameter. Rows of
    ``RateLimitCounter`` with those ``key_hash`` and that ``window_start`` hold the counts."""
    start = _window_start(window_seconds, timezone.now())
    return (
        {_digest(key, window_seconds): key for key in keys},
        connection.ops.adapt_datetimefield_value(start),
    )
