"""Demo data of the national-portal connector: the demo province's procedures and one-stop centres mapped
to codes as the national portal would route them (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from egov.accounts.models import Agency
from egov.catalog.models import Procedure
from egov.exchange.contrib.national_portal.services import mappings_ensure


class Command(BaseCommand):
    help = "Map the demo province's procedures and one-stop centres to national portal codes (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        # The catalogue carries the national codes already: each maps to itself, so that the admin shows the
        # table a province keeps. The portal names a receiving unit in the form 000.<unit>.<province>.
        procedures = {code: code for code in Procedure.objects.values_list("national_code", flat=True)}
        agencies = {}
        for code in Agency.objects.filter(
            level=Agency.Level.ONE_STOP_CENTRE, valid_to__isnull=True
        ).values_list("code", flat=True):
            province, _dot, rest = code.partition(".")
            agencies[f"000.{rest}.{province}"] = code
        made = mappings_ensure(actor=None, procedures=procedures, agencies=agencies)
        self.stdout.write(f"National portal mappings: {made[0]} procedures, {made[1]} agencies added.")
