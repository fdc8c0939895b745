"""Run daily (cron or a scheduled task): delete expired codes, sign-ups, counters and old attempts."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.identity.services import identity_records_purge


class Command(BaseCommand):
    help = (
        "Delete expired one-time codes, unconfirmed sign-ups, finished rate-limit windows and old attempts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = identity_records_purge()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
