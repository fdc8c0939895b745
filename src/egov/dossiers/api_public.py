"""Public lookup API: ``POST /api/v1/lookup/`` with a dossier code and the factor, the same answer as the
page /tra-cuu/ (egov.dossiers.lookup), and the same limits."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Router, Schema
from pydantic import Field

from egov.core.middleware import client_ip
from egov.dossiers.lookup import CODE_MAX_LENGTH, NOT_FOUND_MESSAGE, LookupOutcome, rate_limit_message
from egov.dossiers.lookup_answers import dossier_lookup_json

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


@router.post(
    "/",
    response={200: LookupOut, 404: MessageOut, 429: MessageOut},
    summary="Look up a dossier by its code and the last 4 digits of the applicant's phone or ID number",
    description=(
        "No personal data is returned. An unknown code and a wrong factor get the same 404 answer. "
        "Limited per client address and per code (429 with Retry-After)."
    ),
)
def lookup(request: HttpRequest, payload: LookupIn) -> HttpResponse:
    answer, body = dossier_lookup_json(code=payload.code, factor=payload.factor, ip=client_ip(request))
    if answer.outcome is LookupOutcome.RATE_LIMITED:
        response = JsonResponse({"detail": rate_limit_message(answer.retry_at)}, status=429)
        response["Retry-After"] = str(answer.retry_after_seconds)
        return response
    if answer.outcome is LookupOutcome.NOT_FOUND:
        return JsonResponse({"detail": str(NOT_FOUND_MESSAGE)}, status=404)
    # Written directly, as LookupOut describes it (a test holds the two together): the lookup is the
    # busiest endpoint, and validating its answer through the schema doubled its cost (docs/benchmarks.md).
    return HttpResponse(body, content_type="application/json")
