"""Sending messages to people: e-mail through Django's e-mail API (SMTP settings from the environment),
text messages through the configured SMS backend. ``notify`` picks by channel.

Message bodies may hold one-time codes: nothing here logs a body (the development SMS backend does, by
design, and only it).
"""

from __future__ import annotations

import structlog
from django.conf import settings
from django.core.mail import send_mail

from egov.notifications.channels import Channel
from egov.notifications.sms import get_sms_backend

logger = structlog.get_logger(__name__)


class DeliveryError(Exception):
    """The message could not be handed to the mail server or the SMS provider."""


def send_email(*, recipient: str, subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)
    except Exception as error:  # SMTP, DNS, TLS and socket errors all mean "not delivered"
        logger.warning("email_delivery_failed", error_type=type(error).__name__)
        raise DeliveryError(str(error)) from error
    logger.info("email_sent", channel=Channel.EMAIL.value)


def send_sms(*, recipient: str, body: str) -> None:
    backend = get_sms_backend()
    try:
        backend.send(recipient=recipient, body=body)
    except Exception as error:  # whatever the provider raises means "not delivered"
        logger.warning("sms_delivery_failed", backend=type(backend).__name__, error_type=type(error).__name__)
        raise DeliveryError(str(error)) from error
    logger.info("sms_sent", channel=Channel.SMS.value, backend=type(backend).__name__)


def notify(channel: str, recipient: str, subject: str, body: str) -> None:
    """Send ``body`` to ``recipient`` by ``channel`` (``Channel.SMS`` ignores ``subject``).

    Raises :class:`DeliveryError` when the message could not be handed over.
    """
    if channel == Channel.EMAIL:
        send_email(recipient=recipient, subject=subject, body=body)
    elif channel == Channel.SMS:
        send_sms(recipient=recipient, body=body)
    else:
        raise ValueError(f"unknown channel: {channel!r}")
