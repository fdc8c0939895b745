"""Walk-in dossiers at the counter: the officer checks the applicant's identity, takes what the state
already holds instead of retyping it (Decree 118/2025 Art. 17.1a–b), scans each paper (who, when) and
enters the dossier on the applicant's behalf; the decision then follows as for any dossier."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import Agency, User
from egov.accounts.selectors import user_has_permission
from egov.accounts.validators import validate_personal_id
from egov.catalog.eform import form_clean, form_validate
from egov.catalog.models import ProcedureVersion
from egov.core.permissions import Permission
from egov.core.uploads import stored_file_create, upload_check
from egov.dossiers.models import Dossier
from egov.dossiers.services import PaperInput, dossier_create


def person_on_record(*, personal_id: str) -> dict[str, Any]:
    """What the state already holds about a person, by personal ID: today the platform's own records
    (accounts and their declared profile); the population-database connector plugs in here later."""
    user = User.objects.filter(personal_id=personal_id).first()
    if user is None:
        return {}
    record = {"full_name": user.full_name, "phone": user.phone, "email": user.email, "address": user.address}
    profile = getattr(user, "profile", None)
    if profile is not None and profile.declared.get("address") and not record["address"]:
        record["address"] = profile.declared["address"]
    return {key: value for key, value in record.items() if value}


def counter_dossier_create(
    *,
    actor: User,
    agency: Agency,
    version: ProcedureVersion,
    personal_id: str,
    identity_checked: bool,
    applicant: Mapping[str, str],
    form_raw: Mapping[str, Any],
    scans: Mapping[int, UploadedFile],
    authorised_person: str = "",
) -> Dossier:
    """Enter a walk-in dossier. Every problem is reported at once as field → message; nothing is stored
    unless all is well."""
    if not user_has_permission(user=actor, permission=Permission.DOSSIER_RECEIVE, agency=agency):
        raise PermissionDenied(_("You may not receive dossiers for this section."))
    errors: dict[str, str] = {}
    try:
        validate_personal_id(personal_id)
    except ValidationError as error:
        errors["personal_id"] = " ".join(error.messages)
    if not identity_checked:
        errors["identity_checked"] = _("Check the applicant's identity document first.")
    if not applicant.get("full_name", "").strip():
        errors["full_name"] = _("Enter the applicant's full name.")
    schema = version.form_schema or {}
    form_data = form_clean(schema, dict(form_raw))
    errors.update({f"form-{key}": message for key, message in form_validate(schema, form_data).items()})
    papers = list(version.papers.all())
    for paper in papers:
        if paper.pk in scans:
            try:
                upload_check(scans[paper.pk])
            except ValidationError as error:
                errors[f"paper-{paper.pk}"] = " ".join(error.messages)
        elif paper.is_mandatory and not paper.from_national_database:
            errors[f"paper-{paper.pk}"] = _("Scan “%(paper)s”.") % {"paper": paper.name[:100]}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        inputs: list[PaperInput] = []
        for paper in papers:
            if paper.pk in scans:
                stored = stored_file_create(uploaded=scans[paper.pk], actor=actor)
                inputs.append(PaperInput(required_paper=paper, name=paper.name, file=stored))
            elif paper.from_national_database:
                inputs.append(PaperInput(required_paper=paper, name=paper.name, from_national_database=True))
        dossier = dossier_create(
            actor=actor,
            version=version,
            receiving_agency=agency,
            channel=Dossier.Channel.DIRECT,
            applicant=User.objects.filter(personal_id=personal_id).first(),
            applicant_name=applicant["full_name"].strip(),
            applicant_personal_id=personal_id,
            applicant_phone=applicant.get("phone", "").strip(),
            applicant_email=applicant.get("email", "").strip(),
            applicant_address=applicant.get("address", "").strip(),
            form_data=form_data,
            papers=inputs,
        )
        dossier.papers.exclude(file__isnull=True).update(scanned_by=actor, scanned_at=now)
        if authorised_person:
            Dossier.objects.filter(pk=dossier.pk).update(authorised_person=authorised_person[:255])
    return dossier
