"""Administrators' changes to the calendar: each one audited and taking effect at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from egov.core.audit.services import audit_record
from egov.core.calendar.models import CalendarOverride
from egov.core.calendar.selectors import invalidate_calendar


def calendar_override_set(
    *, actor: Any, day: date, kind: str, reason: str, legal_basis: str = ""
) -> CalendarOverride:
    """Make ``day`` a day off or a working day (the Prime Minister's announcement for the year)."""
    with transaction.atomic():
        existing = CalendarOverride.objects.select_for_update().filter(date=day).first()
        before = {"kind": existing.kind, "reason": existing.reason} if existing else {}
        override, _created = CalendarOverride.objects.update_or_create(
            date=day, defaults={"kind": kind, "reason": reason, "legal_basis": legal_basis}
        )
        after = {"kind": override.kind, "reason": override.reason}
        audit_record(
            actor=actor,
            action="calendar.override_set",
            target=override,
            changes={key: [before.get(key), value] for key, value in after.items()},
        )
        transaction.on_commit(invalidate_calendar)
    return override


def calendar_override_remove(*, actor: Any, day: date) -> None:
    with transaction.atomic():
        override = CalendarOverride.objects.select_for_update().filter(date=day).first()
        if override is None:
            return
        audit_record(
            actor=actor,
            action="calendar.override_removed",
            target=override,
            changes={"kind": [override.kind, None], "reason": [override.reason, None]},
        )
        override.delete()
        transaction.on_commit(invalidate_calendar)
