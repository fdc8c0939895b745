"""Which backend signs: ``DOCUMENT_SIGNING_BACKEND`` names a registered backend, or is the dotted path of a
:class:`~egov.signing.interface.Signer` subclass. Only ``local_ca`` ships; PKCS#11 tokens and remote
signing services are documented extension points (``backends/pkcs11.py``, ``backends/remote.py``)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from egov.signing.interface import Signer

SignerFactory = Callable[[], Signer]

_factories: dict[str, SignerFactory] = {}
_instances: dict[str, Signer] = {}
_lock = threading.Lock()


def _local_ca() -> Signer:
    from egov.signing.backends.local_ca import LocalCaSigner

    return LocalCaSigner()


def register_signer(name: str, factory: SignerFactory) -> None:
    with _lock:
        _factories[name] = factory
        _instances.pop(name, None)


def registered_signers() -> list[str]:
    return sorted(_factories)


def signer_get(name: str | None = None) -> Signer:
    """The configured backend (one instance per process and name)."""
    name = name or settings.DOCUMENT_SIGNING_BACKEND
    with _lock:
        instance = _instances.get(name)
        if instance is not None:
            return instance
        factory = _factories.get(name)
        if factory is None:
            if "." not in name:
                raise ImproperlyConfigured(
                    f"DOCUMENT_SIGNING_BACKEND={name!r} is not a registered signing backend "
                    f"(registered: {', '.join(sorted(_factories))}; see docs/results-and-signing.md)."
                )
            try:
                backend_class = import_string(name)
            except ImportError as error:
                raise ImproperlyConfigured(
                    f"DOCUMENT_SIGNING_BACKEND={name!r} cannot be imported: {error}"
                ) from error
            if not (isinstance(backend_class, type) and issubclass(backend_class, Signer)):
                raise ImproperlyConfigured(f"DOCUMENT_SIGNING_BACKEND={name!r} is not a Signer subclass.")
            factory = backend_class
        instance = factory()
        _instances[name] = instance
        return instance


register_signer("local_ca", _local_ca)
