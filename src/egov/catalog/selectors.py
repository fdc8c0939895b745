"""Reading the catalogue."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from egov.catalog.models import Field, Procedure, ProcedureVersion, RequiredPaper
from egov.catalog.search import SearchResult, procedure_search  # noqa: F401 - the app's public face


def published_versions() -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED).select_related(
        "procedure", "field"
    )


def procedure_published_get(*, national_code: str) -> ProcedureVersion | None:
    """The version new applications use, with papers, fees and steps, or None if there is none."""
    return (
        published_versions()
        .filter(procedure__national_code=national_code)
        .prefetch_related(
            Prefetch("papers", queryset=RequiredPaper.objects.order_by("order", "id")),
            "fees",
            "steps__agency",
            "implementing_agencies",
        )
        .first()
    )


def fields_with_procedures() -> QuerySet[Field]:
    return Field.objects.filter(procedureversion__status=ProcedureVersion.Status.PUBLISHED).distinct()


def procedure_versions_of(*, procedure: Procedure) -> QuerySet[ProcedureVersion]:
    return procedure.versions.order_by("-number")
