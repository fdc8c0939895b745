"""Compare with the national portal now (the scheduler does it every night)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from egov.exchange.contrib.national_portal.services import reconcile


class Command(BaseCommand):
    help = "Reconcile the dossiers submitted in a period with the national portal and print the sync rate."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat, default=None)
        parser.add_argument("--to", dest="date_to", type=date.fromisoformat, default=None)
        parser.add_argument("--no-resend", action="store_true", help="Only report; queue nothing again.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        report = reconcile(
            date_from=options["date_from"] or today - timedelta(days=30),
            date_to=options["date_to"] or today,
            resend=not options["no_resend"],
        )
        if report.error:
            self.stderr.write(f"Reconciliation failed: {report.error}")
            return
        self.stdout.write(
            f"{report.date_from}..{report.date_to}: here {report.local_count}, portal {report.portal_count}, "
            f"in step {report.synced_count}, sync rate {report.rate} %, queued again {report.resent}"
        )
