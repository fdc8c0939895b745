"""Reading signatures: validate a signed PDF, and the certificates this installation trusts."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import structlog
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.db.models import F, QuerySet
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from egov.accounts.models import Agency
from egov.signing.loops import outside_event_loop
from egov.signing.models import SigningCertificate

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ValidationResult:
    """What a signed PDF's signatures say. With several signatures, ``intact``, ``valid_signature`` and
    ``trusted`` hold for all of them, and the signer and time are the last one's."""

    intact: bool  # the signed bytes hash to what was signed
    valid_signature: bool  # intact, and the signature over it verifies with the signer's public key
    signer_common_name: str
    signed_at: datetime | None  # as the signer's clock said (B-B has no timestamp token)
    trusted: bool  # the signer's certificate chains to a trust root of this installation
    covers_whole_document: bool = False  # nothing was added after the last signature
    signature_count: int = 0
    problem: str = ""

    @property
    def is_valid(self) -> bool:
        return (
            self.signature_count > 0
            and self.intact
            and self.valid_signature
            and self.trusted
            and self.covers_whole_document
        )


def _invalid(problem: str, *, count: int = 0) -> ValidationResult:
    return ValidationResult(
        intact=False,
        valid_signature=False,
        signer_common_name="",
        signed_at=None,
        trusted=False,
        covers_whole_document=False,
        signature_count=count,
        problem=problem,
    )


def trust_roots() -> list[asn1_x509.Certificate]:
    """Every root of the local test CA ever created (a retired root still vouches for what it signed).
    A production backend adds its CA's roots here (docs/results-and-signing.md)."""
    roots = SigningCertificate.objects.filter(kind=SigningCertificate.Kind.ROOT).values_list(
        "certificate_pem", flat=True
    )
    return [asn1_x509.Certificate.load(pem.unarmor(text.encode("ascii"))[2]) for text in roots]


def validate_pdf(pdf_bytes: bytes) -> ValidationResult:
    """Check every signature of ``pdf_bytes`` with pyHanko, offline, against :func:`trust_roots`.
    Never raises for a damaged or tampered file: that is reported as invalid, with ``problem``."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes))
        signatures = reader.embedded_regular_signatures
    except Exception as error:  # a damaged file fails in many ways; all of them mean "not valid"
        return _invalid(f"unreadable PDF: {error}")
    if not signatures:
        return _invalid("no signature")
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    intact = valid = trusted = True
    covers = False
    common_name, signed_at = "", None
    for index, embedded in enumerate(signatures):
        try:
            status = outside_event_loop(validate_pdf_signature, embedded, context)
        except Exception as error:  # pyHanko raises on a mangled signature container
            logger.info("pdf_signature_unreadable", error=str(error)[:200])
            return _invalid(f"signature {index + 1} cannot be read: {error}", count=len(signatures))
        intact = intact and status.intact
        valid = valid and status.intact and status.valid
        trusted = trusted and status.trusted
        common_name = str(status.signing_cert.subject.native.get("common_name", ""))
        signed_at = status.signer_reported_dt
        last = index == len(signatures) - 1
        # The last signature must cover the whole file; an earlier one, only changes its policy allows.
        covers = status.coverage == SignatureCoverageLevel.ENTIRE_FILE if last else bool(status.docmdp_ok)
        if not last and not covers:
            break
    return ValidationResult(
        intact=intact,
        valid_signature=valid,
        signer_common_name=common_name,
        signed_at=signed_at,
        trusted=trusted,
        covers_whole_document=covers,
        signature_count=len(signatures),
        problem="" if intact and valid and trusted and covers else "see the flags",
    )


def certificates_of_agency(*, agency: Agency) -> QuerySet[SigningCertificate]:
    """The agency's certificates, current first (never the keys: ``sealed_private_key`` is deferred)."""
    return (
        SigningCertificate.objects.filter(agency=agency)
        .defer("sealed_private_key")
        .order_by(F("retired_at").asc(nulls_first=True), "-not_before")  # NULL sorts last on PostgreSQL
    )


def root_certificate_pem() -> str | None:
    """The active root of the local test CA, to import into a PDF reader's trusted certificates in
    development; None before anything was signed."""
    row = SigningCertificate.objects.filter(
        kind=SigningCertificate.Kind.ROOT, retired_at__isnull=True
    ).first()
    return row.certificate_pem if row else None
