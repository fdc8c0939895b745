"""Run the periodic jobs when they are due (every 30 seconds a check), until stopped; --once for cron."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.core.schedule import JOBS, run_due_jobs


class Command(BaseCommand):
    help = "Run registered periodic jobs when due (core/schedule.py)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Check once and exit (for cron).")
        parser.add_argument("--interval", type=float, default=30.0)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Scheduler: {', '.join(sorted(JOBS)) or 'no jobs'}")
        while True:
            ran = run_due_jobs()
            if ran:
                self.stdout.write(f"ran: {', '.join(ran)}")
            if options["once"]:
                return
            time.sleep(options["interval"])
