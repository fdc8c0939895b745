"""Dossier statuses, one-to-one with the National Public Service Portal's status codes 1–10 (spec §1),
and the transitions allowed between them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    NEW = "new", _("Waiting for receipt")
    RECEIVED = "received", _("Received")
    REFUSED = "refused", _("Refused")
    PROCESSING = "processing", _("Being processed")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    PAYMENT_REQUESTED = "payment_requested", _("Payment requested")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Withdrawal requested")
    STOPPED = "stopped", _("Stopped")
    PROCESSED = "processed", _("Processed")
    RETURNED = "returned", _("Result returned")


NATIONAL_STATUS_CODE: dict[str, int] = {
    Status.NEW: 1,
    Status.RECEIVED: 2,
    Status.REFUSED: 3,
    Status.PROCESSING: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.PAYMENT_REQUESTED: 6,
    Status.WITHDRAWAL_REQUESTED: 7,
    Status.STOPPED: 8,
    Status.PROCESSED: 9,
    Status.RETURNED: 10,
}

S = Status
# from status → the statuses it may go to (the intake and processing issues complete the actions).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.RECEIVED, S.REFUSED, S.SUPPLEMENT_REQUESTED, S.WITHDRAWAL_REQUESTED, S.STOPPED}),
    S.SUPPLEMENT_REQUESTED: frozenset({S.NEW, S.PROCESSING, S.STOPPED, S.WITHDRAWAL_REQUESTED}),
    S.RECEIVED: frozenset({S.PROCESSING, S.WITHDRAWAL_REQUESTED, S.PROCESSED}),
    S.PROCESSING: frozenset(
        {S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED, S.WITHDRAWAL_REQUESTED, S.PROCESSED, S.REFUSED}
    ),
    S.PAYMENT_REQUESTED: frozenset({S.PROCESSING, S.STOPPED}),
    S.WITHDRAWAL_REQUESTED: frozenset({S.STOPPED}),
    S.PROCESSED: frozenset({S.RETURNED}),
    S.REFUSED: frozenset(),
    S.STOPPED: frozenset(),
    S.RETURNED: frozenset(),
}
