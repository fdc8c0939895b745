"""Print the local test CA's root certificate (PEM), to add to a PDF reader's trusted certificates in
development so that signed results show as valid there too."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.signing.backends.local_ca import root_certificate


class Command(BaseCommand):
    help = "Print the PEM of the local test CA's root certificate (created if there is none yet)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(root_certificate().certificate_pem, ending="")
