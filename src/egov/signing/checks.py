"""System checks: the configured signing backend exists; production does not sign with the test CA."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning
from django.core.exceptions import ImproperlyConfigured

from egov.signing.registry import signer_get


@register()
def check_signing_backend(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        signer_get()
    except ImproperlyConfigured as error:
        return [
            CheckError(
                str(error),
                hint="Set DOCUMENT_SIGNING_BACKEND to a registered backend (docs/results-and-signing.md).",
                id="signing.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_signing_backend_is_not_the_test_ca(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DOCUMENT_SIGNING_BACKEND == "local_ca" and not settings.DEBUG:
        return [
            CheckWarning(
                "DOCUMENT_SIGNING_BACKEND=local_ca signs results with a test CA that nobody outside this "
                "installation trusts.",
                hint="Use a licensed CA's certificates through a PKCS#11 or remote-signing backend "
                "(docs/results-and-signing.md).",
                id="signing.W001",
            )
        ]
    return []
