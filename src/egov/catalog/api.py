"""The public catalogue API at /api/v1/catalogue/: search published procedures, read one in full, list the
fields. Anyone may call it; only published versions are ever shown (docs/search.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, cast

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field as SchemaField

from egov.catalog.models import Fee, ProcedureVersion, RequiredPaper, StepTemplate
from egov.catalog.selectors import fields_with_procedures, procedure_published_get, procedure_search
from egov.core.text import vietnamese_sort_key

router = Router(tags=["catalogue"])

LevelValue = Literal["province", "commune"]
OnlineLevelValue = Literal["full", "partial", "none"]
ApplicantValue = Literal["citizen", "business", "both"]
FeeKindValue = Literal["fee", "charge"]


class ProcedureSearchIn(Schema):
    q: str = SchemaField(
        "",
        max_length=200,
        description="Words to find, with or without diacritics (đ may be typed d), or a national code. "
        "Empty: every published procedure, by name.",
    )
    field: int | None = SchemaField(None, ge=1, description="Only this field (an id from GET /fields).")
    agency: int | None = SchemaField(
        None, ge=1, description="Only procedures this agency processes (its id)."
    )
    level: LevelValue | None = SchemaField(None, description="Only procedures of this level.")
    online_level: OnlineLevelValue | None = SchemaField(
        None, description="Only this level of online service."
    )
    limit: int = SchemaField(20, ge=1, le=100, description="How many to return.")
    offset: int = SchemaField(0, ge=0, le=100_000, description="How many to skip.")


class FieldOut(Schema):
    id: int
    code: str
    name: str


class AgencyOut(Schema):
    id: int
    code: str = SchemaField(description="Electronic identifier code of the agency.")
    name: str


class ProcedureSummaryOut(Schema):
    national_code: str = SchemaField(
        description="Code in the national database of administrative procedures."
    )
    name: str
    version: int = SchemaField(description="Number of the published version.")
    field: FieldOut
    level: LevelValue
    online_level: OnlineLevelValue
    applicant_type: ApplicantValue
    processing_days: int = SchemaField(description="Working days; 0 means the result is given immediately.")
    processing_days_online: int | None = SchemaField(
        description="Working days when filed online, if different."
    )
    result_type: str = SchemaField(description="What the applicant receives.")
    implementing_agency_text: str = SchemaField(description="Implementing agency, as published.")


class ProcedurePageOut(Schema):
    total: int = SchemaField(description="How many procedures match, in all.")
    limit: int
    offset: int
    items: list[ProcedureSummaryOut] = SchemaField(description="Best matches first, then by name.")


class PaperOut(Schema):
    order: int
    name: str
    originals: int
    copies: int
    is_mandatory: bool
    case_note: str = SchemaField(description="When the paper is needed, if only in some cases.")
    template_url: str | None = SchemaField(description="Blank template to fill in, if there is one.")
    reusable_result_type: str = SchemaField(
        description="A result of this type in the e-store can replace it."
    )
    from_national_database: bool = SchemaField(description="The state already holds it; it is not asked for.")


class FeeOut(Schema):
    kind: FeeKindValue = SchemaField(description="fee (phí) or charge (lệ phí).")
    name: str
    amount: int | None = SchemaField(description="In đồng; null when it depends on the case.")
    channel: str = SchemaField(description="The channel it applies to, if only one.")
    description: str
    exemption: str


class StepOut(Schema):
    order: int
    name: str
    agency: AgencyOut | None = SchemaField(description="Null: the agency that received the dossier.")
    role: str
    quota_hours: float = SchemaField(description="Working hours (1 working day = 8 hours).")


class ProcessingTimeOut(Schema):
    days: int = SchemaField(description="Working days; 0 means the result is given immediately.")
    days_online: int | None = SchemaField(description="Working days when filed online, if different.")
    text: str = SchemaField(description="The processing time as published.")


class FormOut(Schema):
    definition: dict[str, Any] = SchemaField(description="The application form (tờ khai) as JSON Schema.")
    ui: dict[str, Any] = SchemaField(description="Display hints for the form.")


class ProcedureDetailOut(ProcedureSummaryOut):
    published_at: datetime | None
    plain_summary: str
    deciding_agency_text: str
    processing_time: ProcessingTimeOut
    fee_text: str = SchemaField(description="Fees and charges, as published.")
    result_type_code: str
    conditions: str
    legal_basis: str
    allows_any_location: bool = SchemaField(description="Any one-stop centre in the province may receive it.")
    source_url: str
    agencies: list[AgencyOut] = SchemaField(description="Agencies that process it in this province.")
    papers: list[PaperOut]
    fees: list[FeeOut]
    steps: list[StepOut] = SchemaField(description="The internal process, in order.")
    form: FormOut


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str = SchemaField(description="The parameter at fault.")
    message: str


class InvalidParametersOut(ErrorOut):
    """What the API's validation handler (egov.api.validation_error) answers, in Vietnamese."""

    errors: list[FieldErrorOut]


def _summary(version: ProcedureVersion) -> dict[str, Any]:
    return {
        "national_code": version.procedure.national_code,
        "name": version.name,
        "version": version.number,
        "field": FieldOut(id=version.field.pk, code=version.field.code, name=version.field.name),
        "level": version.level,
        "online_level": version.online_level,
        "applicant_type": version.applicant_type,
        "processing_days": version.processing_days,
        "processing_days_online": version.processing_days_online,
        "result_type": version.result_type,
        "implementing_agency_text": version.implementing_agency_text,
    }


def _paper(paper: RequiredPaper) -> PaperOut:
    return PaperOut(
        order=paper.order,
        name=paper.name,
        originals=paper.originals,
        copies=paper.copies,
        is_mandatory=paper.is_mandatory,
        case_note=paper.case_note,
        template_url=paper.template.url if paper.template else None,
        reusable_result_type=paper.reusable_result_type,
        from_national_database=paper.from_national_database,
    )


def _fee(fee: Fee) -> FeeOut:
    return FeeOut(
        kind=cast(FeeKindValue, fee.kind),
        name=fee.name,
        amount=fee.amount,
        channel=fee.channel,
        description=fee.description,
        exemption=fee.exemption,
    )


def _step(step: StepTemplate) -> StepOut:
    agency = step.agency
    return StepOut(
        order=step.order,
        name=step.name,
        agency=AgencyOut(id=agency.pk, code=agency.code, name=agency.name) if agency else None,
        role=step.role,
        quota_hours=float(step.quota_hours),
    )


@router.get(
    "/procedures",
    response={200: ProcedurePageOut, 422: InvalidParametersOut},
    summary="Search published procedures",
    description="Vietnamese with or without diacritics (đ = d), or a national code. Ranked: the code itself; "
    "the words as typed, with their diacritics, in the name; all words in the name; words found only in "
    "the field, result or agency. Then by name in Vietnamese alphabetical order.",
)
def procedure_list(request: HttpRequest, filters: Query[ProcedureSearchIn]) -> ProcedurePageOut:
    result = procedure_search(
        query=filters.q,
        field_id=filters.field,
        agency_id=filters.agency,
        level=filters.level,
        online_level=filters.online_level,
        limit=filters.limit,
        offset=filters.offset,
    )
    return ProcedurePageOut(
        total=result.total,
        limit=filters.limit,
        offset=filters.offset,
        items=[ProcedureSummaryOut(**_summary(version)) for version in result.items],
    )


@router.get(
    "/procedures/{national_code}",
    response={200: ProcedureDetailOut, 404: ErrorOut},
    summary="One procedure's published version in full",
)
def procedure_detail(request: HttpRequest, national_code: str) -> ProcedureDetailOut | tuple[int, ErrorOut]:
    version = procedure_published_get(national_code=national_code)
    if version is None:
        return 404, ErrorOut(
            detail=_("No published procedure has the code %(code)s.") % {"code": national_code}
        )
    return ProcedureDetailOut(
        **_summary(version),
        published_at=version.published_at,
        plain_summary=version.plain_summary,
        deciding_agency_text=version.deciding_agency_text,
        processing_time=ProcessingTimeOut(
            days=version.processing_days,
            days_online=version.processing_days_online,
            text=version.processing_time_text,
        ),
        fee_text=version.fee_text,
        result_type_code=version.result_type_code,
        conditions=version.conditions,
        legal_basis=version.legal_basis,
        allows_any_location=version.allows_any_location,
        source_url=version.source_url,
        agencies=[
            AgencyOut(id=agency.pk, code=agency.code, name=agency.name)
            for agency in sorted(version.implementing_agencies.all(), key=lambda agency: agency.code)
        ],
        papers=[_paper(paper) for paper in version.papers.all()],
        fees=[_fee(fee) for fee in version.fees.all()],
        steps=[_step(step) for step in version.steps.all()],
        form=FormOut(definition=version.form_schema or {}, ui=version.form_ui or {}),
    )


@router.get("/fields", response=list[FieldOut], summary="Fields that have published procedures")
def field_list(request: HttpRequest) -> list[FieldOut]:
    fields = sorted(fields_with_procedures(), key=lambda field: vietnamese_sort_key(field.name))
    return [FieldOut(id=field.pk, code=field.code, name=field.name) for field in fields]


__all__ = ["router"]
