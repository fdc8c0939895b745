"""Writing dossiers. Status changes only through :func:`dossier_transition`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import Agency
from egov.catalog.models import ProcedureVersion, RequiredPaper
from egov.core.audit.services import audit_record
from egov.core.calendar.selectors import add_working_hours
from egov.core.models import StoredFile
from egov.dossiers.alerts import desk_alert_on_commit
from egov.dossiers.hooks import StatusChange, status_changed
from egov.dossiers.models import TRANSITIONS, Dossier, DossierCodeCounter, DossierEvent, DossierPaper, Status
from egov.estore.models import EStoreItem


class TransitionRefused(ValidationError):
    """The dossier cannot go to that status from where it is; nothing was changed."""


def dossier_code_next(*, agency: Agency, moment: datetime) -> str:
    """``<agency electronic identifier>-YYMMDD-XXXX`` (Decree 118/2025 Art. 28; TT 01/2018 Art. 19), the
    sequence gapless per agency and day. Must run inside the transaction that stores the dossier: if it
    rolls back, the number is given back too."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier codes must be taken inside the dossier's transaction")
    day = timezone.localtime(moment).date()
    DossierCodeCounter.objects.bulk_create(
        [DossierCodeCounter(agency=agency, day=day, last_number=0)], ignore_conflicts=True
    )
    counter = DossierCodeCounter.objects.select_for_update().get(agency=agency, day=day)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{agency.code}-{day:%y%m%d}-{counter.last_number:04d}"


def dossier_transition(
    *,
    dossier: Dossier,
    to: str,
    actor: Any,
    note: str = "",
    at: datetime | None = None,
    is_locked: bool = False,
) -> Dossier:
    """Move a dossier to status ``to`` if the transition table allows it; record the history row and the
    audit event in the same transaction. A refused transition raises and changes nothing. Callers that
    already hold the row lock (``select_for_update`` in their transaction) pass ``is_locked=True``."""
    with transaction.atomic():
        locked = dossier if is_locked else Dossier.objects.select_for_update().get(pk=dossier.pk)
        current = locked.status
        if to not in TRANSITIONS.get(current, frozenset()):
            raise TransitionRefused(
                _("A dossier that is “%(current)s” cannot become “%(target)s”.")
                % {"current": Status(current).label, "target": Status(to).label},
                code="transition_refused",
            )
        moment = at or timezone.now()
        locked.status = to
        locked.save(update_fields=["status", "updated_at"])
        DossierEvent.objects.create(
            dossier=locked, from_status=current, to_status=to, at=moment, actor=actor, note=note
        )
        audit_record(
            actor=actor, action="dossier.status_changed", target=locked, changes={"status": [current, to]}
        )
        status_changed(
            StatusChange(dossier=locked, from_status=current, to_status=to, at=moment, actor=actor, note=note)
        )
    dossier.status = to
    return locked


@dataclass(frozen=True)
class PaperInput:
    required_paper: RequiredPaper | None
    name: str
    file: StoredFile | None = None
    estore_item: EStoreItem | None = None
    from_national_database: bool = False


def dossier_create(
    *,
    actor: Any,
    version: ProcedureVersion,
    receiving_agency: Agency,
    channel: str,
    applicant: Any,
    applicant_name: str,
    applicant_personal_id: str = "",
    applicant_phone: str = "",
    applicant_email: str = "",
    applicant_address: str = "",
    form_data: dict[str, Any] | None = None,
    papers: Iterable[PaperInput] = (),
) -> Dossier:
    """A new dossier waiting for receipt (national status 1) in the receiving one-stop section's queue."""
    if version.status != ProcedureVersion.Status.PUBLISHED:
        raise ValidationError(
            _("This procedure version is no longer open for applications."), code="version_closed"
        )
    now = timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.create(
            code=dossier_code_next(agency=receiving_agency, moment=now),
            procedure_version=version,
            receiving_agency=receiving_agency,
            channel=channel,
            status=Status.NEW,
            applicant=applicant if getattr(applicant, "pk", None) else None,
            applicant_name=applicant_name,
            applicant_personal_id=applicant_personal_id,
            applicant_phone=applicant_phone,
            applicant_email=applicant_email,
            applicant_address=applicant_address,
            form_data=form_data or {},
            submitted_at=now,
            # Decree 118/2025 Art. 17.2: accepted or returned for changes within 8 working hours.
            acceptance_due_at=add_working_hours(now, 8) if channel == Dossier.Channel.ONLINE else None,
        )
        DossierPaper.objects.bulk_create(
            DossierPaper(
                dossier=dossier,
                required_paper=paper.required_paper,
                name=paper.name,
                file=paper.file,
                estore_item=paper.estore_item,
                from_national_database=paper.from_national_database,
            )
            for paper in papers
        )
        DossierEvent.objects.create(
            dossier=dossier, from_status="", to_status=Status.NEW, at=now, actor=actor
        )
        audit_record(
            actor=actor,
            action="dossier.submitted",
            target=dossier,
            changes={
                "status": [None, Status.NEW],
                "channel": [None, channel],
                "procedure": [None, version.pk],
            },
        )
        status_changed(
            StatusChange(dossier=dossier, from_status="", to_status=Status.NEW, at=now, actor=actor)
        )
        if channel == Dossier.Channel.ONLINE:
            desk_alert_on_commit(dossier.pk)
    return dossier
