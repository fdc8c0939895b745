"""The one-stop desk over JSON: every action of the desk pages, for other systems and scripts.
Session authentication (with CSRF) for the pages' own calls, bearer tokens for systems."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from egov.accounts.api_auth import SESSION_OR_TOKEN
from egov.accounts.models import User
from egov.dossiers import intake
from egov.dossiers.models import NATIONAL_STATUS_CODE, Dossier
from egov.dossiers.selectors import desk_dossier, desk_queue
from egov.dossiers.services import TransitionRefused

router = Router(tags=["one-stop desk"], auth=SESSION_OR_TOKEN)


class DossierOut(Schema):
    code: str
    status: str
    national_status: int
    procedure_code: str
    procedure: str
    channel: str
    applicant_name: str
    receiving_agency: str
    submitted_at: datetime
    acceptance_due_at: datetime | None
    received_at: datetime | None
    due_at: datetime | None
    transfer_due_at: datetime | None

    @staticmethod
    def of(dossier: Dossier) -> DossierOut:
        return DossierOut(
            code=dossier.code,
            status=dossier.status,
            national_status=NATIONAL_STATUS_CODE[dossier.status],
            procedure_code=dossier.procedure_version.procedure.national_code,
            procedure=dossier.procedure_version.name,
            channel=dossier.channel,
            applicant_name=dossier.applicant_name,
            receiving_agency=dossier.receiving_agency.code,
            submitted_at=dossier.submitted_at,
            acceptance_due_at=dossier.acceptance_due_at,
            received_at=dossier.received_at,
            due_at=dossier.due_at,
            transfer_due_at=dossier.transfer_due_at,
        )


class QueueOut(Schema):
    to_receive: list[DossierOut]
    waiting_supplement: list[DossierOut]
    to_transfer: list[DossierOut]
    withdrawal: list[DossierOut]


class ReceiveIn(Schema):
    sets: int = Field(1, ge=1, le=50)


class SupplementRequestIn(Schema):
    items: list[str] = Field(..., min_length=1, max_length=50)
    reason: str = Field("", max_length=2000)


class RefusalIn(Schema):
    reasons: list[str] = Field(..., min_length=1, max_length=20)


class StopIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class NoteIn(Schema):
    note: str = Field("", max_length=2000)


def _officer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise HttpError(401, _("Sign in first."))
    return user


def _dossier(request: HttpRequest, code: str) -> Dossier:
    dossier = desk_dossier(user=_officer(request), code=code)
    if dossier is None:
        raise HttpError(404, _("No such dossier at your desk."))
    return dossier


def _act(request: HttpRequest, code: str, action: Any) -> DossierOut:
    dossier = _dossier(request, code)
    try:
        action(_officer(request), dossier)
    except PermissionDenied as error:
        raise HttpError(403, str(error) or _("You may not do this for this agency.")) from error
    except TransitionRefused as error:
        raise HttpError(409, " ".join(error.messages)) from error
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error
    refreshed = desk_dossier(user=_officer(request), code=code)
    assert refreshed is not None
    return DossierOut.of(refreshed)


def _select(queryset: Any) -> list[DossierOut]:
    return [DossierOut.of(d) for d in queryset.select_related("procedure_version__procedure")[:200]]


@router.get("/queue", response=QueueOut, summary="The desk's lists, most urgent first")
def queue(request: HttpRequest, agency: int | None = None) -> QueueOut:
    lists = desk_queue(user=_officer(request), agency_id=agency)
    return QueueOut(**{name: _select(queryset) for name, queryset in lists.items()})


@router.get("/dossiers/{code}", response=DossierOut, summary="One dossier at the desk")
def dossier_get(request: HttpRequest, code: str) -> DossierOut:
    return DossierOut.of(_dossier(request, code))


@router.post("/dossiers/{code}/receive", response=DossierOut, summary="Receive (issues form 01)")
def receive(request: HttpRequest, code: str, payload: ReceiveIn) -> DossierOut:
    return _act(
        request, code, lambda actor, d: intake.dossier_receive(actor=actor, dossier=d, sets=payload.sets)
    )


@router.post(
    "/dossiers/{code}/supplement-request", response=DossierOut, summary="Ask to supplement (form 02)"
)
def supplement_request(request: HttpRequest, code: str, payload: SupplementRequestIn) -> DossierOut:
    return _act(
        request,
        code,
        lambda actor, d: intake.dossier_request_supplement(
            actor=actor, dossier=d, items=payload.items, reason=payload.reason
        ),
    )


@router.post("/dossiers/{code}/supplement", response=DossierOut, summary="Record a supplement at the counter")
def supplement(request: HttpRequest, code: str, payload: NoteIn) -> DossierOut:
    return _act(
        request, code, lambda actor, d: intake.dossier_supplement(actor=actor, dossier=d, note=payload.note)
    )


@router.post("/dossiers/{code}/refusal", response=DossierOut, summary="Refuse (form 03)")
def refusal(request: HttpRequest, code: str, payload: RefusalIn) -> DossierOut:
    return _act(
        request, code, lambda actor, d: intake.dossier_refuse(actor=actor, dossier=d, reasons=payload.reasons)
    )


@router.post("/dossiers/{code}/transfer", response=DossierOut, summary="Transfer to the processing agency")
def transfer(request: HttpRequest, code: str) -> DossierOut:
    return _act(request, code, lambda actor, d: intake.dossier_transfer(actor=actor, dossier=d))


@router.post("/dossiers/{code}/stop", response=DossierOut, summary="Stop (form 05)")
def stop(request: HttpRequest, code: str, payload: StopIn) -> DossierOut:
    return _act(
        request, code, lambda actor, d: intake.dossier_stop(actor=actor, dossier=d, reason=payload.reason)
    )
