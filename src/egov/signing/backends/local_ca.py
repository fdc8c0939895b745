"""``DOCUMENT_SIGNING_BACKEND=local_ca``: a development and test CA kept in the database.

A root "egov-vn Test CA" (RSA 2048, 20 years) and one certificate per agency (RSA 2048, 5 years;
CN = the agency's name, O = its province, OU = its electronic identifier code, C = VN) are created on
the first signature that needs them. Private keys are sealed with a key derived from ``SECRET_KEY``
(``signing/keys.py``). An agency whose name, code or province changed, or whose certificate ends within
30 days, gets a new certificate at its next signature; the old one is retired, never deleted.

Nobody outside this installation trusts this CA: production uses certificates of a licensed Vietnamese
CA (Ban Cơ yếu Chính phủ for official-service signatures, Decree 68/2024) through another backend.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import NameOID
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from pyhanko.sign.signers import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from egov.accounts.models import Agency, User
from egov.signing.interface import Signer, SigningError
from egov.signing.keys import KeyUnavailableError, private_key_open, private_key_seal
from egov.signing.models import SigningCertificate
from egov.signing.pades import pades_sign, signature_field_name

logger = structlog.get_logger(__name__)

ROOT_COMMON_NAME = "egov-vn Test CA"
ROOT_ORGANISATION = "egov-vn"
ROOT_UNIT = "Development and tests only"
KEY_SIZE = 2048
ROOT_VALIDITY = timedelta(days=20 * 365)
AGENCY_VALIDITY = timedelta(days=5 * 365)
RENEW_BEFORE = timedelta(days=30)
BACKDATE = timedelta(minutes=5)  # tolerate clocks a little behind ours
# RFC 5280 upper bound of 64 (ub-common-name, -organization-name, -organizational-unit-name). cryptography
# counts it in UTF-8 bytes, so a long Vietnamese name is cut shorter than 64 letters; the full name is in
# the document and in the stamp.
_MAX_BYTES = 64


@dataclass(frozen=True)
class KeyPair:
    certificate: x509.Certificate
    private_key: rsa.RSAPrivateKey


def _attribute(oid: x509.ObjectIdentifier, value: str) -> x509.NameAttribute:
    fitted = value.encode("utf-8")[:_MAX_BYTES].decode("utf-8", errors="ignore").strip()
    return x509.NameAttribute(oid, fitted)


def _province_of(agency: Agency) -> str:
    """The province-level agency at the top of ``agency``'s branch, as the organisation."""
    node: Agency | None = agency
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        if node.level == Agency.Level.PROVINCE:
            return node.name
        seen.add(node.pk)
        node = node.parent
    return ROOT_ORGANISATION


def agency_subject(agency: Agency) -> x509.Name:
    return x509.Name(
        [
            _attribute(NameOID.COUNTRY_NAME, "VN"),
            _attribute(NameOID.ORGANIZATION_NAME, _province_of(agency)),
            _attribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency.code),
            _attribute(NameOID.COMMON_NAME, agency.name),
        ]
    )


def _root_subject() -> x509.Name:
    return x509.Name(
        [
            _attribute(NameOID.COUNTRY_NAME, "VN"),
            _attribute(NameOID.ORGANIZATION_NAME, ROOT_ORGANISATION),
            _attribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ROOT_UNIT),
            _attribute(NameOID.COMMON_NAME, ROOT_COMMON_NAME),
        ]
    )


def _key_usage(*, signing: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,  # non-repudiation: pyHanko requires it of a document signer
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signing,
        crl_sign=not signing,
        encipher_only=False,
        decipher_only=False,
    )


def _build(*, subject: x509.Name, issuer: KeyPair | None, validity: timedelta, now: datetime) -> KeyPair:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    signing_key = issuer.private_key if issuer else private_key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.certificate.subject if issuer else subject)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + validity)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(private_key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=False
        )
    )
    if issuer is None:
        builder = builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        builder = builder.add_extension(_key_usage(signing=False), critical=True)
    else:
        builder = builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        builder = builder.add_extension(_key_usage(signing=True), critical=True)
    return KeyPair(certificate=builder.sign(signing_key, hashes.SHA256()), private_key=private_key)


def _store(
    pair: KeyPair, *, kind: str, agency: Agency | None, issuer: SigningCertificate | None
) -> SigningCertificate:
    certificate = pair.certificate
    fingerprint = certificate.fingerprint(hashes.SHA256()).hex()
    key_der = pair.private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return SigningCertificate.objects.create(
        kind=kind,
        agency=agency,
        issuer=issuer,
        subject=certificate.subject.rfc4514_string()[:500],
        serial_number=f"{certificate.serial_number:x}",
        fingerprint_sha256=fingerprint,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        sealed_private_key=private_key_seal(key_der, binding=fingerprint),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def key_pair_of(row: SigningCertificate) -> KeyPair:
    certificate = x509.load_pem_x509_certificate(row.certificate_pem.encode("ascii"))
    try:
        key_der = private_key_open(row.sealed_private_key, binding=row.fingerprint_sha256)
    except KeyUnavailableError as error:
        raise SigningError(
            _("The signing key of “%(subject)s” cannot be opened: %(error)s")
            % {"subject": row.subject, "error": error}
        ) from error
    # Skipping the (slow, ~0.1 s) RSA consistency check is safe: the key is our own, and AES-GCM already
    # proved it is the one that was sealed for this certificate.
    private_key = serialization.load_der_private_key(
        key_der, password=None, unsafe_skip_rsa_key_validation=True
    )
    assert isinstance(private_key, rsa.RSAPrivateKey)
    return KeyPair(certificate=certificate, private_key=private_key)


def _key_opens(row: SigningCertificate) -> bool:
    try:
        private_key_open(row.sealed_private_key, binding=row.fingerprint_sha256)
    except KeyUnavailableError:
        logger.warning("signing_key_unavailable", subject=row.subject, fingerprint=row.fingerprint_sha256)
        return False
    return True


def _is_usable(row: SigningCertificate, *, now: datetime) -> bool:
    """Active, not ending within 30 days, and its key opens with the current secret key (a development
    CA whose ``SECRET_KEY`` changed simply issues new certificates; old roots stay trusted)."""
    return row.retired_at is None and row.not_after - RENEW_BEFORE > now and _key_opens(row)


def root_certificate(*, now: datetime | None = None) -> SigningCertificate:
    """The active root, created on first use (and replaced when it nears its end)."""
    now = now or timezone.now()
    with transaction.atomic():
        current = SigningCertificate.objects.filter(
            kind=SigningCertificate.Kind.ROOT, retired_at__isnull=True
        )
        row = current.select_for_update(of=("self",)).order_by("pk").first()
        if row is not None and _is_usable(row, now=now):
            return row
        if row is not None:
            _retire(row, now=now)
        pair = _build(subject=_root_subject(), issuer=None, validity=ROOT_VALIDITY, now=now)
        try:
            with transaction.atomic():
                created = _store(pair, kind=SigningCertificate.Kind.ROOT, agency=None, issuer=None)
        except IntegrityError:  # another process created it at the same moment: use theirs
            return current.get()
        logger.info("signing_root_created", fingerprint=created.fingerprint_sha256)
        return created


def agency_certificate(*, agency: Agency, now: datetime | None = None) -> SigningCertificate:
    """The agency's active certificate, issued on first use and reissued when its subject no longer
    matches the agency (renamed, recoded, moved to another province) or it nears its end."""
    now = now or timezone.now()
    root = root_certificate(now=now)
    subject = agency_subject(agency)
    with transaction.atomic():
        current = SigningCertificate.objects.filter(
            kind=SigningCertificate.Kind.AGENCY, agency=agency, retired_at__isnull=True
        )
        row = current.select_for_update(of=("self",)).order_by("pk").first()
        if (
            row is not None
            and _is_usable(row, now=now)
            and row.issuer_id == root.pk
            and row.subject == subject.rfc4514_string()[:500]
        ):
            return row
        if row is not None:
            _retire(row, now=now)
        pair = _build(subject=subject, issuer=key_pair_of(root), validity=AGENCY_VALIDITY, now=now)
        try:
            with transaction.atomic():
                created = _store(pair, kind=SigningCertificate.Kind.AGENCY, agency=agency, issuer=root)
        except IntegrityError:
            return current.get()
        logger.info(
            "signing_agency_certificate_issued", agency=agency.code, fingerprint=created.fingerprint_sha256
        )
        return created


def _retire(row: SigningCertificate, *, now: datetime) -> None:
    row.retired_at = now
    row.save(update_fields=["retired_at", "updated_at"])


def _asn1_certificate(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _stamp_lines(*, agency: Agency, signer_user: User | None, moment: datetime) -> list[str]:
    local = timezone.localtime(moment)
    offset = local.strftime("%z")
    with override("vi"):  # the stamp is part of the official document: always Vietnamese
        lines = [_("Signed by: %(agency)s") % {"agency": agency.name}]
        if signer_user is not None and str(signer_user):
            lines.append(_("Signer: %(name)s") % {"name": str(signer_user)})
        lines.append(
            _("Signed at: %(moment)s") % {"moment": f"{local:%d/%m/%Y %H:%M:%S} {offset[:3]}:{offset[3:]}"}
        )
    return lines


class _LoadedKeySigner(SimpleSigner):
    """pyHanko's in-memory signer, but with the key object loaded once instead of parsed from DER at
    every signature (pyHanko signs twice per document: a size estimate, then the signature)."""

    def __init__(self, *, pair: KeyPair, root: x509.Certificate) -> None:
        super().__init__(
            signing_cert=_asn1_certificate(pair.certificate),
            signing_key=asn1_keys.PrivateKeyInfo.load(
                pair.private_key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            cert_registry=SimpleCertificateStore.from_certs([_asn1_certificate(root)]),
        )
        self._private_key = pair.private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        try:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        except ValueError:
            mechanism = ""
        if mechanism != "rsassa_pkcs1v15":
            return super().sign_raw(data, digest_algorithm)
        return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))


class LocalCaSigner(Signer):
    """Signs with the agency's certificate from the local test CA."""

    name = "local_ca"

    def sign_pdf(
        self, pdf_bytes: bytes, *, agency: Agency, signer_user: User | None, reason: str, location: str
    ) -> bytes:
        now = timezone.now()
        row = agency_certificate(agency=agency, now=now)
        assert row.issuer is not None
        pair = key_pair_of(row)
        root = x509.load_pem_x509_certificate(row.issuer.certificate_pem.encode("ascii"))
        signer = _LoadedKeySigner(pair=pair, root=root)
        try:
            signed = pades_sign(
                pdf_bytes,
                signer=signer,
                field_name=signature_field_name(agency.code),
                reason=reason,
                location=location,
                stamp_lines=_stamp_lines(agency=agency, signer_user=signer_user, moment=now),
            )
        except Exception as error:  # pyHanko raises many kinds; callers need one
            raise SigningError(str(error)) from error
        logger.info(
            "pdf_signed",
            backend=self.name,
            agency=agency.code,
            certificate=row.fingerprint_sha256[:16],
            digest=hashlib.sha256(signed).hexdigest()[:16],
        )
        return signed
