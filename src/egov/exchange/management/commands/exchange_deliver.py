"""Deliver what is due now (the worker and the scheduler do it by themselves; this is for operators and
cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.exchange.peers import peer_codes
from egov.exchange.services import outbox_deliver


class Command(BaseCommand):
    help = "Send the messages due to connected systems now and print what happened."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--peer", action="append", help="Only this system (repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        for code in options["peer"] or peer_codes():
            report = outbox_deliver(peer_code=code)
            self.stdout.write(f"{code}: {report.as_dict()}")
