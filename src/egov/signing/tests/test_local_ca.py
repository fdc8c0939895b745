"""The local test CA: created on demand, keys sealed under SECRET_KEY, certificates renewed, never deleted."""

from __future__ import annotations

import pytest
from django.test import override_settings

from egov.accounts.models import Agency
from egov.signing.backends.local_ca import agency_certificate, root_certificate
from egov.signing.keys import KeyUnavailableError, private_key_open, private_key_seal
from egov.signing.models import SigningCertificate
from egov.signing.selectors import certificates_of_agency, root_certificate_pem, validate_pdf
from egov.signing.services import sign_pdf


def test_the_root_and_an_agency_certificate_are_made_once(justice):
    assert root_certificate_pem() is None

    first = agency_certificate(agency=justice)
    second = agency_certificate(agency=justice)

    assert first == second
    assert SigningCertificate.objects.filter(kind="root").count() == 1
    assert SigningCertificate.objects.filter(kind="agency").count() == 1
    assert first.issuer == root_certificate()
    assert root_certificate_pem() == first.issuer.certificate_pem


def test_private_keys_are_sealed_not_stored_in_clear(justice):
    row = agency_certificate(agency=justice)

    assert row.sealed_private_key.startswith("v1:")
    assert "PRIVATE KEY" not in row.sealed_private_key
    with (
        override_settings(SECRET_KEY="another-secret-key-another-secret-key-0123456789"),
        pytest.raises(KeyUnavailableError),
    ):
        private_key_open(row.sealed_private_key, binding=row.fingerprint_sha256)
    with pytest.raises(KeyUnavailableError):  # bound to its own certificate
        private_key_open(row.sealed_private_key, binding="0" * 64)


def test_a_key_sealed_under_a_previous_secret_opens_while_it_is_a_fallback():
    with override_settings(SECRET_KEY="old-secret-old-secret-old-secret-old-secret"):
        sealed = private_key_seal(b"key bytes", binding="abc")

    with override_settings(
        SECRET_KEY="new-secret-new-secret-new-secret-new-secret",
        SECRET_KEY_FALLBACKS=["old-secret-old-secret-old-secret-old-secret"],
    ):
        assert private_key_open(sealed, binding="abc") == b"key bytes"


def test_a_renamed_agency_gets_a_new_certificate_and_the_old_one_is_retired(justice, head, unsigned_pdf):
    old = agency_certificate(agency=justice)
    signed_before = sign_pdf(unsigned_pdf, agency=justice, signer_user=head, reason="", location="")
    Agency.objects.filter(pk=justice.pk).update(name="Sở Tư pháp và Hộ tịch")
    justice.refresh_from_db()

    new = agency_certificate(agency=justice)

    old.refresh_from_db()
    assert new != old
    assert old.retired_at is not None
    assert "Sở Tư pháp và Hộ tịch" in new.subject
    assert list(certificates_of_agency(agency=justice)) == [new, old]
    # What the old certificate signed still validates.
    assert validate_pdf(signed_before).is_valid is True


def test_after_a_secret_key_change_new_certificates_are_issued_and_old_signatures_stay_trusted(
    justice, head, unsigned_pdf
):
    signed_before = sign_pdf(unsigned_pdf, agency=justice, signer_user=head, reason="", location="")
    old_root = root_certificate()

    with override_settings(SECRET_KEY="rotated-secret-rotated-secret-rotated-secret"):
        signed_after = sign_pdf(unsigned_pdf, agency=justice, signer_user=head, reason="", location="")
        new_root = root_certificate()

    old_root.refresh_from_db()
    assert new_root != old_root
    assert old_root.retired_at is not None
    assert validate_pdf(signed_after).is_valid is True
    assert validate_pdf(signed_before).is_valid is True  # retired roots stay trust anchors


def test_a_long_agency_name_is_cut_to_the_common_name_limit(db):
    agency = Agency.objects.create(
        code="H98.13",
        name="Ban Quản lý các khu công nghiệp và khu kinh tế tỉnh Ninh Bình mở rộng",
        level=Agency.Level.BOARD,
    )

    row = agency_certificate(agency=agency)

    common_name = row.subject.split(",")[0].removeprefix("CN=")
    assert len(common_name.encode()) <= 64
    assert "Ban Quản lý các khu công nghiệp".startswith(common_name[:20])
