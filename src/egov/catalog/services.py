"""Writing the catalogue: procedures, their versions, papers, fees and steps. Published versions are
never edited; a change of law is a new version, and dossiers keep the version they were filed under."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from egov.catalog.eform import schema_check
from egov.catalog.models import Fee, Field, Procedure, ProcedureVersion, RequiredPaper, StepTemplate
from egov.core.audit.services import audit_record
from egov.core.text import fold

VERSION_FIELDS = (
    "name", "plain_summary", "level", "applicant_type", "online_level", "implementing_agency_text",
    "deciding_agency_text", "processing_days", "processing_days_online", "processing_time_text", "fee_text",
    "result_type", "result_type_code", "conditions", "legal_basis", "allows_any_location", "form_schema",
    "form_ui", "source_url",
)  # fmt: skip
PAPER_FIELDS = (
    "order", "name", "originals", "copies", "is_mandatory", "case_note", "reusable_result_type",
    "from_national_database",
)  # fmt: skip
FEE_FIELDS = ("kind", "name", "amount", "channel", "description", "exemption")
STEP_FIELDS = ("order", "name", "agency_id", "role", "quota_hours")


def field_get_or_create(*, name: str) -> Field:
    name = name.strip()
    existing = Field.objects.filter(name=name).first()
    if existing:
        return existing
    base = slugify(fold(name))[:90] or "field"
    code, suffix = base, 2
    while Field.objects.filter(code=code).exists():
        code, suffix = f"{base}-{suffix}", suffix + 1
    return Field.objects.create(code=code, name=name)


def version_search_text(version: ProcedureVersion) -> str:
    """What search matches against, folded (no diacritics, đ → d): code, name, field, result, agency."""
    parts = [
        version.procedure.national_code,
        version.name,
        version.field.name,
        version.result_type,
        version.implementing_agency_text,
    ]
    return fold(" ".join(part for part in parts if part))


def _validate_version(version: ProcedureVersion) -> None:
    problems = schema_check(version.form_schema or {})
    if problems:
        raise ValidationError({"form_schema": problems})
    version.full_clean(exclude=["procedure", "search_text"])


@transaction.atomic
def procedure_version_write(
    *,
    actor: Any,
    national_code: str,
    field_name: str,
    data: Mapping[str, Any],
    papers: Iterable[Mapping[str, Any]] = (),
    fees: Iterable[Mapping[str, Any]] = (),
    steps: Iterable[Mapping[str, Any]] = (),
    agency_ids: Iterable[int] = (),
    publish: bool = False,
) -> ProcedureVersion:
    """Write a procedure's content as its draft version (creating the procedure and the draft if needed),
    replacing the draft's papers, fees and steps; optionally publish it at once."""
    procedure, created = Procedure.objects.get_or_create(national_code=national_code.strip())
    draft = procedure.versions.select_for_update().filter(status=ProcedureVersion.Status.DRAFT).first()
    if draft is None:
        last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
        draft = ProcedureVersion(procedure=procedure, number=last + 1)
    draft.field = field_get_or_create(name=field_name)
    for key in VERSION_FIELDS:
        if key in data:
            setattr(draft, key, data[key])
    _validate_version(draft)
    draft.search_text = version_search_text(draft)
    draft.save()
    draft.implementing_agencies.set(list(agency_ids))
    draft.papers.all().delete()
    draft.fees.all().delete()
    draft.steps.all().delete()
    RequiredPaper.objects.bulk_create(
        RequiredPaper(version=draft, **{k: v for k, v in paper.items() if k in PAPER_FIELDS})
        for paper in papers
    )
    Fee.objects.bulk_create(
        Fee(version=draft, **{k: v for k, v in fee.items() if k in FEE_FIELDS}) for fee in fees
    )
    step_rows = [
        StepTemplate(version=draft, **{k: v for k, v in step.items() if k in STEP_FIELDS}) for step in steps
    ]
    for step in step_rows:
        step.full_clean(exclude=["version"])
    StepTemplate.objects.bulk_create(step_rows)
    audit_record(
        actor=actor,
        action="procedure.created" if created else "procedure.draft_written",
        target=draft,
        changes={"national_code": [None, procedure.national_code], "version": [None, draft.number]},
    )
    if publish:
        return procedure_version_publish(actor=actor, version=draft)
    return draft


@transaction.atomic
def procedure_version_publish(*, actor: Any, version: ProcedureVersion) -> ProcedureVersion:
    """Make a draft the version new dossiers are filed under; the previous one is kept, superseded, for
    the dossiers already filed under it."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != ProcedureVersion.Status.DRAFT:
        raise ValidationError(_("Only a draft version can be published."))
    previous = ProcedureVersion.objects.filter(
        procedure_id=version.procedure_id, status=ProcedureVersion.Status.PUBLISHED
    ).first()
    if previous is not None:
        previous.status = ProcedureVersion.Status.SUPERSEDED
        previous.save(update_fields=["status", "updated_at"])
    version.status = ProcedureVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at", "updated_at"])
    Procedure.objects.filter(pk=version.procedure_id).update(current_version=version)
    audit_record(
        actor=actor,
        action="procedure.published",
        target=version,
        changes={"published_version": [previous.number if previous else None, version.number]},
    )
    return version


@transaction.atomic
def procedure_version_new_draft(*, actor: Any, procedure: Procedure) -> ProcedureVersion:
    """Start the next version from the published one (the law changed); the published one stays as is."""
    if procedure.versions.filter(status=ProcedureVersion.Status.DRAFT).exists():
        raise ValidationError(_("This procedure already has a draft version; edit that one."))
    source = procedure.current_version
    if source is None:
        raise ValidationError(_("This procedure has no published version to start from."))
    return procedure_version_write(
        actor=actor,
        national_code=procedure.national_code,
        field_name=source.field.name,
        data={key: getattr(source, key) for key in VERSION_FIELDS},
        papers=[{key: getattr(p, key) for key in PAPER_FIELDS} for p in source.papers.all()],
        fees=[{key: getattr(f, key) for key in FEE_FIELDS} for f in source.fees.all()],
        steps=[{key: getattr(s, key) for key in STEP_FIELDS} for s in source.steps.all()],
        agency_ids=source.implementing_agencies.values_list("id", flat=True),
    )
