"""Sealing the local CA's private keys for storage: AES-256-GCM under a key derived (HKDF-SHA256) from
``SECRET_KEY``, bound to the certificate's fingerprint so that a sealed key cannot be moved to another
certificate's row. Keys sealed under a previous secret still open while it is listed in
``SECRET_KEY_FALLBACKS``; once no listed secret opens them, the local CA must issue new certificates
(docs/results-and-signing.md, "Keys")."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

VERSION = "v1"
_SALT = b"egov-vn signing: local CA private keys"
_INFO = b"egov.signing.keys v1"


class KeyUnavailableError(Exception):
    """A sealed private key cannot be opened with the current secret key (or its fallbacks)."""


def _wrapping_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(secret.encode())


def _secrets() -> Iterable[str]:
    yield settings.SECRET_KEY
    yield from getattr(settings, "SECRET_KEY_FALLBACKS", [])


def private_key_seal(key_der: bytes, *, binding: str) -> str:
    """``v1:<base64 of nonce + ciphertext>``; ``binding`` (the certificate fingerprint) is authenticated."""
    nonce = os.urandom(12)
    sealed = AESGCM(_wrapping_key(settings.SECRET_KEY)).encrypt(nonce, key_der, binding.encode())
    return f"{VERSION}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def private_key_open(sealed: str, *, binding: str) -> bytes:
    version, _, payload = sealed.partition(":")
    if version != VERSION:
        raise KeyUnavailableError(f"unknown sealing version {version!r}")
    raw = base64.b64decode(payload)
    nonce, ciphertext = raw[:12], raw[12:]
    for secret in _secrets():
        try:
            return AESGCM(_wrapping_key(secret)).decrypt(nonce, ciphertext, binding.encode())
        except InvalidTag:
            continue
    raise KeyUnavailableError("no configured secret key opens this private key (was SECRET_KEY changed?)")
