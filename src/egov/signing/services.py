"""Signing documents: the one entry point other apps call. The backend is chosen by
``DOCUMENT_SIGNING_BACKEND`` (``signing/registry.py``); docs/results-and-signing.md."""

from __future__ import annotations

from typing import TYPE_CHECKING

from egov.signing.interface import SigningError
from egov.signing.registry import signer_get

if TYPE_CHECKING:
    from egov.accounts.models import Agency, User

__all__ = ["SigningError", "sign_pdf"]


def sign_pdf(
    pdf_bytes: bytes, *, agency: Agency, signer_user: User | None, reason: str, location: str
) -> bytes:
    """Return ``pdf_bytes`` signed (PAdES) with ``agency``'s certificate, or raise :class:`SigningError`.
    Callers check the signer's permission first; this only signs."""
    return signer_get().sign_pdf(
        pdf_bytes, agency=agency, signer_user=signer_user, reason=reason, location=location
    )
