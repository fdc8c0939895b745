"""Write the catalogue as a spreadsheet (docs/catalogue.md):
``manage.py catalogue_export -o danh-muc.xlsx``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.catalog.spreadsheet import FORMATS, catalogue_export, file_format_for


class Command(BaseCommand):
    help = "Export the catalogue (published versions, or drafts with --drafts) as xlsx or CSV."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", default="-", help="File to write; - for standard output.")
        parser.add_argument("--format", choices=FORMATS, help="xlsx or csv (default: from the file name).")
        parser.add_argument(
            "--drafts", action="store_true", help="Export each procedure's draft where it has one."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output: str = options["output"]
        file_format = options["format"] or (file_format_for(output) if output != "-" else "csv")
        if file_format is None:
            raise CommandError("Give --format (xlsx or csv) or an output file ending in .xlsx or .csv.")
        payload = catalogue_export(file_format=file_format, include_drafts=options["drafts"])
        if output == "-":
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
            return
        Path(output).write_bytes(payload)
        self.stderr.write(f"Wrote {output} ({len(payload)} bytes).")
