"""Reading signed results: a dossier's documents, and a document by its e-result code."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from egov.dossiers.models import Dossier
from egov.results.models import ResultDocument


def results_of_dossier(*, dossier: Dossier, include_superseded: bool = True) -> QuerySet[ResultDocument]:
    """The dossier's results and notices in the order they were issued (n of ``-KQ<n>``)."""
    documents = ResultDocument.objects.filter(dossier=dossier).select_related(
        "file", "agency", "signed_by", "supersedes"
    )
    if not include_superseded:
        documents = documents.filter(superseded_at__isnull=True)
    return documents.order_by("number")


def result_by_e_code(*, code: str) -> ResultDocument | None:
    """The document an e-result code names, in either form.

    ``<dossier code>-KQ<n>`` names exactly one document (superseded or not). The Art. 22.4 form (holder's
    identification number + result type code) names a kind of paper of a person: the latest document in
    force with that code is returned (a correction replaces the one it corrects)."""
    code = (code or "").strip()
    if not code:
        return None
    documents = ResultDocument.objects.select_related("file", "agency", "dossier", "signed_by")
    exact = documents.filter(legacy_code=code).first()
    if exact is not None:
        return exact
    return (
        documents.filter(Q(e_result_code=code), superseded_at__isnull=True)
        .order_by("-issued_at", "-pk")
        .first()
    )


def current_result_of_dossier(*, dossier: Dossier) -> ResultDocument | None:
    """The dossier's latest result or notice in force (what the one-stop section hands back)."""
    return results_of_dossier(dossier=dossier, include_superseded=False).order_by("-number").first()
