"""Reading dossiers. Citizens see only their own; officials only their agencies' — the filters here are
the authorisation (accounts.selectors.agencies_where_permitted), so a list is one query, never a check
per row."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum

from egov.accounts.models import User
from egov.accounts.selectors import agencies_where_permitted
from egov.core.permissions import Permission
from egov.dossiers.models import Dossier, Status


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


def desk_agencies(*, user: User) -> set[int]:
    """The one-stop sections whose desk this officer works."""
    return agencies_where_permitted(user=user, permission=Permission.DOSSIER_RECEIVE)


def desk_dossiers(*, user: User, agency_id: int | None = None) -> QuerySet[Dossier]:
    agencies = desk_agencies(user=user)
    if agency_id is not None:
        agencies = agencies & {agency_id}
    return Dossier.objects.filter(receiving_agency_id__in=agencies).select_related(
        "procedure_version", "receiving_agency"
    )


# The desk's lists and the status each one holds.
DESK_LISTS = {
    "to_receive": Status.NEW,
    "waiting_supplement": Status.SUPPLEMENT_REQUESTED,
    "to_transfer": Status.RECEIVED,
    "withdrawal": Status.WITHDRAWAL_REQUESTED,
}
# What a desk list's row shows.
DESK_ROW_FIELDS = (
    "id", "code", "status", "channel", "applicant_name", "submitted_at", "acceptance_due_at",
    "transfer_due_at", "due_at", "updated_at", "procedure_version__name",
    "procedure_version__procedure__national_code", "receiving_agency_id", "national_code",
)  # fmt: skip


def desk_queue(*, user: User, agency_id: int | None = None) -> dict[str, QuerySet[Dossier]]:
    """The desk's lists, most urgent first: to receive (the 8-working-hour clock), waiting for the
    applicant's supplement, received but not yet transferred (the 15:00 rule), asked to withdraw."""
    base = desk_dossiers(user=user, agency_id=agency_id)
    return {
        "to_receive": base.filter(status=Status.NEW).order_by("acceptance_due_at", "submitted_at"),
        "waiting_supplement": base.filter(status=Status.SUPPLEMENT_REQUESTED).order_by("submitted_at"),
        "to_transfer": base.filter(status=Status.RECEIVED).order_by("transfer_due_at"),
        "withdrawal": base.filter(status=Status.WITHDRAWAL_REQUESTED).order_by("updated_at"),
    }


def desk_queue_counts(*, user: User, agency_id: int | None = None) -> tuple[dict[str, int], tuple[Any, ...]]:
    """How many dossiers each desk list holds, and a fingerprint that changes whenever a list does (for
    ``core.refresh``): one query."""
    rows = list(
        desk_dossiers(user=user, agency_id=agency_id)
        .filter(status__in=list(DESK_LISTS.values()))
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"), ids=Sum("id"), latest=Max("updated_at"))
        .values_list("status", "n", "ids", "latest")
        .order_by("status")
    )
    found = {status: n for status, n, _ids, _latest in rows}
    counts = {name: int(found.get(status, 0)) for name, status in DESK_LISTS.items()}
    return counts, tuple((status, n, ids, str(latest)) for status, n, ids, latest in rows)


def desk_search(*, user: User, text: str, limit: int = 50) -> QuerySet[Dossier]:
    """By dossier code (ours, or the National Public Service Portal's), applicant name or personal ID,
    within the officer's sections."""
    text = text.strip()
    if not text:
        return Dossier.objects.none()
    condition = (
        Q(code__icontains=text)
        | Q(national_code=text)
        | Q(applicant_personal_id=text)
        | Q(applicant_name__icontains=text)
    )
    return desk_dossiers(user=user).filter(condition).order_by("-submitted_at")[:limit]


def desk_dossier(*, user: User, code: str) -> Dossier | None:
    """A dossier the officer may see: received at their desk, or processed by their agency."""
    receiving = desk_agencies(user=user)
    viewing = agencies_where_permitted(user=user, permission=Permission.DOSSIER_VIEW)
    return (
        Dossier.objects.filter(code=code)
        .filter(Q(receiving_agency_id__in=receiving | viewing) | Q(processing_agency_id__in=viewing))
        .select_related("procedure_version__procedure", "receiving_agency", "processing_agency", "applicant")
        .prefetch_related("papers__file", "papers__estore_item", "events__actor", "slips", "control_rows")
        .first()
    )
