"""What the national portal sends us, checked and applied through the normal services: a routed dossier
lands in the one-stop section's "to receive" queue (national status 1, the 8-working-hour clock of
Decree 118/2025 Art. 17.2 running), a withdrawal request goes through the withdrawal service (Art. 21),
a payment confirmation through the payments service."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pydantic
import structlog
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.accounts.services import user_create
from egov.accounts.validators import validate_personal_id
from egov.core.audit.services import audit_record
from egov.core.uploads import stored_file_create, upload_check
from egov.dossiers.intake import dossier_request_withdrawal, dossier_supplement
from egov.dossiers.models import NATIONAL_STATUS_CODE, TRANSITIONS, Dossier, DossierPaper, Status
from egov.dossiers.services import PaperInput, dossier_create, dossier_transition
from egov.estore.models import EStoreItem
from egov.exchange.connectors import InboundOutcome, InboundState, InvalidMessage
from egov.exchange.contrib.national_portal import wire
from egov.exchange.contrib.national_portal.mapping import resolve_agency, resolve_procedure
from egov.exchange.contrib.national_portal.models import NationalDossier
from egov.exchange.models import InboxMessage
from egov.payments.models import Payment
from egov.payments.services import payment_confirm

logger = structlog.get_logger(__name__)


# --- validation -----------------------------------------------------------------------------------------

VALUE_ERRORS = {
    "moment_format": lambda: _("Must be a moment written yyyyMMddHHmmss, in Vietnam time."),
    "paper_without_content": lambda: _(
        "Each paper needs its content (NoiDungTep), a code in the national e-store (MaGiayToKho) or an "
        "address (DuongDanTaiTepTin)."
    ),
    "estore_code_missing": lambda: _("A paper taken from the national e-store needs its code (MaGiayToKho)."),
    "payment_missing": lambda: _("A dossier paid online needs its payment (ThanhToan)."),
}


def _message(error: Any) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This value is required.")
    if kind == "value_error":
        code = str(context.get("error", ""))
        return VALUE_ERRORS[code]() if code in VALUE_ERRORS else _("Invalid value.")
    if kind == "string_too_short":
        return _("Must not be empty.")
    if kind == "string_too_long":
        return _("Must be at most %(limit)s characters.") % {"limit": context.get("max_length")}
    if kind == "too_long":
        return _("Must have at most %(limit)s items.") % {"limit": context.get("max_length")}
    if kind == "literal_error":
        return _("Must be one of: %(values)s.") % {"values": context.get("expected", "")}
    if kind.startswith("int_"):
        return _("Must be a whole number.")
    if kind in {"greater_than", "greater_than_equal"}:
        return _("Must be at least %(limit)s.") % {"limit": context.get("ge", context.get("gt"))}
    if kind in {"string_type", "dict_type", "list_type", "model_type", "model_attributes_type"}:
        return _("Has the wrong type.")
    return _("Invalid value.")


def parse(model: type[wire.WireModel], data: Any) -> Any:
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as error:
        raise InvalidMessage(
            message=_("The message does not follow the format of the service."),
            errors=tuple(
                {"field": ".".join(str(part) for part in item["loc"]), "message": _message(item)}
                for item in error.errors()
            ),
        ) from error


def check_files(dossier: wire.DossierIn | wire.SupplementIn) -> None:
    """Every attached file is checked by its content (egov.core.uploads), as an upload at the counter is:
    a PDF, JPEG or PNG within UPLOAD_MAX_BYTES."""
    errors = []
    for index, paper in enumerate(dossier.papers):
        if not paper.content_base64:
            continue
        field = f"TaiLieuNop.{index}.NoiDungTep"
        try:
            content = paper.content()
        except ValueError:
            errors.append({"field": field, "message": _("Is not valid base64.")})
            continue
        try:
            upload_check(SimpleUploadedFile(paper.name, content))
        except ValidationError as error:
            errors.append({"field": field, "message": " ".join(error.messages)})
    if errors:
        raise InvalidMessage(message=_("Some attached files cannot be accepted."), errors=tuple(errors))


# --- applying -------------------------------------------------------------------------------------------


def _applicant_account(data: wire.DossierIn) -> User | None:
    """The citizen's account here: the one with the same personal identification number; or, for an
    account the portal authenticated with VNeID, a new one (the same person, as a VNeID sign-in here would
    make), so that they follow the dossier and get the result online. None for organisations and for
    numbers nobody vouched for."""
    if data.applicant_type != wire.APPLICANT_CITIZEN or data.identity_type != wire.IDENTITY_PERSONAL_ID:
        return None
    personal_id = data.identity_number
    try:
        validate_personal_id(personal_id)
    except ValidationError:
        return None
    user = User.objects.filter(personal_id=personal_id).first()
    if user is not None:
        return user if (user.kind == User.Kind.CITIZEN and user.is_active) else None
    if not data.is_vneid_authenticated or User.objects.filter(username=personal_id).exists():
        return None
    try:
        with transaction.atomic():
            return user_create(
                actor=None,
                username=personal_id,
                password=None,
                kind=User.Kind.CITIZEN,
                full_name=data.applicant_name,
                personal_id=personal_id,
            )
    except ValidationError:
        return None


def _papers(
    data: wire.DossierIn | wire.SupplementIn, version: Any, holder_id: str
) -> tuple[list[PaperInput], list[dict[str, str]]]:
    required = {paper.name.strip().lower(): paper for paper in version.papers.all()}
    papers: list[PaperInput] = []
    references: list[dict[str, str]] = []
    for paper in data.papers:
        match = required.get(paper.name.strip().lower())
        if paper.content_base64:
            stored = stored_file_create(uploaded=SimpleUploadedFile(paper.name, paper.content()), actor=None)
            papers.append(PaperInput(required_paper=match, name=paper.name, file=stored))
            continue
        item = (
            EStoreItem.objects.filter(owner_personal_id=holder_id, e_result_code=paper.estore_code).first()
            if holder_id and paper.estore_code
            else None
        )
        papers.append(
            PaperInput(
                required_paper=match,
                name=paper.name,
                estore_item=item,
                from_national_database=paper.from_national_estore and item is None,
            )
        )
        references.append({"name": paper.name, "estore_code": paper.estore_code, "url": paper.url})
    return papers, references


def _email(value: str) -> str:
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value


def _strip_file_contents(message: InboxMessage) -> None:
    """The files now live as stored files; the kept message (saved by the caller, in the same transaction)
    keeps their checksums, not a second copy."""
    for paper in (message.payload.get("data") or {}).get("TaiLieuNop") or []:
        if isinstance(paper, dict) and paper.get("NoiDungTep"):
            content = base64.b64decode(paper["NoiDungTep"])
            paper["NoiDungTep"] = ""
            paper["_sha256"] = hashlib.sha256(content).hexdigest()


def apply_dossier(message: InboxMessage) -> InboundOutcome:
    data = wire.DossierIn.model_validate(message.payload.get("data"))
    existing = (
        NationalDossier.objects.filter(national_code=data.national_code).select_related("dossier").first()
    )
    if existing is not None:
        return InboundOutcome(
            state=InboundState.IGNORED,
            reason_code="already_received",
            reason=_("This dossier was received before, as %(code)s.") % {"code": existing.dossier.code},
            subject=data.national_code,
            result={"MaHoSo": data.national_code, "MaHoSoMotCua": existing.dossier.code},
        )
    procedure = resolve_procedure(data.procedure_code)
    agency = resolve_agency(data.agency_code)
    for problem in (procedure, agency):
        if problem.reason_code:
            logger.warning(
                "national_portal_dossier_parked", national_code=data.national_code, reason=problem.reason_code
            )
            return InboundOutcome(
                state=InboundState.PARKED,
                reason_code=problem.reason_code,
                reason=problem.reason,
                subject=data.national_code,
            )
    assert procedure.version is not None
    assert agency.agency is not None
    applicant = _applicant_account(data)
    holder_id = data.identity_number if data.identity_type == wire.IDENTITY_PERSONAL_ID else ""
    papers, references = _papers(data, procedure.version, holder_id)
    dossier = dossier_create(
        actor=applicant,
        version=procedure.version,
        receiving_agency=agency.agency,
        channel=Dossier.Channel.ONLINE,
        applicant=applicant,
        applicant_name=data.applicant_name,
        applicant_personal_id=data.identity_number[:14],
        applicant_phone=data.phone,
        applicant_email=_email(data.email),
        applicant_address=data.address,
        form_data=data.form_data,
        papers=papers,
    )
    # The national code is kept beside ours (dossier_create has no parameter for it yet).
    Dossier.objects.filter(pk=dossier.pk).update(
        national_code=data.national_code, authorised_person=data.authorised_person
    )
    NationalDossier.objects.create(
        dossier=dossier,
        national_code=data.national_code,
        procedure_code=data.procedure_code,
        agency_code=data.agency_code,
        submitted_at=data.submitted_at,
        applicant_type=data.applicant_type,
        identity_type=data.identity_type,
        is_vneid_authenticated=data.is_vneid_authenticated,
        summary=data.summary,
        fees=[fee.model_dump(by_alias=True) for fee in data.fees],
        paid_online=data.paid_online,
        paper_references=references,
        inbox_message=message,
    )
    if data.paid_online != wire.PAID_NOT_ONLINE and data.payment is not None:
        payment_confirm(
            actor=None,
            dossier=dossier,
            amount=data.payment.amount,
            channel=Payment.Channel.NATIONAL_PORTAL
            if data.paid_online == wire.PAID_ON_NATIONAL_PORTAL
            else Payment.Channel.LOCAL_GATEWAY,
            reference=data.payment.reference,
            paid_at=data.payment.paid_at,
            items=[fee.model_dump(by_alias=True) for fee in data.fees],
        )
    audit_record(
        actor=None,
        action="national_portal.dossier_received",
        target=dossier,
        changes={"national_code": [None, data.national_code], "inbox_message": [None, message.pk]},
    )
    _strip_file_contents(message)
    dossier.refresh_from_db(fields=["acceptance_due_at"])
    return InboundOutcome(
        state=InboundState.APPLIED,
        reason=_("Received as %(code)s, waiting for the one-stop section.") % {"code": dossier.code},
        subject=data.national_code,
        result={
            "MaHoSo": data.national_code,
            "MaHoSoMotCua": dossier.code,
            "TrangThaiHoSo": NATIONAL_STATUS_CODE[Status.NEW],
            "HanXacNhan": wire.moment_to_wire(dossier.acceptance_due_at),
        },
    )


def _waiting_for_dossier(national_code: str) -> InboundOutcome:
    return InboundOutcome(
        state=InboundState.DEFERRED,
        reason_code="dossier_not_received",
        reason=_("Dossier %(code)s has not been received here yet; this will be applied when it arrives.")
        % {"code": national_code},
        subject=national_code,
    )


def apply_withdrawal(message: InboxMessage) -> InboundOutcome:
    data = wire.WithdrawalIn.model_validate(message.payload.get("data"))
    link = NationalDossier.objects.filter(national_code=data.national_code).select_related("dossier").first()
    if link is None:
        return _waiting_for_dossier(data.national_code)
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=link.dossier_id)
    result = {"MaHoSo": data.national_code, "MaHoSoMotCua": dossier.code}
    if dossier.status in (Status.WITHDRAWAL_REQUESTED, Status.STOPPED):
        return InboundOutcome(
            state=InboundState.IGNORED,
            reason_code="already_withdrawn",
            reason=_("The withdrawal was already recorded."),
            subject=data.national_code,
            result={**result, "TrangThaiHoSo": NATIONAL_STATUS_CODE[dossier.status]},
        )
    if Status.WITHDRAWAL_REQUESTED not in TRANSITIONS.get(dossier.status, frozenset()):
        return InboundOutcome(
            state=InboundState.REJECTED,
            reason_code="cannot_withdraw",
            reason=_("A dossier that is “%(status)s” can no longer be withdrawn.")
            % {"status": Status(dossier.status).label},
            subject=data.national_code,
            result={**result, "TrangThaiHoSo": NATIONAL_STATUS_CODE[dossier.status]},
        )
    reason = data.reason
    if dossier.applicant_id is not None and dossier.applicant is not None:
        dossier_request_withdrawal(actor=dossier.applicant, dossier=dossier, reason=reason)
    else:  # an organisation, or a citizen without an account here: the portal authenticated the request
        dossier_transition(
            dossier=dossier, to=Status.WITHDRAWAL_REQUESTED, actor=None, note=reason, is_locked=True
        )
    audit_record(
        actor=None,
        action="national_portal.withdrawal_requested",
        target=dossier,
        changes={"reason": [None, reason], "requested_at": [None, data.requested_at.isoformat()]},
    )
    return InboundOutcome(
        state=InboundState.APPLIED,
        reason=_("The withdrawal request is with the one-stop section."),
        subject=data.national_code,
        result={**result, "TrangThaiHoSo": NATIONAL_STATUS_CODE[Status.WITHDRAWAL_REQUESTED]},
    )


def apply_payment(message: InboxMessage) -> InboundOutcome:
    data = wire.PaymentConfirmationIn.model_validate(message.payload.get("data"))
    link = NationalDossier.objects.filter(national_code=data.national_code).select_related("dossier").first()
    if link is None:
        return _waiting_for_dossier(data.national_code)
    channel = (
        Payment.Channel.NATIONAL_PORTAL
        if data.channel == wire.PAID_ON_NATIONAL_PORTAL
        else Payment.Channel.LOCAL_GATEWAY
    )
    known = Payment.objects.filter(channel=channel, reference=data.reference).exists()
    payment_confirm(
        actor=None,
        dossier=link.dossier,
        amount=data.amount,
        channel=channel,
        reference=data.reference,
        paid_at=data.paid_at,
    )
    dossier = Dossier.objects.get(pk=link.dossier_id)
    return InboundOutcome(
        state=InboundState.IGNORED if known else InboundState.APPLIED,
        reason_code="already_paid" if known else "",
        reason=_("This payment was recorded before.") if known else _("The payment has been recorded."),
        subject=data.national_code,
        result={
            "MaHoSo": data.national_code,
            "MaHoSoMotCua": dossier.code,
            "TrangThaiHoSo": NATIONAL_STATUS_CODE[dossier.status],
        },
    )


def apply_supplement(message: InboxMessage) -> InboundOutcome:
    """The applicant brings what was asked, through dossier_supplement in their own name: the dossier goes
    back to the desk's queue (asked at reception) or to processing, with the pause closed."""
    data = wire.SupplementIn.model_validate(message.payload.get("data"))
    link = NationalDossier.objects.filter(national_code=data.national_code).select_related("dossier").first()
    if link is None:
        return _waiting_for_dossier(data.national_code)
    dossier = Dossier.objects.select_related("applicant", "procedure_version").get(pk=link.dossier_id)
    result = {"MaHoSo": data.national_code, "MaHoSoMotCua": dossier.code}
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        return InboundOutcome(
            state=InboundState.REJECTED,
            reason_code="nothing_requested",
            reason=_("Nothing is being asked of the applicant for this dossier (it is “%(status)s”).")
            % {"status": Status(dossier.status).label},
            subject=data.national_code,
            result={**result, "TrangThaiHoSo": NATIONAL_STATUS_CODE[dossier.status]},
        )
    if dossier.applicant is None:
        return InboundOutcome(
            state=InboundState.PARKED,
            reason_code="no_applicant_account",
            reason=_(
                "The applicant has no account here to supplement in their name: the one-stop section records "
                "the supplement (“Record the supplement”) from the papers of this message."
            ),
            subject=data.national_code,
        )
    holder_id = dossier.applicant_personal_id if link.identity_type == wire.IDENTITY_PERSONAL_ID else ""
    inputs, _references = _papers(data, dossier.procedure_version, holder_id)
    papers = [
        DossierPaper(
            required_paper=paper.required_paper,
            name=paper.name,
            file=paper.file,
            estore_item=paper.estore_item,
            from_national_database=paper.from_national_database,
        )
        for paper in inputs
    ]
    supplied = dossier_supplement(actor=dossier.applicant, dossier=dossier, papers=papers, note=data.note)
    _strip_file_contents(message)
    return InboundOutcome(
        state=InboundState.APPLIED,
        reason=_("The supplement has been recorded."),
        subject=data.national_code,
        result={**result, "TrangThaiHoSo": NATIONAL_STATUS_CODE[supplied.status]},
    )


APPLY = {
    wire.SERVICE_SUPPLEMENT: apply_supplement,
    wire.SERVICE_DOSSIER: apply_dossier,
    wire.SERVICE_WITHDRAWAL: apply_withdrawal,
    wire.SERVICE_PAYMENT: apply_payment,
}
