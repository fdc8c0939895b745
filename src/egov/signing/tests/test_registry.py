"""Which backend signs, and the checks that guard the choice."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from egov.signing.backends.local_ca import LocalCaSigner
from egov.signing.checks import check_signing_backend, check_signing_backend_is_not_the_test_ca
from egov.signing.registry import registered_signers, signer_get


def test_local_ca_is_the_only_shipped_backend():
    assert registered_signers() == ["local_ca"]
    assert isinstance(signer_get("local_ca"), LocalCaSigner)


@pytest.mark.parametrize(
    "name", ["pkcs11", "remote", "egov.signing.nowhere.Signer", "egov.signing.keys.VERSION"]
)
def test_an_unknown_or_unimplemented_backend_is_refused(name):
    with pytest.raises(ImproperlyConfigured):
        signer_get(name)
    with override_settings(DOCUMENT_SIGNING_BACKEND=name):
        assert [message.id for message in check_signing_backend()] == ["signing.E001"]


def test_a_signer_class_can_be_named_by_its_dotted_path():
    assert isinstance(signer_get("egov.signing.backends.local_ca.LocalCaSigner"), LocalCaSigner)


def test_deploy_check_warns_about_the_test_ca_in_production():
    with override_settings(DOCUMENT_SIGNING_BACKEND="local_ca", DEBUG=False):
        assert [message.id for message in check_signing_backend_is_not_the_test_ca()] == ["signing.W001"]
    with override_settings(DOCUMENT_SIGNING_BACKEND="local_ca", DEBUG=True):
        assert check_signing_backend_is_not_the_test_ca() == []
