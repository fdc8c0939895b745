"""``make lint``: fail unless the committed Vietnamese catalogue covers the code, is fully translated
and its compiled django.mo is current. Touches nothing in the tree."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.core.i18n_catalogue import CatalogueError, check_catalogue


class Command(BaseCommand):
    help = (
        "Check src/egov/locale/vi: every string in the code is in django.po, translated and not fuzzy, "
        "and django.mo is django.po compiled."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = check_catalogue()
        except CatalogueError as error:
            raise CommandError(str(error)) from error
        if result.unused and options["verbosity"] > 0:
            self.stdout.write(
                f"Note: {len(result.unused)} entries are no longer in the code; `make messages` drops them."
            )
        if not result.is_complete:
            self.stderr.write(result.report())
            raise CommandError(
                f"The Vietnamese catalogue is incomplete ({len(result.problems)} found). "
                "Run `make messages`, translate the entries listed, run `make messages` again and commit "
                "src/egov/locale."
            )
        self.stdout.write(self.style.SUCCESS(f"Vietnamese catalogue complete: {result.messages} messages"))
