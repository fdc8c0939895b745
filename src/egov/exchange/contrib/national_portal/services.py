"""The national-portal connector's writes: releasing parked dossiers once mapped, mapping a catalogue in
bulk, reconciling. The connector's messages themselves go through egov.exchange.services."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from egov.accounts.models import Agency
from egov.catalog.models import Procedure
from egov.core.audit.services import audit_record
from egov.exchange.contrib.national_portal.mapping import UNMAPPED_AGENCY, UNMAPPED_PROCEDURE
from egov.exchange.contrib.national_portal.models import AgencyMapping, ProcedureMapping
from egov.exchange.contrib.national_portal.outbound import PEER_CODE
from egov.exchange.contrib.national_portal.reconciliation import reconcile, reconcile_recent, sync_rate
from egov.exchange.models import InboxMessage
from egov.exchange.services import inbox_reprocess


def parked_release(*, actor: Any) -> int:
    """Process again every dossier parked for want of a mapping; returns how many are now received."""
    parked = InboxMessage.objects.filter(
        peer__code=PEER_CODE,
        state=InboxMessage.State.PARKED,
        reason_code__in=[UNMAPPED_PROCEDURE, UNMAPPED_AGENCY],
    ).order_by("id")
    released = 0
    for message in parked:
        done = inbox_reprocess(actor=actor, message=message)
        released += done.state == InboxMessage.State.APPLIED
    return released


def mappings_ensure(*, actor: Any, procedures: dict[str, str], agencies: dict[str, str]) -> tuple[int, int]:
    """Create the mappings that do not exist yet: ``procedures`` national code → local procedure code,
    ``agencies`` national identifier → local agency code (idempotent; for loading a province's table)."""
    made_procedures = made_agencies = 0
    with transaction.atomic():
        for national, local in procedures.items():
            procedure = Procedure.objects.filter(national_code=local).first()
            if procedure is None or ProcedureMapping.objects.filter(national_code=national).exists():
                continue
            mapping = ProcedureMapping.objects.create(national_code=national, procedure=procedure)
            audit_record(actor=actor, action="proceduremapping.created", target=mapping)
            made_procedures += 1
        for national, local in agencies.items():
            agency = Agency.objects.filter(code=local).first()
            if agency is None or AgencyMapping.objects.filter(national_code=national).exists():
                continue
            mapping_agency = AgencyMapping.objects.create(national_code=national, agency=agency)
            audit_record(actor=actor, action="agencymapping.created", target=mapping_agency)
            made_agencies += 1
    return made_procedures, made_agencies


__all__ = ["mappings_ensure", "parked_release", "reconcile", "reconcile_recent", "sync_rate"]
