"""``manage.py reports_rebuild``: fill the reports' summary tables again from the dossiers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Rebuild the reports' summary tables (figures per day and month, dossiers in progress) from the "
        "dossier tables, in one transaction. Run it after importing dossiers without the services."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=10_000, help="dossiers read at a time")
        parser.add_argument("--quiet", action="store_true", help="no progress lines")

    def handle(self, *args: Any, **options: Any) -> None:
        from egov.reports.services import reports_rebuild

        say = None if options["quiet"] else (lambda line: self.stderr.write(line))
        result = reports_rebuild(chunk_size=options["chunk_size"], progress=say)
        self.stdout.write(result.summary())
