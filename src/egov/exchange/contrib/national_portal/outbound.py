"""What we send the national portal (Decree 118/2025 Art. 26.1d, 27.2: every status and every result of
every dossier, whatever its channel).

The handlers run inside the transaction of the change and only queue a message with the facts of the
moment (status, time, who, why). The body is built from the dossier at the first delivery attempt, after
the commit, so that it carries what the same transaction wrote after the status change (the appointment
of a receipt, the slips issued), and is then sent unchanged on every retry.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.accounts.selectors import active_memberships
from egov.accounts.validators import validate_personal_id
from egov.core.permissions import Role
from egov.dossiers.hooks import StatusChange
from egov.dossiers.models import NATIONAL_STATUS_CODE, Dossier, Slip
from egov.dossiers.processing import dossier_current_due
from egov.exchange.connectors import OutgoingRequest
from egov.exchange.contrib.national_portal import wire
from egov.exchange.models import OutboxMessage
from egov.exchange.services import outbox_enqueue
from egov.identity.selectors import user_is_vneid_authenticated
from egov.payments.models import Payment
from egov.results.models import ResultDocument

PEER_CODE = "national_portal"
STATUS_MESSAGE = "dossier.status"
RESULT_MESSAGE = "result.issued"


def ordering_key(dossier_id: int) -> str:
    return f"dossier:{dossier_id}"


def on_status_change(change: StatusChange) -> None:
    """Queue the status change for the portal (registered with egov.dossiers.hooks)."""
    actor = change.actor if getattr(change.actor, "pk", None) else None
    outbox_enqueue(
        peer_code=PEER_CODE,
        message_type=STATUS_MESSAGE,
        ordering_key=ordering_key(change.dossier.pk),
        subject=change.dossier.code,
        facts={
            "dossier_id": change.dossier.pk,
            "from_status": change.from_status,
            "to_status": change.to_status,
            "status_code": NATIONAL_STATUS_CODE[change.to_status],
            "at": change.at.isoformat(),
            "actor_id": actor.pk if actor else None,
            "note": change.note,
        },
    )


def on_result_issued(document: ResultDocument) -> None:
    """Queue a signed e-result (or rejection notice, or correction) for the holder's national e-store
    (registered with egov.results.hooks)."""
    outbox_enqueue(
        peer_code=PEER_CODE,
        message_type=RESULT_MESSAGE,
        ordering_key=ordering_key(document.dossier_id),
        subject=document.dossier.code,
        facts={"result_id": document.pk, "dossier_id": document.dossier_id},
    )


# --- building the bodies --------------------------------------------------------------------------------


def _identity(dossier: Dossier) -> tuple[str, str, str, bool]:
    """LoaiDoiTuong, LoaiDinhDanh, SoDinhDanh and whether the account is VNeID-authenticated."""
    link = getattr(dossier, "national_portal", None)
    if link is not None:
        return (
            link.applicant_type,
            link.identity_type,
            dossier.applicant_personal_id,
            link.is_vneid_authenticated,
        )
    applicant = dossier.applicant
    is_vneid = bool(applicant and user_is_vneid_authenticated(user=applicant))
    if applicant is not None and applicant.kind == User.Kind.BUSINESS:
        return wire.APPLICANT_ORGANISATION, wire.IDENTITY_TAX_CODE, applicant.tax_code, is_vneid
    number = dossier.applicant_personal_id
    try:
        validate_personal_id(number)
        kind = wire.IDENTITY_PERSONAL_ID
    except Exception:  # not a personal identification number (an old ID card, a passport, nothing)
        kind = wire.IDENTITY_OTHER
    return wire.APPLICANT_CITIZEN, kind, number, is_vneid


def _handler(actor_id: int | None) -> tuple[str, str, str]:
    """NguoiXuLy, ChucDanh, PhongBanXuLy of the person who made the change (empty for the system or
    the applicant)."""
    if actor_id is None:
        return "", "", ""
    user = User.objects.filter(pk=actor_id).first()
    if user is None:
        return "", "", ""
    if not user.is_official:
        return str(user), _("Applicant"), ""
    membership = active_memberships(user=user).select_related("agency").order_by("id").first()
    if membership is None:
        return str(user), "", ""
    return str(user), str(Role(membership.role).label), membership.agency.name


def _paid_online(dossier: Dossier) -> str:
    channels = set(
        Payment.objects.filter(dossier=dossier, state=Payment.State.PAID).values_list("channel", flat=True)
    )
    if Payment.Channel.NATIONAL_PORTAL in channels:
        return wire.PAID_ON_NATIONAL_PORTAL
    if Payment.Channel.LOCAL_GATEWAY in channels:
        return wire.PAID_LOCAL_GATEWAY
    return wire.PAID_NOT_ONLINE


def _slips(dossier: Dossier, at: datetime) -> list[dict[str, Any]]:
    slips = Slip.objects.filter(dossier=dossier, issued_at=at, kind__in=list(wire.SLIP_FORMS)).order_by("id")
    return [
        dict(
            form=wire.SLIP_FORMS[slip.kind],
            name=str(Slip.Kind(slip.kind).label),
            issued_at=wire.moment_to_wire(slip.issued_at),
            content=slip.data,
        )
        for slip in slips
    ]


def render_status(message: OutboxMessage) -> OutgoingRequest:
    facts = message.facts
    dossier = (
        Dossier.objects.select_related(
            "procedure_version__procedure",
            "receiving_agency",
            "processing_agency",
            "applicant",
            "national_portal",
        )
        .filter(pk=facts["dossier_id"])
        .first()
    )
    if dossier is None:  # cannot happen (dossiers are never deleted), but never send a half-built body
        raise ValueError(f"dossier {facts['dossier_id']} not found")
    at = datetime.fromisoformat(facts["at"])
    applicant_type, identity_type, identity_number, is_vneid = _identity(dossier)
    handler, title, unit = _handler(facts.get("actor_id"))
    due = dossier_current_due(dossier)
    slips = _slips(dossier, at)
    body = wire.DossierSyncOut.model_validate(
        dict(
            national_code=dossier.national_code or dossier.code,
            local_code=dossier.code,
            procedure_code=dossier.procedure_version.procedure.national_code,
            procedure_name=dossier.procedure_version.name,
            agency_code=dossier.receiving_agency.code,
            processing_unit=dossier.processing_agency.name if dossier.processing_agency else "",
            channel=wire.CHANNEL_CODES[dossier.channel],
            applicant_name=dossier.applicant_name,
            applicant_type=applicant_type,
            identity_type=identity_type,
            identity_number=identity_number,
            is_vneid_authenticated="1" if is_vneid else "0",
            submitted_at=wire.moment_to_wire(dossier.submitted_at),
            received_at=wire.moment_to_wire(dossier.received_at),
            due_at=wire.moment_to_wire(due),
            processed_at=wire.moment_to_wire(dossier.processed_at),
            returned_at=wire.moment_to_wire(dossier.returned_at),
            status=facts["status_code"],
            paid_online=_paid_online(dossier),
            has_digitised_papers="1" if dossier.papers.filter(file__isnull=False).exists() else "0",
            progress=dict(
                sequence=message.sequence,
                status=facts["status_code"],
                at=wire.moment_to_wire(at),
                handler=handler,
                handler_title=title,
                handler_unit=unit,
                content=facts.get("note", ""),
                due_at=wire.moment_to_wire(due),
            ),
            slips=slips,
        )
    )
    categories = [
        _("Dossier status and dates"),
        _("Applicant's name and identity number"),
        _("Procedure and agencies"),
    ]
    if slips:
        categories.append(_("Slips issued to the applicant"))
    return OutgoingRequest(
        service=wire.SERVICE_SYNC, body={"data": wire.dump(body)}, data_categories=tuple(categories)
    )


def render_result(message: OutboxMessage) -> OutgoingRequest:
    document = ResultDocument.objects.select_related("dossier", "agency", "file", "supersedes").get(
        pk=message.facts["result_id"]
    )
    dossier = document.dossier
    with document.file.file.open("rb") as handle:
        content = handle.read()
    body = wire.EResultOut.model_validate(
        dict(
            national_code=dossier.national_code or dossier.code,
            local_code=dossier.code,
            e_result_code=document.e_result_code,
            legacy_code=document.legacy_code,
            document_number=document.document_number,
            title=document.title,
            kind=wire.RESULT_KIND_RESULT
            if document.kind == ResultDocument.Kind.RESULT
            else wire.RESULT_KIND_REJECTION,
            result_type_code=document.result_type_code,
            holder_id=document.holder_personal_id,
            holder_name=dossier.applicant_name,
            agency_code=document.agency.code,
            agency_name=str(document.content.get("agency_name") or document.agency.name),
            issued_at=wire.moment_to_wire(document.issued_at),
            replaces=document.supersedes.legacy_code if document.supersedes else "",
            correction_reason=document.correction_reason,
            file=dict(
                name=f"{document.legacy_code}.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=document.sha256,
                content_base64=base64.b64encode(content).decode("ascii"),
            ),
        )
    )
    return OutgoingRequest(
        service=wire.SERVICE_RESULT,
        body={"data": wire.dump(body)},
        data_categories=(_("Signed e-result and its code"), _("Holder's name and identity number")),
    )


RENDERERS = {STATUS_MESSAGE: render_status, RESULT_MESSAGE: render_result}


def render(message: OutboxMessage) -> OutgoingRequest:
    with translation.override("vi"):
        return RENDERERS[message.message_type](message)
