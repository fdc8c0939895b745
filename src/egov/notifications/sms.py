"""Text messages (SMS) behind a small interface; the backend is chosen by the ``SMS_BACKEND`` setting.

A backend is registered under a short name (``register_sms_backend``); ``SMS_BACKEND`` holds that name
or the dotted path of a class. ``logging`` (the default) only writes the message to the log and keeps it
in an in-memory outbox: for development and tests, never for production (``manage.py check --deploy``
warns). A real provider is added as another backend (docs/identity.md).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

import structlog
from django.conf import settings
from django.utils.module_loading import import_string

logger = structlog.get_logger(__name__)


class SmsDeliveryError(Exception):
    """The provider did not accept the message."""


@dataclass(frozen=True)
class SmsMessage:
    recipient: str
    body: str


class SmsBackend:
    """Send one text message or raise :class:`SmsDeliveryError`."""

    # Whether this backend writes message bodies to the log. Only a development backend may; services
    # never log message bodies themselves (one-time codes are in them).
    logs_messages: ClassVar[bool] = False

    def send(self, *, recipient: str, body: str) -> None:
        raise NotImplementedError


class LoggingSmsBackend(SmsBackend):
    """Development and tests: log the message and keep it in ``LoggingSmsBackend.outbox``."""

    logs_messages = True
    outbox: ClassVar[list[SmsMessage]] = []
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def send(self, *, recipient: str, body: str) -> None:
        with self._lock:
            self.outbox.append(SmsMessage(recipient=recipient, body=body))
        logger.info("sms_logged", recipient=recipient, body=body)

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.outbox.clear()


_registry: dict[str, Callable[[], SmsBackend]] = {"logging": LoggingSmsBackend}


def register_sms_backend(name: str, factory: Callable[[], SmsBackend]) -> None:
    _registry[name] = factory


def unregister_sms_backend(name: str) -> None:
    _registry.pop(name, None)


def sms_backend_name() -> str:
    return str(getattr(settings, "SMS_BACKEND", "logging") or "logging")


def get_sms_backend(name: str | None = None) -> SmsBackend:
    """The configured backend: a registered name, or the dotted path of an ``SmsBackend`` class."""
    chosen = name or sms_backend_name()
    factory = _registry.get(chosen)
    if factory is None:
        factory = import_string(chosen)
    return factory()
