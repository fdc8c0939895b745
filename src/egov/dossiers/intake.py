"""The one-stop section's decisions (Decree 118/2025 Art. 17–21): receive, ask to supplement, refuse,
transfer, stop. Each checks the officer's permission, changes the status through the transition table,
issues its slip and writes the audit event, all in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import Agency
from egov.accounts.selectors import user_has_permission
from egov.core.calendar.selectors import add_working_hours, get_calendar
from egov.core.permissions import Permission
from egov.dossiers.models import (
    TRANSITIONS,
    ControlRow,
    Dossier,
    DossierPaper,
    DossierStep,
    Slip,
    Status,
    StepHolding,
    SupplementRequest,
)
from egov.dossiers.notify import dossier_notify_on_commit
from egov.dossiers.processing import processing_start, processing_supplement_received
from egov.dossiers.services import dossier_transition
from egov.dossiers.timeliness import control_outcome

# Decree 118/2025 Art. 18.2: received after 15:00 → transferred at the start of the next working day.
TRANSFER_CUTOFF = time(15, 0)
# Art. 19.5: a dossier not supplemented within 15 days is closed (calendar days, as the article says).
SUPPLEMENT_DAYS = 15
# Art. 17.2: an online dossier is accepted or returned for changes within 8 working hours.
ACCEPTANCE_WORKING_HOURS = 8


def _require(actor: Any, permission: Permission, agency: Agency | int) -> None:
    if not user_has_permission(user=actor, permission=permission, agency=agency):
        raise PermissionDenied(_("You may not do this for this agency."))


def _locked(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version__procedure", "receiving_agency")
        .get(pk=dossier.pk)
    )


def _issue(dossier: Dossier, kind: str, actor: Any, data: dict[str, Any], at: datetime) -> Slip:
    return Slip.objects.create(dossier=dossier, kind=kind, issued_at=at, issued_by=actor, data=data)


def acceptance_deadline(submitted_at: datetime) -> datetime:
    """When an online dossier must be accepted or returned for changes (Art. 17.2)."""
    return add_working_hours(submitted_at, ACCEPTANCE_WORKING_HOURS)


def transfer_deadline(received_at: datetime) -> datetime:
    """By the end of the same working day; received after 15:00 (or outside a working day), by the start
    of the next working day (Decree 118/2025 Art. 18.2)."""
    calendar = get_calendar()
    local = timezone.localtime(received_at)
    day = local.date()
    last_session = calendar.sessions[-1]
    first_session = calendar.sessions[0]
    if calendar.is_working_day(day) and local.time() <= TRANSFER_CUTOFF:
        return datetime.combine(day, last_session.end, local.tzinfo)
    next_day = calendar.nth_working_day_after(day, 1)
    return datetime.combine(next_day, first_session.start, local.tzinfo) + timedelta(hours=1)


_PROCESSING_AGENCY_SECONDS = 300


def _find_processing_agency(dossier: Dossier) -> int | None:
    """The same for every dossier of a version received by one centre: kept five minutes (a published
    version's agencies and steps do not change; a merger moves the open work itself)."""
    key = f"processing-agency:{dossier.procedure_version_id}:{dossier.receiving_agency_id}"
    found = cache.get(key)
    if found is None:
        found = _processing_agency_of(dossier) or 0
        cache.set(key, found, _PROCESSING_AGENCY_SECONDS)
    return found or None


def _processing_agency_of(dossier: Dossier) -> int | None:
    """The first agency step's agency; for a procedure the communes implement, the commune whose centre
    received it (a commune centre is a unit of its People's Committee)."""
    version = dossier.procedure_version
    implementing = set(version.implementing_agencies.values_list("id", flat=True))
    # A commune procedure is processed by the commune whose centre received it (Decree 118 Art. 14.2
    # lets any centre receive, but the commune of that centre decides), even where the step templates
    # name one commune as an example.
    parent_id = dossier.receiving_agency.parent_id
    if parent_id in implementing and version.level == "commune":
        return parent_id
    first_step = (
        version.steps.exclude(agency__isnull=True).exclude(role="one_stop_officer").order_by("order").first()
    )
    if first_step is not None:
        return first_step.agency_id
    if parent_id in implementing:
        return parent_id
    return version.implementing_agencies.order_by("code").values_list("id", flat=True).first()


def receipt_data(dossier: Dossier) -> dict[str, Any]:
    """Every field of form 01 (spec §2), frozen at issue."""
    version = dossier.procedure_version
    return {
        "code": dossier.code,
        "receiving_agency": dossier.receiving_agency.name,
        "applicant_name": dossier.applicant_name,
        "applicant_id": dossier.applicant_personal_id,
        "address": dossier.applicant_address,
        "phone": dossier.applicant_phone,
        "email": dossier.applicant_email,
        "authorised_person": dossier.authorised_person,
        "procedure": version.name,
        "procedure_code": version.procedure.national_code,
        "papers": [
            {
                "name": paper.name,
                "originals": paper.required_paper.originals if paper.required_paper else 1,
                "copies": paper.required_paper.copies if paper.required_paper else 0,
                "from_estore": paper.estore_item_id is not None,
                "from_national_database": paper.from_national_database,
            }
            for paper in dossier.papers.select_related("required_paper")
        ],
        "sets": dossier.sets,
        "processing_days": version.processing_days_for(is_online=dossier.channel == Dossier.Channel.ONLINE),
        "received_at": dossier.received_at.isoformat() if dossier.received_at else None,
        "due_at": dossier.due_at.isoformat() if dossier.due_at else None,
        "delivery_place": dossier.receiving_agency.name,
        "received_by": str(dossier.received_by) if dossier.received_by else "",
    }


RECEIVE_FIELDS = ("received_at", "received_by", "sets", "due_at", "processing_agency", "transfer_due_at")


def dossier_receive(*, actor: Any, dossier: Dossier, sets: int = 1, at: datetime | None = None) -> Dossier:
    """Complete → received: the appointment comes from the calendar (the procedure's processing time in
    working days from the moment of complete reception, Art. 17.3), the receipt (form 01) is issued —
    unless the result is immediate and no receipt was asked for (Art. 17.4) — and the transfer deadline
    is set (Art. 18.2)."""
    _require(actor, Permission.DOSSIER_RECEIVE, dossier.receiving_agency_id)
    moment = at or timezone.now()
    with transaction.atomic():
        locked = _locked(dossier)
        if Status.RECEIVED not in TRANSITIONS.get(locked.status, frozenset()):
            # Refused before any work (received meanwhile by another officer, withdrawn…).
            dossier_transition(dossier=locked, to=Status.RECEIVED, actor=actor, at=moment, is_locked=True)
        version = locked.procedure_version
        days = version.processing_days_for(is_online=locked.channel == Dossier.Channel.ONLINE)
        locked.received_at = moment
        locked.received_by = actor
        locked.sets = sets
        locked.due_at = get_calendar().add_working_days(moment, days) if days else moment
        locked.processing_agency_id = _find_processing_agency(locked)
        locked.transfer_due_at = transfer_deadline(moment)
        locked.save(update_fields=[*RECEIVE_FIELDS, "updated_at"])
        if days or locked.is_receipt_requested:
            _issue(locked, Slip.Kind.RECEIPT, actor, receipt_data(locked), moment)
        # The status change last: its audit event locks the audit chain's head until the commit, and
        # every audited write of the system waits for that lock (docs/benchmarks.md, receipts).
        dossier_transition(dossier=locked, to=Status.RECEIVED, actor=actor, at=moment, is_locked=True)
        dossier_notify_on_commit(locked.pk, "received")
    return locked


def dossier_request_supplement(
    *, actor: Any, dossier: Dossier, items: Sequence[str], reason: str = "", at: datetime | None = None
) -> SupplementRequest:
    """Incomplete → everything missing, listed at once (Art. 17.1c), on the request to supplement
    (form 02). The applicant has 15 days (Art. 19.5)."""
    _require(actor, Permission.DOSSIER_RECEIVE, dossier.receiving_agency_id)
    cleaned = [item.strip() for item in items if item and item.strip()]
    if not cleaned:
        raise ValidationError(_("List at least one paper or piece of information that is missing."))
    moment = at or timezone.now()
    with transaction.atomic():
        locked = _locked(dossier)
        dossier_transition(
            dossier=locked, to=Status.SUPPLEMENT_REQUESTED, actor=actor, note=reason, at=moment
        )
        request = SupplementRequest.objects.create(
            dossier=locked,
            stage=SupplementRequest.Stage.INTAKE,
            requested_at=moment,
            requested_by=actor,
            items=cleaned,
            reason=reason,
            due_on=timezone.localtime(moment).date() + timedelta(days=SUPPLEMENT_DAYS),
        )
        _issue(
            locked,
            Slip.Kind.SUPPLEMENT_REQUEST,
            actor,
            {
                "code": locked.code,
                "applicant_name": locked.applicant_name,
                "procedure": locked.procedure_version.name,
                "items": cleaned,
                "reason": reason,
                "due_on": request.due_on.isoformat(),
                "contact": str(actor),
            },
            moment,
        )
        dossier_notify_on_commit(locked.pk, "supplement_requested")
    return request


def dossier_supplement(
    *,
    actor: Any,
    dossier: Dossier,
    papers: Sequence[DossierPaper] = (),
    note: str = "",
    at: datetime | None = None,
) -> Dossier:
    """The applicant (online) or the officer (at the counter) brings what was asked: the dossier goes back
    to the "to receive" queue with a fresh 8-working-hour clock."""
    is_applicant = dossier.applicant_id is not None and getattr(actor, "pk", None) == dossier.applicant_id
    if not is_applicant:
        _require(actor, Permission.DOSSIER_RECEIVE, dossier.receiving_agency_id)
    moment = at or timezone.now()
    with transaction.atomic():
        locked = _locked(dossier)
        request = locked.supplement_requests.filter(fulfilled_at__isnull=True, expired_at__isnull=True).last()
        if request is None:
            raise ValidationError(_("Nothing has been requested for this dossier."))
        during_processing = request.stage == SupplementRequest.Stage.PROCESSING
        target = Status.PROCESSING if during_processing else Status.NEW
        dossier_transition(dossier=locked, to=target, actor=actor, note=note, at=moment, is_locked=True)
        request.fulfilled_at = moment
        request.save(update_fields=["fulfilled_at"])
        if during_processing:
            processing_supplement_received(dossier=locked, request=request, at=moment)
        for paper in papers:
            paper.dossier = locked
            paper.supplement = request
            paper.save()
        if not during_processing:
            locked.acceptance_due_at = acceptance_deadline(moment)
            locked.save(update_fields=["acceptance_due_at", "updated_at"])
    return locked


def dossier_refuse(
    *, actor: Any, dossier: Dossier, reasons: Sequence[str], at: datetime | None = None
) -> Slip:
    """Not eligible → the refusal (form 03) with its reasons."""
    _require(actor, Permission.DOSSIER_RECEIVE, dossier.receiving_agency_id)
    cleaned = [reason.strip() for reason in reasons if reason and reason.strip()]
    if not cleaned:
        raise ValidationError(_("Give the reason for refusing the dossier."))
    moment = at or timezone.now()
    with transaction.atomic():
        locked = _locked(dossier)
        dossier_transition(
            dossier=locked, to=Status.REFUSED, actor=actor, note="; ".join(cleaned), at=moment, is_locked=True
        )
        Dossier.objects.filter(pk=locked.pk).update(closed_at=moment)
        dossier_notify_on_commit(locked.pk, "refused")
        return _issue(
            locked,
            Slip.Kind.REFUSAL,
            actor,
            {
                "code": locked.code,
                "applicant_name": locked.applicant_name,
                "applicant_id": locked.applicant_personal_id,
                "procedure": locked.procedure_version.name,
                "reasons": cleaned,
            },
            moment,
        )


def dossier_transfer(*, actor: Any, dossier: Dossier, at: datetime | None = None) -> ControlRow:
    """Hand a received dossier to the agency that processes it; the first row of the control slip."""
    _require(actor, Permission.DOSSIER_RECEIVE, dossier.receiving_agency_id)
    moment = at or timezone.now()
    with transaction.atomic():
        locked = _locked(dossier)
        dossier_transition(dossier=locked, to=Status.PROCESSING, actor=actor, at=moment, is_locked=True)
        Dossier.objects.filter(pk=locked.pk).update(transferred_at=moment)
        target = locked.processing_agency
        processing_start(dossier=locked, actor=actor, at=moment)
        return ControlRow.objects.create(
            dossier=locked,
            step=_("Transfer to the processing agency"),
            giver=f"{actor} ({locked.receiving_agency.name})",
            receiver=target.name if target else "",
            from_agency=locked.receiving_agency,
            to_agency=target,
            handed_at=moment,
            due_at=locked.transfer_due_at,
            outcome=control_outcome(moment, locked.transfer_due_at),
        )


def dossier_request_withdrawal(
    *, actor: Any, dossier: Dossier, reason: str, at: datetime | None = None
) -> Dossier:
    """The applicant asks to stop a dossier not yet decided (Art. 21)."""
    if dossier.applicant_id is None or getattr(actor, "pk", None) != dossier.applicant_id:
        raise PermissionDenied(_("Only the applicant can ask to withdraw this dossier."))
    with transaction.atomic():
        locked = _locked(dossier)
        return dossier_transition(
            dossier=locked, to=Status.WITHDRAWAL_REQUESTED, actor=actor, note=reason, at=at or timezone.now()
        )


def dossier_stop(*, actor: Any, dossier: Dossier, reason: str, at: datetime | None = None) -> Slip:
    """The one-stop section stops the dossier and issues the stop notice (form 05; TT 03/2025 Art. 7)."""
    _require(actor, Permission.DOSSIER_RECEIVE, dossier.receiving_agency_id)
    return _stop(actor=actor, dossier=dossier, reason=reason, at=at or timezone.now())


def _stop(*, actor: Any, dossier: Dossier, reason: str, at: datetime) -> Slip:
    with transaction.atomic():
        locked = _locked(dossier)
        dossier_transition(dossier=locked, to=Status.STOPPED, actor=actor, note=reason, at=at, is_locked=True)
        Dossier.objects.filter(pk=locked.pk).update(closed_at=at)
        # A stopped dossier leaves nobody's work queue: its running steps end and their holders are freed.
        active = DossierStep.objects.filter(dossier=locked, state=DossierStep.State.ACTIVE)
        StepHolding.objects.filter(step__in=active, ended_at__isnull=True).update(ended_at=at)
        active.update(state=DossierStep.State.DONE, finished_at=at)
        dossier_notify_on_commit(locked.pk, "stopped")
        return _issue(
            locked,
            Slip.Kind.STOP_NOTICE,
            actor,
            {
                "code": locked.code,
                "applicant_name": locked.applicant_name,
                "procedure": locked.procedure_version.name,
                "reason": reason,
            },
            at,
        )


def supplements_close_expired(*, today: Any = None) -> list[str]:
    """Close, with a stop notice, every dossier whose request to supplement at reception was not met
    within 15 days (Art. 19.5). Returns the codes closed. Safe to run again."""
    day = today or timezone.localdate()
    closed: list[str] = []
    expired = SupplementRequest.objects.filter(
        fulfilled_at__isnull=True,
        expired_at__isnull=True,
        due_on__lt=day,
        dossier__status=Status.SUPPLEMENT_REQUESTED,
    ).select_related("dossier")
    for request in expired:
        with transaction.atomic():
            _stop(
                actor=None,
                at=timezone.now(),
                dossier=request.dossier,
                reason=_("Not supplemented within %(days)s days (Decree 118/2025 Art. 19.5).")
                % {"days": SUPPLEMENT_DAYS},
            )
            SupplementRequest.objects.filter(pk=request.pk).update(expired_at=timezone.now())
        closed.append(request.dossier.code)
    return closed
