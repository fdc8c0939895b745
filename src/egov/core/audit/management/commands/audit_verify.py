from typing import Any

from django.core.management.base import BaseCommand, CommandError

from egov.core.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the SHA-256 chain of audit events and name the first broken link."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if not report.is_intact:
            raise CommandError(
                f"Audit chain broken at event #{report.first_broken_sequence}: {report.reason} "
                f"({report.checked} events verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} events verified."))
