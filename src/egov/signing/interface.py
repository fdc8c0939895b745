"""The one interface every signing backend implements (docs/results-and-signing.md).

A backend receives finished PDF bytes and returns them signed (PAdES, an incremental update: the bytes
it was given stay unchanged in front). It signs *for an agency*: the certificate is the agency's, and
``signer_user`` is the official on whose instruction it signs (the agency head). Where the PDF marks a
place for the visible stamp (a named destination ``egov-signature``, :mod:`egov.signing.pades`), the
backend puts the stamp there; otherwise the signature is invisible.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from egov.accounts.models import Agency, User


class SigningError(Exception):
    """The PDF could not be signed (no key, key unavailable, token absent, service refused…)."""


class Signer(ABC):
    """Sign a PDF for an agency. Implementations must be safe to call from several threads."""

    #: The name under which the backend is registered (``DOCUMENT_SIGNING_BACKEND``).
    name: ClassVar[str] = ""

    @abstractmethod
    def sign_pdf(
        self, pdf_bytes: bytes, *, agency: Agency, signer_user: User | None, reason: str, location: str
    ) -> bytes:
        """Return ``pdf_bytes`` with one more PAdES signature, or raise :class:`SigningError`."""
