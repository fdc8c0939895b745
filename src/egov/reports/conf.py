"""The reports' settings (``settings.REPORTS``, read from the environment: docs/configuration.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def report_setting(name: str) -> Any:
    return settings.REPORTS[name]
