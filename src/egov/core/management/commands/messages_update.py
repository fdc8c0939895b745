"""``make messages``: refresh the Vietnamese catalogue from the code, then compile it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.core.i18n_catalogue import CatalogueError, catalogue_path, domains, update_catalogue


class Command(BaseCommand):
    help = (
        "Extract the translatable strings of src/egov into src/egov/locale/vi/LC_MESSAGES/django.po "
        "(makemessages --no-location --no-obsolete, on a temporary copy of the tree), then compile django.mo."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for domain in domains():
            try:
                result = update_catalogue(domain)
            except CatalogueError as error:
                raise CommandError(str(error)) from error
            po = catalogue_path(domain)
            state = "updated" if result.changed else "unchanged"
            self.stdout.write(
                f"{po} {state}: {result.messages} messages; {po.with_suffix('.mo').name} compiled."
            )
            if result.untranslated:
                self.stdout.write(
                    self.style.WARNING(f"{len(result.untranslated)} to translate (empty or fuzzy):")
                )
                for label in result.untranslated:
                    self.stdout.write(f"  - {label}")
                self.stdout.write("Translate them, then run `make messages` again to compile.")
