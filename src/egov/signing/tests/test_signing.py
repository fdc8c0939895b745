"""Signing a PDF for an agency with the local test CA and validating it with pyHanko (PAdES B-B)."""

from __future__ import annotations

import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader

from egov.signing.backends.local_ca import agency_certificate
from egov.signing.models import SigningCertificate
from egov.signing.pades import STAMP_HEIGHT_MM, STAMP_WIDTH_MM
from egov.signing.selectors import validate_pdf
from egov.signing.services import sign_pdf
from egov.signing.tests.conftest import document


def sign(pdf: bytes, agency, head) -> bytes:
    return sign_pdf(pdf, agency=agency, signer_user=head, reason="Ký kết quả", location="Thử")


def test_signed_pdf_validates_intact_valid_trusted_with_the_agency_as_signer(justice, head, unsigned_pdf):
    signed = sign(unsigned_pdf, justice, head)

    result = validate_pdf(signed)

    assert signed.startswith(unsigned_pdf)  # an incremental update: the document itself is untouched
    assert result.intact is True
    assert result.valid_signature is True
    assert result.trusted is True
    assert result.covers_whole_document is True
    assert result.signer_common_name == "Sở Tư pháp"
    assert result.signature_count == 1
    assert result.signed_at is not None
    assert result.is_valid is True


def test_the_signature_is_pades_with_reason_location_and_a_field_of_its_own(justice, head, unsigned_pdf):
    first = sign(unsigned_pdf, justice, head)
    second = sign(first, justice, head)

    signatures = PdfFileReader(io.BytesIO(second)).embedded_regular_signatures

    assert [str(sig.sig_object["/SubFilter"]) for sig in signatures] == ["/ETSI.CAdES.detached"] * 2
    assert str(signatures[0].sig_object["/Reason"]) == "Ký kết quả"
    assert str(signatures[0].sig_object["/Location"]) == "Thử"
    names = [sig.field_name for sig in signatures]
    assert len(set(names)) == 2
    assert all(name.startswith("egov_H98_03_") for name in names)
    assert validate_pdf(second).is_valid is True


def test_the_stamp_goes_where_the_document_marked_it(justice, head, unsigned_pdf):
    signed = sign(unsigned_pdf, justice, head)

    widget = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures[0].sig_field
    x1, y1, x2, y2 = (float(value) for value in widget["/Rect"])

    assert round((x2 - x1) * 25.4 / 72) == STAMP_WIDTH_MM
    assert round((y2 - y1) * 25.4 / 72) == STAMP_HEIGHT_MM
    assert "/AP" in widget  # it has an appearance (the visible stamp)


def test_without_a_mark_the_signature_is_invisible(justice, head):
    signed = sign(document(with_anchor=False), justice, head)

    widget = PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures[0].sig_field

    assert [float(value) for value in widget["/Rect"]] == [0, 0, 0, 0]
    assert validate_pdf(signed).is_valid is True


def test_one_flipped_byte_inside_the_signed_range_is_detected(justice, head, unsigned_pdf):
    signed = sign(unsigned_pdf, justice, head)
    start, length, _second_start, _second_length = (
        PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures[0].sig_object["/ByteRange"]
    )
    assert start == 0
    assert length > 1000

    for position in (length // 3, length // 2, length - 40):
        tampered = bytearray(signed)
        tampered[position] ^= 0x01

        result = validate_pdf(bytes(tampered))

        assert result.is_valid is False, position
        assert result.intact is False or result.problem


def test_a_changed_byte_of_the_signature_itself_is_detected(justice, head, unsigned_pdf):
    signed = sign(unsigned_pdf, justice, head)
    contents_start = (
        PdfFileReader(io.BytesIO(signed)).embedded_regular_signatures[0].sig_object["/ByteRange"][1]
    )
    tampered = bytearray(signed)
    position = contents_start + 600  # inside the hex of the CMS signature, outside the signed range
    tampered[position] = ord("0") if tampered[position] != ord("0") else ord("1")

    assert validate_pdf(bytes(tampered)).is_valid is False


def test_bytes_added_after_signing_are_reported(justice, head, unsigned_pdf):
    signed = sign(unsigned_pdf, justice, head)

    result = validate_pdf(signed + b"\n% appended\n")

    assert result.intact is True
    assert result.covers_whole_document is False
    assert result.is_valid is False


def test_a_pdf_without_signature_or_not_a_pdf_is_not_valid(unsigned_pdf, db):
    assert validate_pdf(unsigned_pdf).signature_count == 0
    assert validate_pdf(unsigned_pdf).is_valid is False
    assert validate_pdf(b"not a pdf").is_valid is False


def test_a_signature_from_outside_the_trusted_roots_is_untrusted(justice, head, unsigned_pdf):
    signed = sign(unsigned_pdf, justice, head)
    SigningCertificate.objects.filter(kind=SigningCertificate.Kind.ROOT).update(
        certificate_pem=_unrelated_root_pem()
    )

    result = validate_pdf(signed)

    assert result.intact is True
    assert result.valid_signature is True
    assert result.trusted is False
    assert result.is_valid is False


def _unrelated_root_pem() -> str:
    import datetime as dt

    from cryptography.hazmat.primitives import hashes, serialization

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Someone else's CA")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


@pytest.mark.django_db
def test_the_agency_certificate_names_the_agency_its_code_and_province(justice):
    row = agency_certificate(agency=justice)
    certificate = x509.load_pem_x509_certificate(row.certificate_pem.encode())

    def value(oid):
        return certificate.subject.get_attributes_for_oid(oid)[0].value

    assert value(NameOID.COMMON_NAME) == "Sở Tư pháp"
    assert value(NameOID.ORGANIZATIONAL_UNIT_NAME) == "H98.03"
    assert value(NameOID.ORGANIZATION_NAME) == "Ủy ban nhân dân tỉnh Thử"
    assert value(NameOID.COUNTRY_NAME) == "VN"
    assert certificate.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "egov-vn Test CA"
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey)
    assert public_key.key_size == 2048
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature is True
    assert usage.content_commitment is True
    assert usage.key_cert_sign is False
    root = x509.load_pem_x509_certificate(row.issuer.certificate_pem.encode())
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca is True
