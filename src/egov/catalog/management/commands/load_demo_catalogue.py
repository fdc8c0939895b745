"""Load the demo catalogue: real procedures from the national database mapped onto the demo province
(docs/catalogue.md). Idempotent: missing procedures are created and published, the others are left as
they are (with --update, those that differ from the demo get it as a new published version). Needs
``load_demo_province`` first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from egov.catalog.demo_catalogue import DemoCatalogueError, demo_catalogue_load


class Command(BaseCommand):
    help = "Load the demo catalogue of procedures (idempotent; publishes). Run load_demo_province first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="Also publish the demo content for procedures that differ from it (e.g. edited since).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = demo_catalogue_load(actor=None, update_existing=options["update"])
        except DemoCatalogueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo catalogue ready: {result.written} procedures written, {result.unchanged} unchanged, "
                f"{result.kept} changed since and kept."
            )
        )
