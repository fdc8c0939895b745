"""Deployment checks (``manage.py check --deploy``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, register
from django.core.checks import Warning as CheckWarning

from egov.notifications.sms import get_sms_backend


@register(Tags.security, deploy=True)
def check_sms_backend_is_not_logging(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The logging backend writes one-time codes to the log in clear: development only."""
    try:
        backend = get_sms_backend()
    except ImportError as error:
        return [CheckWarning(f"SMS_BACKEND cannot be imported: {error}", id="notifications.W002")]
    if backend.logs_messages and not settings.DEBUG:
        return [
            CheckWarning(
                "SMS_BACKEND writes text messages (with one-time codes) to the log and sends nothing.",
                hint="Configure a real SMS provider backend, or offer only e-mail codes (docs/identity.md).",
                id="notifications.W001",
            )
        ]
    return []
