"""Reading dossiers. Citizens see only their own; officials only their agencies' (accounts.selectors)."""

from __future__ import annotations

from django.db.models import QuerySet

from egov.accounts.models import User
from egov.dossiers.models import Dossier


def dossiers_of_applicant(*, user: User) -> QuerySet[Dossier]:
    if not user.is_authenticated:
        return Dossier.objects.none()
    return (
        Dossier.objects.filter(applicant=user)
        .select_related("procedure_version", "receiving_agency")
        .order_by("-submitted_at")
    )


def dossier_of_applicant(*, user: User, code: str) -> Dossier | None:
    """The applicant's own dossier by code; None for anybody else's (no hint that it exists)."""
    return dossiers_of_applicant(user=user).filter(code=code).prefetch_related("papers", "events").first()
