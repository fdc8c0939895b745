from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from egov.identity import oidc
from egov.identity.tests.oidc_provider import LocalOidcProvider
from egov.notifications.sms import LoggingSmsBackend

PROVIDER_USER = {
    "sub": "vneid-7f3a9c",
    "personal_id": "001099012345",
    "name": "Nguyễn Thị Vân",
    "email": "van.nguyen@example.vn",
}


@pytest.fixture(autouse=True)
def _empty_sms_outbox() -> Iterator[None]:
    LoggingSmsBackend.clear()
    yield
    LoggingSmsBackend.clear()


def last_code(text: str) -> str:
    found = re.findall(r"\b(\d{6})\b", text)
    assert found, text
    return found[-1]


@pytest.fixture
def sms_outbox() -> list:
    return LoggingSmsBackend.outbox


@pytest.fixture
def oidc_provider(settings) -> Iterator[LocalOidcProvider]:
    """A local OpenID Connect provider, configured as this site's VNeID."""
    oidc.reset_caches()
    with LocalOidcProvider(claims=dict(PROVIDER_USER)) as provider:
        settings.OIDC_ISSUER = provider.issuer
        settings.OIDC_CLIENT_ID = provider.client_id
        settings.OIDC_CLIENT_SECRET = provider.client_secret
        settings.OIDC_PERSONAL_ID_CLAIM = "personal_id"
        yield provider
    oidc.reset_caches()


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1; Django's SMTP backend is pointed at it."""
    sink = SmtpSink(host="127.0.0.1", port=free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()
