"""Reads for the citizen portal. Every read of a person's own things filters by that person."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from egov.accounts.models import Agency, User
from egov.catalog.models import ProcedureVersion
from egov.portal.models import ApplicationDraft, Profile


def draft_for(*, user: User, draft_id: int) -> ApplicationDraft | None:
    """The user's own unsubmitted draft; None for anybody else's (no hint that it exists)."""
    if not user.is_authenticated:
        return None
    return (
        ApplicationDraft.objects.filter(user=user, pk=draft_id, dossier__isnull=True)
        .select_related("procedure_version__procedure", "procedure_version__field", "receiving_agency")
        .first()
    )


def drafts_of(*, user: User) -> QuerySet[ApplicationDraft]:
    return ApplicationDraft.objects.filter(user=user, dossier__isnull=True).select_related(
        "procedure_version"
    )


def receiving_agency_options(*, version: ProcedureVersion) -> list[Agency]:
    """The one-stop centres that take this procedure: a commune procedure at the centres of the communes
    that implement it (any commune's when it is received regardless of boundary, Decree 118 Art. 14.2);
    a provincial one at the province's own centres."""
    centres = Agency.objects.filter(level=Agency.Level.ONE_STOP_CENTRE, valid_to__isnull=True).select_related(
        "parent"
    )
    if version.level == ProcedureVersion.Level.COMMUNE:
        commune_centres = [c for c in centres if c.parent and c.parent.level == Agency.Level.COMMUNE]
        if version.allows_any_location:
            return commune_centres
        implementing = set(version.implementing_agencies.values_list("id", flat=True))
        return [c for c in commune_centres if c.parent_id in implementing]
    return [c for c in centres if not (c.parent and c.parent.level == Agency.Level.COMMUNE)]


def profile_values(*, user: User) -> dict[str, Any]:
    """What the person has declared, keyed like eform.PROFILE_KEYS, for prefilling forms."""
    values: dict[str, Any] = {
        "full_name": user.full_name,
        "personal_id": user.personal_id or "",
        "phone": user.phone,
        "email": user.email,
        "address": user.address,
        "tax_code": user.tax_code,
    }
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        if profile.date_of_birth:
            values["date_of_birth"] = profile.date_of_birth.isoformat()
        # What the person declared last wins, except what identifies them (name, personal ID).
        values.update(
            {k: v for k, v in profile.declared.items() if v and k not in {"full_name", "personal_id"}}
        )
    return {key: value for key, value in values.items() if value}
