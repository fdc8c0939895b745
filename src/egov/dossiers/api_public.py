"""Public lookup API: ``POST /api/v1/lookup/`` with a dossier code and the factor, the same answer as the
page /tra-cuu/ (egov.dossiers.lookup), and the same limits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Router, Schema
from pydantic import Field

from egov.core.middleware import client_ip
from egov.dossiers.lookup import (
    CODE_MAX_LENGTH,
    NOT_FOUND_MESSAGE,
    DossierLookup,
    LookupOutcome,
    dossier_lookup,
    rate_limit_message,
)

router = Router(tags=["lookup"])


class LookupIn(Schema):
    code: str = Field(
        min_length=1, max_length=CODE_MAX_LENGTH, description="The dossier code on the receipt."
    )
    factor: str = Field(
        pattern=r"^\s*[0-9]{4}\s*$",
        description="The last 4 digits of the phone number or personal identification number of the dossier.",
    )


class LookupStepOut(Schema):
    name: str
    from_agency: str
    to_agency: str
    handed_at: datetime
    due_at: datetime | None
    outcome: str = Field(description="early, on_time, late, or empty when the step had no deadline.")
    outcome_label: str


class LookupStatusChangeOut(Schema):
    status: str
    status_label: str
    national_status_code: int = Field(description="The National Public Service Portal's status code, 1–10.")
    at: datetime


class LookupOut(Schema):
    code: str
    procedure: str
    receiving_agency: str
    processing_agency: str
    status: str
    status_label: str
    national_status_code: int = Field(description="The National Public Service Portal's status code, 1–10.")
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None = Field(description="The appointment on the receipt.")
    finished_at: datetime | None = Field(description="When the agencies finished (result or refusal).")
    timeliness: str = Field(description="early, on_time, late, within_deadline, overdue, or empty.")
    timeliness_label: str
    steps: list[LookupStepOut]
    history: list[LookupStatusChangeOut]


class MessageOut(Schema):
    detail: str


def _moment(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with ``Z``, as the schema's serialiser writes it."""
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def _out(dossier: DossierLookup) -> dict[str, Any]:
    """The answer as ``LookupOut`` describes it (a test holds the two together), built directly: the
    lookup is the busiest endpoint, and validating the answer through the schema doubled its cost in the
    application (docs/benchmarks.md)."""
    return {
        "code": dossier.code,
        "procedure": dossier.procedure,
        "receiving_agency": dossier.receiving_agency,
        "processing_agency": dossier.processing_agency,
        "status": dossier.status,
        "status_label": dossier.status_label,
        "national_status_code": dossier.national_status_code,
        "submitted_at": _moment(dossier.submitted_at),
        "received_at": _moment(dossier.received_at),
        "due_at": _moment(dossier.due_at),
        "finished_at": _moment(dossier.finished_at),
        "timeliness": dossier.timeliness.value,
        "timeliness_label": dossier.timeliness.label,
        "steps": [
            {
                "name": step.name,
                "from_agency": step.from_agency,
                "to_agency": step.to_agency,
                "handed_at": _moment(step.handed_at),
                "due_at": _moment(step.due_at),
                "outcome": step.outcome.value,
                "outcome_label": step.outcome.label,
            }
            for step in dossier.steps
        ],
        "history": [
            {
                "status": change.status,
                "status_label": change.status_label,
                "national_status_code": change.national_status_code,
                "at": _moment(change.at),
            }
            for change in dossier.history
        ],
    }


@router.post(
    "/",
    response={200: LookupOut, 404: MessageOut, 429: MessageOut},
    summary="Look up a dossier by its code and the last 4 digits of the applicant's phone or ID number",
    description=(
        "No personal data is returned. An unknown code and a wrong factor get the same 404 answer. "
        "Limited per client address and per code (429 with Retry-After)."
    ),
)
def lookup(request: HttpRequest, payload: LookupIn) -> JsonResponse:
    answer = dossier_lookup(code=payload.code, factor=payload.factor, ip=client_ip(request))
    if answer.outcome is LookupOutcome.RATE_LIMITED:
        response = JsonResponse({"detail": rate_limit_message(answer.retry_at)}, status=429)
        response["Retry-After"] = str(answer.retry_after_seconds)
        return response
    if answer.outcome is LookupOutcome.NOT_FOUND or answer.dossier is None:
        return JsonResponse({"detail": str(NOT_FOUND_MESSAGE)}, status=404)
    return JsonResponse(_out(answer.dossier), json_dumps_params={"ensure_ascii": False})
