"""Processing over JSON: the queue, a dossier as the caller's agency may see it, and every action of the
processing page, with the same rules (views_work's actions). Session (with CSRF) or bearer token.

404: no such dossier, step or consultation that the caller may see; 403: seen, but not the caller's to
act on; 409: the dossier or step is not in a state for it; 422: the input does not make sense. A refused
request changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from egov.accounts.api_auth import SESSION_OR_TOKEN
from egov.dossiers import views_work as actions
from egov.dossiers.models import NATIONAL_STATUS_CODE, Consultation, Dossier
from egov.dossiers.processing import dossier_current_due
from egov.dossiers.selectors_work import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    QueueFilters,
    WorkScope,
    work_dossier,
    work_dossier_parts,
    work_queue_page,
    work_scope,
)
from egov.dossiers.services import TransitionRefused
from egov.results.selectors import results_of_dossier

router = Router(tags=["processing"], auth=SESSION_OR_TOKEN)
Result = TypeVar("Result")


# -- output ---------------------------------------------------------------------------------------------


class QueueItemOut(Schema):
    step_id: int
    dossier_code: str
    dossier_status: str
    applicant_name: str
    procedure_code: str
    procedure: str
    step: str
    agency: str
    role: str
    assignee: str | None
    started_at: datetime | None
    due_at: datetime | None
    is_paused: bool
    can_act: bool

    @staticmethod
    def of(step: Any) -> QueueItemOut:
        dossier = step.dossier
        return QueueItemOut(
            step_id=step.pk,
            dossier_code=dossier.code,
            dossier_status=dossier.status,
            applicant_name=dossier.applicant_name,
            procedure_code=dossier.procedure_version.procedure.national_code,
            procedure=dossier.procedure_version.name,
            step=step.name,
            agency=step.agency.code,
            role=step.role,
            assignee=step.assignee.username if step.assignee else None,
            started_at=step.started_at,
            due_at=step.due_at,
            is_paused=bool(step.is_paused),
            can_act=bool(step.can_act),
        )


class QueueOut(Schema):
    total: int
    page: int
    pages: int
    page_size: int
    items: list[QueueItemOut]


class StepOut(Schema):
    """Another agency's step shows only its outline (``is_own`` false: no holder, no note)."""

    id: int
    order: int
    name: str
    agency: str
    role: str
    state: str
    due_at: datetime | None
    finished_at: datetime | None
    outcome: str
    is_own: bool
    can_act: bool
    assignee: str | None = None
    note: str | None = None


class ConsultationOut(Schema):
    id: int
    step_id: int
    asking_agency: str
    agency: str
    question: str
    asked_at: datetime
    due_at: datetime
    answer: str
    answered_at: datetime | None


class ResultOut(Schema):
    id: int
    kind: str
    document_number: str
    title: str
    legacy_code: str
    e_result_code: str
    issued_at: datetime
    signed_by: str
    superseded_at: datetime | None


class DossierWorkOut(Schema):
    code: str
    status: str
    national_status: int
    procedure_code: str
    procedure: str
    channel: str
    applicant_name: str
    receiving_agency: str
    processing_agency: str | None
    received_at: datetime | None
    due_at: datetime | None
    current_due_at: datetime | None
    processed_at: datetime | None
    returned_at: datetime | None
    form_data: dict[str, Any]
    steps: list[StepOut]
    consultations: list[ConsultationOut]
    results: list[ResultOut]

    @staticmethod
    def of(scope: WorkScope, dossier: Dossier) -> DossierWorkOut:
        parts = work_dossier_parts(scope=scope, dossier=dossier)
        steps = []
        for step in parts.steps:
            own = scope.can_see_step_details(step)
            steps.append(
                StepOut(
                    id=step.pk,
                    order=step.order,
                    name=step.name,
                    agency=step.agency.code,
                    role=step.role,
                    state=step.state,
                    due_at=step.due_at,
                    finished_at=step.finished_at,
                    outcome=step.outcome,
                    is_own=own,
                    can_act=scope.can_act(step),
                    assignee=(step.assignee.username if step.assignee else None) if own else None,
                    note=step.note if own else None,
                )
            )
        return DossierWorkOut(
            code=dossier.code,
            status=dossier.status,
            national_status=NATIONAL_STATUS_CODE[dossier.status],
            procedure_code=dossier.procedure_version.procedure.national_code,
            procedure=dossier.procedure_version.name,
            channel=dossier.channel,
            applicant_name=dossier.applicant_name,
            receiving_agency=dossier.receiving_agency.code,
            processing_agency=dossier.processing_agency.code if dossier.processing_agency else None,
            received_at=dossier.received_at,
            due_at=dossier.due_at,
            current_due_at=dossier_current_due(dossier),
            processed_at=dossier.processed_at,
            returned_at=dossier.returned_at,
            form_data=dossier.form_data or {},
            steps=steps,
            consultations=[_consultation(c) for c in parts.consultations],
            results=[
                ResultOut(
                    id=document.pk,
                    kind=document.kind,
                    document_number=document.document_number,
                    title=document.title,
                    legacy_code=document.legacy_code,
                    e_result_code=document.e_result_code,
                    issued_at=document.issued_at,
                    signed_by=str(document.signed_by),
                    superseded_at=document.superseded_at,
                )
                for document in results_of_dossier(dossier=dossier)
            ],
        )


def _consultation(consultation: Consultation) -> ConsultationOut:
    return ConsultationOut(
        id=consultation.pk,
        step_id=consultation.step_id,
        asking_agency=consultation.step.agency.code,
        agency=consultation.agency.code,
        question=consultation.question,
        asked_at=consultation.asked_at,
        due_at=consultation.due_at,
        answer=consultation.answer,
        answered_at=consultation.answered_at,
    )


class ApologyOut(Schema):
    """What form 04 says (the preview) or said (issued)."""

    code: str
    applicant_name: str
    procedure: str
    agency: str
    received_at: datetime | None
    previous_due_at: datetime
    new_due_at: datetime
    reason: str
    issued: bool


# -- input ------------------------------------------------------------------------------------------------


class QueueQuery(Schema):
    due: Literal["soon", "overdue"] | None = None
    procedure: str | None = Field(None, max_length=32)
    agency: int | None = None
    only_mine: bool = False
    order: Literal["urgency", "code", "started"] = "urgency"
    page: int = Field(1, ge=1)
    page_size: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Steps per page.")


class CompleteIn(Schema):
    note: str = Field("", max_length=4000)
    assign_to: int | None = None


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=4000)


class RejectIn(Schema):
    reason: str = Field(..., min_length=1, max_length=4000)
    issue_notice: bool = Field(
        False,
        description="Also sign and issue the rejection notice (for whoever signs the agency's results).",
    )


class ResultIn(Schema):
    """The result's content (results.services.body_fields_clean): document_type, summary, basis,
    paragraphs, articles, particulars ([label, value] pairs), valid_until, recipients, signer_title."""

    title: str = Field(..., min_length=1, max_length=500)
    body_fields: dict[str, Any] = Field(default_factory=dict)
    note: str = Field("", max_length=4000)


class ResultPreviewOut(Schema):
    title: str
    body_fields: dict[str, Any]
    holder_name: str
    procedure: str
    agency: str
    signer: str


class SupplementIn(Schema):
    items: list[str] = Field(..., min_length=1, max_length=50)
    reason: str = Field("", max_length=2000)


class ReassignIn(Schema):
    to: int
    reason: str = Field("", max_length=255)


class ConsultIn(Schema):
    agency: int
    question: str = Field(..., min_length=1, max_length=4000)
    working_days: int = Field(3, ge=1, le=actions.CONSULTATION_MAX_WORKING_DAYS)


class AnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=4000)


class ExtensionIn(Schema):
    new_due_at: datetime
    reason: str = Field(..., min_length=1, max_length=2000)


class ReturnIn(Schema):
    method: Literal["counter", "post"]
    dispatched_at: datetime | None = None
    delivered_at: datetime | None = None


# -- helpers -----------------------------------------------------------------------------------------------


def _scope(request: HttpRequest) -> WorkScope:
    scope = work_scope(user=request.user)
    if not scope.is_worker:
        raise HttpError(403, _("Only officers who process dossiers may use this."))
    return scope


def _dossier(scope: WorkScope, code: str) -> Dossier:
    dossier = work_dossier(scope=scope, code=code)
    if dossier is None:
        raise HttpError(404, _("No such dossier in your work."))
    return dossier


def _aware(moment: datetime | None) -> datetime | None:
    """A moment without a time zone is the province's local time."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment)


def _call(action: Callable[[], Result]) -> Result:
    try:
        return action()
    except PermissionDenied as error:
        raise HttpError(403, str(error) or _("You may not do this for this agency.")) from error
    except (TransitionRefused, actions.StepConflict) as error:
        raise HttpError(409, " ".join(error.messages)) from error
    except ValidationError as error:
        raise HttpError(422, " ".join(error.messages)) from error


def _act(request: HttpRequest, code: str, action: Callable[[WorkScope, Dossier], object]) -> DossierWorkOut:
    scope = _scope(request)
    dossier = _dossier(scope, code)
    _call(lambda: action(scope, dossier))
    after = work_scope(user=request.user)
    refreshed = work_dossier(scope=after, code=code)
    if refreshed is None:  # cannot happen: acting never takes a dossier out of the actor's sight
        raise HttpError(404, _("No such dossier in your work."))
    return DossierWorkOut.of(after, refreshed)


# -- endpoints ---------------------------------------------------------------------------------------------


@router.get(
    "/queue",
    response=QueueOut,
    summary="Steps I can act on (and, for heads, the agency's), most urgent first",
)
def queue(request: HttpRequest, query: Query[QueueQuery]) -> QueueOut:
    scope = _scope(request)
    filters = QueueFilters(
        due=query.due or "",
        procedure=(query.procedure or "").strip(),
        agency=query.agency,
        only_mine=query.only_mine,
        order=query.order,
        page=query.page,
        page_size=query.page_size,
    )
    page = work_queue_page(scope=scope, filters=filters)
    return QueueOut(
        total=page.total,
        page=page.page,
        pages=page.pages,
        page_size=page.page_size,
        items=[QueueItemOut.of(step) for step in page.rows],
    )


@router.get("/dossiers/{code}", response=DossierWorkOut, summary="A dossier as my agency may see it")
def dossier_get(request: HttpRequest, code: str) -> DossierWorkOut:
    scope = _scope(request)
    return DossierWorkOut.of(scope, _dossier(scope, code))


@router.post(
    "/dossiers/{code}/steps/{step_id}/complete", response=DossierWorkOut, summary="Complete and forward"
)
def complete(request: HttpRequest, code: str, step_id: int, payload: CompleteIn) -> DossierWorkOut:
    return _act(
        request,
        code,
        lambda scope, d: actions.work_complete(
            scope=scope, dossier=d, step_id=step_id, note=payload.note, assign_to_id=payload.assign_to
        ),
    )


@router.post("/dossiers/{code}/steps/{step_id}/send-back", response=DossierWorkOut, summary="Send back")
def send_back(request: HttpRequest, code: str, step_id: int, payload: ReasonIn) -> DossierWorkOut:
    return _act(
        request,
        code,
        lambda scope, d: actions.work_send_back(
            scope=scope, dossier=d, step_id=step_id, reason=payload.reason
        ),
    )


@router.post(
    "/dossiers/{code}/steps/{step_id}/supplement-request",
    response=DossierWorkOut,
    summary="Ask for a supplement through the one-stop section (within 3 working days of reception)",
)
def supplement_request(
    request: HttpRequest, code: str, step_id: int, payload: SupplementIn
) -> DossierWorkOut:
    return _act(
        request,
        code,
        lambda scope, d: actions.work_request_supplement(
            scope=scope, dossier=d, step_id=step_id, items=payload.items, reason=payload.reason
        ),
    )


@router.post("/dossiers/{code}/steps/{step_id}/reject", response=DossierWorkOut, summary="Refuse (heads)")
def reject(request: HttpRequest, code: str, step_id: int, payload: RejectIn) -> DossierWorkOut:
    return _act(
        request,
        code,
        lambda scope, d: actions.work_reject(
            scope=scope, dossier=d, step_id=step_id, reason=payload.reason, issue_notice=payload.issue_notice
        ),
    )


@router.post(
    "/dossiers/{code}/steps/{step_id}/result/preview",
    response=ResultPreviewOut,
    summary="What the signed result will say; issues nothing",
)
def result_preview(request: HttpRequest, code: str, step_id: int, payload: ResultIn) -> ResultPreviewOut:
    scope = _scope(request)
    dossier = _dossier(scope, code)
    preview = _call(
        lambda: actions.work_result_check(
            scope=scope,
            dossier=dossier,
            step_id=step_id,
            title=payload.title,
            body_fields=payload.body_fields,
        )
    )
    return ResultPreviewOut(
        title=preview.title,
        body_fields=preview.body,
        holder_name=preview.holder_name,
        procedure=preview.procedure,
        agency=preview.agency,
        signer=preview.signer,
    )


@router.post(
    "/dossiers/{code}/steps/{step_id}/result",
    response=DossierWorkOut,
    summary="Sign and issue the result at the signing step, and complete the step",
)
def result_sign_and_issue(request: HttpRequest, code: str, step_id: int, payload: ResultIn) -> DossierWorkOut:
    return _act(
        request,
        code,
        lambda scope, d: actions.work_sign_and_issue(
            scope=scope,
            dossier=d,
            step_id=step_id,
            title=payload.title,
            body_fields=payload.body_fields,
            note=payload.note,
        ),
    )


@router.post("/dossiers/{code}/steps/{step_id}/reassign", response=DossierWorkOut, summary="Reassign (heads)")
def reassign(request: HttpRequest, code: str, step_id: int, payload: ReassignIn) -> DossierWorkOut:
    return _act(
        request,
        code,
        lambda scope, d: actions.work_reassign(
            scope=scope, dossier=d, step_id=step_id, to_id=payload.to, reason=payload.reason
        ),
    )


@router.post(
    "/dossiers/{code}/steps/{step_id}/consultations", response=DossierWorkOut, summary="Ask another unit"
)
def consult(request: HttpRequest, code: str, step_id: int, payload: ConsultIn) -> DossierWorkOut:
    return _act(
        request,
        code,
        lambda scope, d: actions.work_consult(
            scope=scope,
            dossier=d,
            step_id=step_id,
            agency_id=payload.agency,
            question=payload.question,
            working_days=payload.working_days,
        ),
    )


@router.post(
    "/dossiers/{code}/consultations/{consultation_id}/answer",
    response=DossierWorkOut,
    summary="Answer a consultation addressed to my agency",
)
def answer(request: HttpRequest, code: str, consultation_id: int, payload: AnswerIn) -> DossierWorkOut:
    return _act(
        request,
        code,
        lambda scope, d: actions.work_answer(
            scope=scope, dossier=d, consultation_id=consultation_id, answer=payload.answer
        ),
    )


def _apology(preview: actions.ApologyPreview, *, issued: bool) -> ApologyOut:
    return ApologyOut(
        code=preview.code,
        applicant_name=preview.applicant_name,
        procedure=preview.procedure,
        agency=preview.agency,
        received_at=preview.received_at,
        previous_due_at=preview.previous_due_at,
        new_due_at=preview.new_due_at,
        reason=preview.reason,
        issued=issued,
    )


@router.post(
    "/dossiers/{code}/extension/preview",
    response=ApologyOut,
    summary="What the apology and new appointment (form 04) will say; issues nothing",
)
def extension_preview(request: HttpRequest, code: str, payload: ExtensionIn) -> ApologyOut:
    scope = _scope(request)
    dossier = _dossier(scope, code)
    preview = _call(
        lambda: actions.work_extension_check(
            scope=scope, dossier=dossier, new_due=_aware(payload.new_due_at), reason=payload.reason
        )
    )
    return _apology(preview, issued=False)


@router.post(
    "/dossiers/{code}/extension",
    response=ApologyOut,
    summary="Issue the apology and new appointment (form 04; heads, once, a day before the appointment)",
)
def extension(request: HttpRequest, code: str, payload: ExtensionIn) -> ApologyOut:
    scope = _scope(request)
    dossier = _dossier(scope, code)
    issued = _call(
        lambda: actions.work_extend(
            scope=scope, dossier=dossier, new_due=_aware(payload.new_due_at), reason=payload.reason
        )
    )
    return _apology(issued, issued=True)


@router.post(
    "/dossiers/{code}/return",
    response=DossierWorkOut,
    summary="Record the return of the result: at the counter, or by post (dispatch and delivery moments)",
)
def return_result(request: HttpRequest, code: str, payload: ReturnIn) -> DossierWorkOut:
    return _act(
        request,
        code,
        lambda scope, d: actions.work_return(
            scope=scope,
            dossier=d,
            method=payload.method,
            delivered_at=_aware(payload.delivered_at),
            dispatched_at=_aware(payload.dispatched_at),
        ),
    )
