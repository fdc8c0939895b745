"""Import procedures from a catalogue spreadsheet (docs/catalogue.md), the same way as the admin's
upload page: ``manage.py catalogue_import danh-muc.xlsx --dry-run``, then without ``--dry-run``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.catalog.spreadsheet import FORMATS, ImportReport, catalogue_import, file_format_for


class Command(BaseCommand):
    help = (
        "Check a catalogue spreadsheet and report every row's problems; without --dry-run, and only if "
        "there are none, write every row (published unless --draft) in one transaction."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument("--format", choices=FORMATS, help="xlsx or csv (default: from the file name).")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument("--draft", action="store_true", help="Save rows as drafts instead of publishing.")
        parser.add_argument("--actor", help="Username recorded in the audit trail (default: the system).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: str = options["file"]
        file_format = options["format"] or file_format_for(path)
        if file_format is None:
            raise CommandError("Give --format (xlsx or csv) or a file ending in .xlsx or .csv.")
        actor = None
        if options["actor"]:
            actor = get_user_model().objects.filter(username=options["actor"]).first()
            if actor is None:
                raise CommandError(f"No user {options['actor']!r}.")
        try:
            payload = Path(path).read_bytes()
        except OSError as error:
            raise CommandError(str(error)) from error

        def progress(done: int, total: int) -> None:
            self.stderr.write(f"\r{done}/{total}", ending="")
            if done == total:
                self.stderr.write("")

        report = catalogue_import(
            payload,
            file_format=file_format,
            dry_run=options["dry_run"],
            publish=not options["draft"],
            actor=actor,
            progress=progress,
        )
        self._print(report)
        if report.has_errors:
            raise CommandError(f"{len(report.issues)} problems; nothing was written.")

    def _print(self, report: ImportReport) -> None:
        for issue in report.issues:
            self.stdout.write(f"row {issue.row}, {issue.column or '-'}: {issue.message}")
        if report.has_errors:
            return
        for row in report.rows:
            self.stdout.write(f"row {row.row}: {row.national_code} {row.action}")
        unchanged = report.count("unchanged")
        if report.is_dry_run:
            summary = f"{len(report.rows) - unchanged} would be written"
        else:
            summary = f"{report.written} written"
        self.stdout.write(
            self.style.SUCCESS(f"{len(report.rows)} rows checked; {summary}, {unchanged} unchanged.")
        )
