"""Issuing signed results and rejection notices, and correcting them (Decree 118/2025 Art. 19.3, 22, 23).

Each service checks that the actor may sign for the agency (``Permission.RESULT_SIGN``), then, in one
transaction: takes the numbers, renders the document, signs it (``egov.signing``), stores the signed bytes
with their SHA-256, files them in the holder's e-store, and writes the audit events. If any step fails,
nothing is kept and no number is used up. Dossier statuses are not touched here: the processing workflow
calls these services and moves the dossier itself. docs/results-and-signing.md.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import structlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from egov.accounts.models import Agency, User
from egov.accounts.selectors import agency_current_successor, agency_name_on, user_has_permission
from egov.core.audit.services import audit_record
from egov.core.calendar.selectors import working_hours_between
from egov.core.permissions import Permission
from egov.core.uploads import stored_file_from_bytes
from egov.dossiers.models import Dossier
from egov.estore.models import EStoreItem
from egov.estore.services import estore_item_add
from egov.results.codes import agency_abbreviation, e_result_code_for, holder_personal_id, legacy_code_for
from egov.results.hooks import result_issued
from egov.results.models import ResultDocument, ResultNumberCounter
from egov.results.render import DOCUMENT_LANGUAGE, document_pdf, place_of, signer_title_default
from egov.signing.services import sign_pdf

logger = structlog.get_logger(__name__)

# Decree 118/2025 Art. 23.1: an error is corrected within 3 working days (1 working day = 8 working hours).
CORRECTION_WORKING_HOURS = Fraction(3 * 8)

# Symbols of the kinds of result (Decree 30/2020 Appendix III for QĐ and TB; sector practice for the rest).
DOCUMENT_TYPES = {"decision": "QĐ", "licence": "GP", "certificate": "GCN", "other": ""}
NOTICE_SYMBOL = "TB"

TEXT_FIELDS = ("document_type", "symbol", "summary", "authority", "valid_until", "signer_title")
LIST_FIELDS = ("basis", "paragraphs", "articles", "recipients")
BODY_FIELDS = frozenset({*TEXT_FIELDS, *LIST_FIELDS, "particulars"})


# --- input ----------------------------------------------------------------------------------------------


def body_fields_clean(body: Mapping[str, Any]) -> dict[str, Any]:
    """Check the content of a result: only known fields, each of its type. Raises ValidationError.

    ``document_type`` (decision, licence, certificate, other), ``symbol`` (overrides the symbol after the
    number), ``summary`` (trích yếu), ``authority`` (e.g. "GIÁM ĐỐC SỞ TƯ PHÁP" above a decision's legal
    basis), ``valid_until`` (ISO date), ``signer_title`` (lines separated by newlines), lists of strings
    ``basis``, ``paragraphs``, ``articles`` (numbered "Điều n."), ``recipients``, and ``particulars``, a
    list of [label, value] pairs (the certified data).
    """
    unknown = sorted(set(body) - BODY_FIELDS)
    if unknown:
        raise ValidationError(
            _("Unknown fields in the result: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="unknown_field",
        )
    cleaned: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in body:
            if not isinstance(body[name], str):
                raise ValidationError(_("“%(field)s” must be text.") % {"field": name}, code="invalid_field")
            cleaned[name] = body[name].strip()
    for name in LIST_FIELDS:
        if name in body:
            values = body[name]
            if not isinstance(values, list | tuple) or not all(isinstance(value, str) for value in values):
                raise ValidationError(
                    _("“%(field)s” must be a list of texts.") % {"field": name}, code="invalid_field"
                )
            cleaned[name] = [value.strip() for value in values if value.strip()]
    if "particulars" in body:
        pairs = body["particulars"]
        if not isinstance(pairs, list | tuple) or not all(
            isinstance(pair, list | tuple) and len(pair) == 2 and all(isinstance(part, str) for part in pair)
            for pair in pairs
        ):
            raise ValidationError(
                _("“particulars” must be a list of [label, value] pairs."), code="invalid_field"
            )
        cleaned["particulars"] = [[label.strip(), value.strip()] for label, value in pairs]
    if cleaned.get("document_type", "other") not in DOCUMENT_TYPES:
        raise ValidationError(
            _("Unknown document type “%(type)s”.") % {"type": cleaned["document_type"]}, code="invalid_field"
        )
    if cleaned.get("valid_until"):
        try:
            date.fromisoformat(cleaned["valid_until"])
        except ValueError as error:
            raise ValidationError(
                _("“valid_until” must be a date written YYYY-MM-DD."), code="invalid_field"
            ) from error
    return cleaned


# --- checks ---------------------------------------------------------------------------------------------


def _require_signer(actor: User, agency: Agency) -> None:
    if not user_has_permission(user=actor, permission=Permission.RESULT_SIGN, agency=agency):
        raise PermissionDenied(
            _("Only the head of %(agency)s may sign its results and notices.") % {"agency": agency.name}
        )


def _processing_agency(dossier: Dossier) -> Agency:
    agency = dossier.processing_agency
    if agency is None:
        raise ValidationError(
            _("The dossier has no processing agency yet, so nobody can sign its result."),
            code="no_processing_agency",
        )
    return agency


# --- numbering ------------------------------------------------------------------------------------------


def _next_number_in_dossier(dossier: Dossier) -> int:
    # The unique constraint (dossier, number) makes two simultaneous issues fail loudly, never share n.
    last = ResultDocument.objects.filter(dossier=dossier).aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def _next_document_number(agency: Agency, year: int) -> int:
    counter, _created = ResultNumberCounter.objects.select_for_update().get_or_create(
        agency=agency, year=year
    )
    ResultNumberCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    counter.refresh_from_db(fields=["last_number"])
    return counter.last_number


def _symbol(*, kind: str, body: Mapping[str, Any], agency_name: str, result_type_code: str) -> str:
    if body.get("symbol"):
        return str(body["symbol"])
    if kind == ResultDocument.Kind.REJECTION_NOTICE:
        type_part = NOTICE_SYMBOL
    else:
        type_part = DOCUMENT_TYPES[str(body.get("document_type") or "other")] or result_type_code or "KQ"
    return f"{type_part}-{agency_abbreviation(agency_name)}"


# --- the one way a document is made ---------------------------------------------------------------------


def _signing_reason(kind: str, *, dossier_code: str, replaces: str) -> str:
    with translation.override(DOCUMENT_LANGUAGE):
        if replaces:
            return pgettext("result", "Correcting document No. %(number)s") % {"number": replaces}
        if kind == ResultDocument.Kind.REJECTION_NOTICE:
            return pgettext("result", "Refusing dossier %(code)s") % {"code": dossier_code}
        return pgettext("result", "Issuing the result of dossier %(code)s") % {"code": dossier_code}


def _issue(
    *,
    actor: User,
    dossier: Dossier,
    agency: Agency,
    kind: str,
    title: str,
    body: Mapping[str, Any],
    supersedes: ResultDocument | None = None,
    correction_reason: str = "",
    reported_at: datetime | None = None,
) -> ResultDocument:
    """Number, render, sign, store, file and audit one document. Runs inside the caller's transaction."""
    now = timezone.now()
    day = timezone.localtime(now).date()
    version = dossier.procedure_version
    result_type_code = version.result_type_code.strip() if kind == ResultDocument.Kind.RESULT else ""
    number = _next_number_in_dossier(dossier)
    legacy_code = legacy_code_for(dossier_code=dossier.code, number=number)
    personal_id = holder_personal_id(dossier.applicant_personal_id)
    e_result_code = e_result_code_for(
        personal_id=personal_id, result_type_code=result_type_code, legacy_code=legacy_code
    )
    agency_name = agency_name_on(agency=agency, day=day)
    symbol = _symbol(kind=kind, body=body, agency_name=agency_name, result_type_code=result_type_code)
    document_number = f"{_next_document_number(agency, day.year):02d}/{symbol}"
    content: dict[str, Any] = {
        **body,
        "title": title,
        "document_number": document_number,
        "e_result_code": e_result_code,
        "legacy_code": legacy_code,
        "dossier_code": dossier.code,
        "procedure": version.name,
        "holder_name": dossier.applicant_name,
        "holder_id": dossier.applicant_personal_id,
        "agency_name": agency_name,
        "signer_name": str(actor),
        "signer_title": str(body.get("signer_title") or signer_title_default(agency)),
        "issued_on": day.isoformat(),
    }
    if supersedes is not None:
        content["replaces"] = {
            "document_number": supersedes.document_number,
            "issued_on": timezone.localtime(supersedes.issued_at).date().isoformat(),
            "reason": correction_reason,
        }
    unsigned = document_pdf(kind=kind, content=content, agency=agency, issued_at=now)
    signed = sign_pdf(
        unsigned,
        agency=agency,
        signer_user=actor,
        reason=_signing_reason(
            kind, dossier_code=dossier.code, replaces=supersedes.document_number if supersedes else ""
        ),
        location=place_of(agency, day),
    )
    digest = hashlib.sha256(signed).hexdigest()
    stored = stored_file_from_bytes(content=signed, name=f"{legacy_code}.pdf", actor=actor)
    estore_item = None
    if personal_id:
        estore_item = estore_item_add(
            actor=actor,
            owner_personal_id=personal_id,
            kind=EStoreItem.Kind.RESULT,
            title=f"{title} ({document_number})",
            file=stored,
            # A rejection notice is filed for the holder's record, never offered for reuse as a paper.
            result_type_code=result_type_code,
            e_result_code=e_result_code,
            issuer=agency,
            issued_on=day,
        )
    in_time = None
    if reported_at is not None:
        in_time = working_hours_between(reported_at, now) <= CORRECTION_WORKING_HOURS
    document = ResultDocument.objects.create(
        dossier=dossier,
        kind=kind,
        number=number,
        agency=agency,
        document_number=document_number,
        e_result_code=e_result_code,
        legacy_code=legacy_code,
        holder_personal_id=personal_id,
        result_type_code=result_type_code,
        title=title[:500],
        content=content,
        file=stored,
        sha256=digest,
        signed_by=actor,
        signed_at=now,
        issued_at=now,
        supersedes=supersedes,
        correction_reason=correction_reason,
        reported_at=reported_at,
        is_corrected_in_time=in_time,
        estore_item=estore_item,
    )
    audit_record(
        actor=actor,
        action={
            ResultDocument.Kind.RESULT: "results.result_issued",
            ResultDocument.Kind.REJECTION_NOTICE: "results.rejection_notice_issued",
        }[ResultDocument.Kind(kind)]
        if supersedes is None
        else "results.result_corrected",
        target=document,
        changes={
            "dossier": [None, dossier.code],
            "document_number": [None, document_number],
            "e_result_code": [None, e_result_code],
            "legacy_code": [None, legacy_code],
            "sha256": [None, digest],
            **({"supersedes": [None, supersedes.legacy_code]} if supersedes else {}),
        },
    )
    logger.info(
        "result_document_issued",
        dossier=dossier.code,
        kind=kind,
        legacy_code=legacy_code,
        corrects=supersedes.legacy_code if supersedes else None,
        filed_in_estore=estore_item is not None,
    )
    result_issued(document)
    return document


def _dossier_for_update(dossier: Dossier) -> Dossier:
    return (
        Dossier.objects.select_related("procedure_version", "processing_agency__parent")
        .select_for_update(of=("self",))
        .get(pk=dossier.pk)
    )


# --- services -------------------------------------------------------------------------------------------


def result_issue(
    *, actor: User, dossier: Dossier, title: str, body_fields: Mapping[str, Any]
) -> ResultDocument:
    """Issue the dossier's result, signed by the processing agency's head (Decree 118/2025 Art. 22.1).
    Raises PermissionDenied if ``actor`` may not sign for that agency, ValidationError on bad content."""
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("The result needs a title."), code="no_title")
    body = body_fields_clean(body_fields)
    _require_signer(actor, _processing_agency(dossier))
    with transaction.atomic():
        locked = _dossier_for_update(dossier)
        agency = _processing_agency(locked)
        _require_signer(actor, agency)  # again, on the row as it is now
        return _issue(
            actor=actor,
            dossier=locked,
            agency=agency,
            kind=ResultDocument.Kind.RESULT,
            title=title,
            body=body,
        )


def rejection_notice_issue(*, actor: User, dossier: Dossier, reason: str) -> ResultDocument:
    """Issue a signed notice that the dossier is not granted, with the reason (Decree 118/2025 Art. 19.3:
    the refusal is entered as the dossier's result)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for the refusal."), code="no_reason")
    _require_signer(actor, _processing_agency(dossier))
    with transaction.atomic():
        locked = _dossier_for_update(dossier)
        agency = _processing_agency(locked)
        _require_signer(actor, agency)
        with translation.override(DOCUMENT_LANGUAGE):
            title = pgettext("result", "NOTICE")
            summary = pgettext("result", "Refusing to grant the request of dossier %(code)s") % {
                "code": locked.code
            }
        return _issue(
            actor=actor,
            dossier=locked,
            agency=agency,
            kind=ResultDocument.Kind.REJECTION_NOTICE,
            title=title,
            body={"summary": summary, "reason": reason},
        )


def result_correct(
    *,
    actor: User,
    result: ResultDocument,
    corrected_fields: Mapping[str, Any],
    reason: str,
    reported_at: datetime | None = None,
) -> ResultDocument:
    """Correct an error in an issued result or notice (Decree 118/2025 Art. 23.1): a new document, signed
    and numbered, that supersedes ``result``; the first stays stored, unchanged, marked superseded.

    ``corrected_fields`` changes the content (the body fields of :func:`body_fields_clean` and ``title``;
    ``reason`` for a rejection notice). ``reported_at`` is when the one-stop section passed the error on
    (default: now). A correction is never refused for being late; whether it came within 3 working days
    is recorded in ``is_corrected_in_time``.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what the error was."), code="no_reason")
    if not corrected_fields:
        raise ValidationError(_("Nothing to correct was given."), code="nothing_to_correct")
    now = timezone.now()
    reported_at = reported_at or now
    if reported_at > now or reported_at < result.issued_at:
        raise ValidationError(
            _("The error must have been reported after the document was issued and not in the future."),
            code="reported_at",
        )
    changes = dict(corrected_fields)
    if result.kind == ResultDocument.Kind.REJECTION_NOTICE:
        if set(changes) - {"reason"} or not str(changes.get("reason") or "").strip():
            raise ValidationError(
                _("Only the reason of a rejection notice can be corrected."), code="invalid_field"
            )
        title = result.title
        body = {"summary": result.content.get("summary", ""), "reason": str(changes["reason"]).strip()}
    else:
        title = str(changes.pop("title", result.title)).strip() or result.title
        previous = {key: value for key, value in result.content.items() if key in BODY_FIELDS}
        body = body_fields_clean({**previous, **changes})
    agency = agency_current_successor(agency=result.agency)
    _require_signer(actor, agency)
    with transaction.atomic():
        old = ResultDocument.objects.select_for_update().get(pk=result.pk)
        if old.superseded_at is not None:
            raise ValidationError(
                _("Document No. %(number)s was already corrected; correct its replacement instead.")
                % {"number": old.document_number},
                code="already_superseded",
            )
        dossier = _dossier_for_update(old.dossier)
        corrected = _issue(
            actor=actor,
            dossier=dossier,
            agency=agency,
            kind=old.kind,
            title=title,
            body=body,
            supersedes=old,
            correction_reason=reason,
            reported_at=reported_at,
        )
        old.superseded_at = corrected.issued_at
        old.save(update_fields=["superseded_at", "updated_at"])
        audit_record(
            actor=actor,
            action="results.result_superseded",
            target=old,
            changes={
                "superseded_at": [None, old.superseded_at],
                "superseded_by": [None, corrected.legacy_code],
            },
        )
    result.superseded_at = old.superseded_at
    return corrected
