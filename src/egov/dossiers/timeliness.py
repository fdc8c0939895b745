"""Early, on time or late — the words of form 06 for a hand-over and of a finished step."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

EARLY, ON_TIME, LATE = "early", "on_time", "late"


def control_outcome(handed_at: datetime, due_at: datetime | None) -> str:
    """Before the deadline (an earlier calendar day), on time (by the due moment), or late; "" without a
    deadline. The values are those of ControlRow.Outcome and DossierStep.Outcome."""
    if due_at is None:
        return ""
    if handed_at > due_at:
        return LATE
    if timezone.localtime(handed_at).date() < timezone.localtime(due_at).date():
        return EARLY
    return ON_TIME
