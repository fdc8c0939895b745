"""Online application: a draft saved at every step, then submitted as a dossier."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.catalog.eform import PROFILE_KEYS, form_clean, form_validate
from egov.catalog.models import ProcedureVersion, RequiredPaper
from egov.core.models import StoredFile
from egov.core.uploads import stored_file_create
from egov.dossiers.models import Dossier
from egov.dossiers.services import PaperInput, dossier_create
from egov.estore.selectors import estore_item_for
from egov.portal.models import ApplicationDraft, Profile
from egov.portal.selectors import receiving_agency_options


def draft_start(*, user: User, version: ProcedureVersion) -> ApplicationDraft:
    """Open the person's unfinished application for this procedure, or start one."""
    if version.status != ProcedureVersion.Status.PUBLISHED:
        raise ValidationError(_("This procedure is not open for applications."))
    existing = ApplicationDraft.objects.filter(
        user=user, procedure_version=version, dossier__isnull=True
    ).first()
    if existing:
        return existing
    options = receiving_agency_options(version=version)
    return ApplicationDraft.objects.create(
        user=user, procedure_version=version, receiving_agency=options[0] if len(options) == 1 else None
    )


def draft_save_form(
    *, draft: ApplicationDraft, raw: dict[str, Any], receiving_agency_id: str | None
) -> dict[str, str]:
    """Keep what was typed (even when it has errors) and return field → message for what is wrong."""
    schema = draft.procedure_version.form_schema or {}
    draft.form_data = form_clean(schema, raw)
    errors = form_validate(schema, draft.form_data)
    options = {str(agency.pk): agency for agency in receiving_agency_options(version=draft.procedure_version)}
    if receiving_agency_id in options:
        draft.receiving_agency = options[receiving_agency_id]
    elif len(options) > 1:
        errors["receiving_agency"] = _("Choose where to file the dossier.")
    draft.save(update_fields=["form_data", "receiving_agency", "updated_at"])
    return errors


def _paper_of(draft: ApplicationDraft, paper_id: int) -> RequiredPaper:
    paper = draft.procedure_version.papers.filter(pk=paper_id).first()
    if paper is None:
        raise ValidationError(_("This paper is not part of the procedure."))
    return paper


def draft_attach_upload(
    *, user: User, draft: ApplicationDraft, paper_id: int, uploaded: UploadedFile
) -> StoredFile:
    """Store an uploaded scan for one paper; a refused file changes nothing else in the draft."""
    paper = _paper_of(draft, paper_id)
    with transaction.atomic():
        stored = stored_file_create(uploaded=uploaded, actor=user)
        draft.papers = {**draft.papers, str(paper.pk): {"file": stored.pk}}
        draft.save(update_fields=["papers", "updated_at"])
    return stored


def draft_use_estore_item(*, user: User, draft: ApplicationDraft, paper_id: int, item_id: int) -> None:
    paper = _paper_of(draft, paper_id)
    item = estore_item_for(user=user, item_id=item_id)
    if item is None:
        raise ValidationError(_("That paper is not in your e-store."))
    draft.papers = {**draft.papers, str(paper.pk): {"estore": item.pk}}
    draft.save(update_fields=["papers", "updated_at"])


def draft_remove_paper(*, draft: ApplicationDraft, paper_id: int) -> None:
    draft.papers = {key: value for key, value in draft.papers.items() if key != str(paper_id)}
    draft.save(update_fields=["papers", "updated_at"])


def draft_problems(*, user: User, draft: ApplicationDraft) -> dict[str, str]:
    """Everything that still stops submission, keyed by form field or ``paper-<id>``."""
    version = draft.procedure_version
    problems = form_validate(version.form_schema or {}, draft.form_data)
    if draft.receiving_agency_id is None:
        problems["receiving_agency"] = _("Choose where to file the dossier.")
    for paper in version.papers.all():
        if paper.from_national_database or not paper.is_mandatory:
            continue
        if str(paper.pk) not in draft.papers:
            problems[f"paper-{paper.pk}"] = _("Attach “%(paper)s” or pick it from your e-store.") % {
                "paper": paper.name[:120]
            }
    return problems


def _paper_inputs(user: User, draft: ApplicationDraft) -> list[PaperInput]:
    inputs: list[PaperInput] = []
    for paper in draft.procedure_version.papers.all():
        choice = draft.papers.get(str(paper.pk), {})
        if "file" in choice:
            stored = StoredFile.objects.filter(pk=choice["file"], uploaded_by=user).first()
            if stored is None:
                raise ValidationError(_("An attached file could not be found; attach it again."))
            inputs.append(PaperInput(required_paper=paper, name=paper.name, file=stored))
        elif "estore" in choice:
            item = estore_item_for(user=user, item_id=int(choice["estore"]))
            if item is None:
                raise ValidationError(_("A paper chosen from the e-store is no longer there; choose again."))
            inputs.append(PaperInput(required_paper=paper, name=paper.name, file=item.file, estore_item=item))
        elif paper.from_national_database:
            inputs.append(PaperInput(required_paper=paper, name=paper.name, from_national_database=True))
    return inputs


def _remember_declared(user: User, version: ProcedureVersion, data: dict[str, Any]) -> None:
    """Keep what the person declared in prefill-mapped fields for next time."""
    profile, _created = Profile.objects.get_or_create(user=user)
    declared = dict(profile.declared)
    for key, spec in (version.form_schema or {}).get("properties", {}).items():
        target = spec.get("x-prefill")
        if target in PROFILE_KEYS and data.get(key) and target not in {"personal_id", "full_name"}:
            if target == "date_of_birth":
                try:
                    profile.date_of_birth = date.fromisoformat(str(data[key]))
                except ValueError:
                    continue
            else:
                declared[target] = data[key]
    profile.declared = declared
    profile.save()


def draft_submit(*, user: User, draft: ApplicationDraft) -> Dossier:
    """Submit the application: it becomes a dossier waiting for receipt in the one-stop queue."""
    from egov.portal.tasks import send_submission_acknowledgement

    problems = draft_problems(user=user, draft=draft)
    if problems:
        raise ValidationError(problems)
    version = draft.procedure_version
    data = draft.form_data
    with transaction.atomic():
        locked = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.dossier_id is not None:
            raise ValidationError(_("This application has already been submitted."))
        receiving_agency = draft.receiving_agency
        assert receiving_agency is not None  # draft_problems checked it
        dossier = dossier_create(
            actor=user,
            version=version,
            receiving_agency=receiving_agency,
            channel=Dossier.Channel.ONLINE,
            applicant=user,
            applicant_name=user.full_name or user.get_username(),
            applicant_personal_id=user.personal_id or user.tax_code,
            applicant_phone=str(data.get("phone") or user.phone),
            applicant_email=str(data.get("email") or user.email),
            applicant_address=str(data.get("address") or user.address),
            form_data=data,
            papers=_paper_inputs(user, draft),
        )
        locked.dossier = dossier
        locked.save(update_fields=["dossier", "updated_at"])
        _remember_declared(user, version, data)
        transaction.on_commit(lambda: send_submission_acknowledgement.enqueue(dossier.pk))
    return dossier


def dossier_supplement_online(
    *, user: User, dossier: Dossier, uploads: list[UploadedFile], note: str = ""
) -> Dossier:
    """The applicant sends what the request to supplement asked for; files are checked by content first,
    so a refused file leaves the dossier as it was."""
    from egov.dossiers.intake import dossier_supplement
    from egov.dossiers.models import DossierPaper

    if not uploads:
        raise ValidationError(_("Attach at least one file with what was asked for."))
    with transaction.atomic():
        papers = [
            DossierPaper(
                dossier=dossier,
                name=_("Supplement: %(name)s") % {"name": uploaded.name},
                file=stored_file_create(uploaded=uploaded, actor=user),
            )
            for uploaded in uploads
        ]
        return dossier_supplement(actor=user, dossier=dossier, papers=papers, note=note)


def profile_update(*, user: User, address: str, date_of_birth: date | None) -> Profile:
    """Keep what the person declares about themselves; audited, since it is personal data."""
    from egov.core.audit.services import audit_record

    with transaction.atomic():
        profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
        before = {"address": profile.declared.get("address", ""), "date_of_birth": profile.date_of_birth}
        profile.declared = {**profile.declared, "address": address.strip()}
        profile.date_of_birth = date_of_birth
        profile.save()
        audit_record(
            actor=user,
            action="profile.updated",
            target=profile,
            changes={
                key: [before[key], value]
                for key, value in {"address": address.strip(), "date_of_birth": date_of_birth}.items()
                if before[key] != value
            },
        )
    return profile
