"""Asking for and recording fees (Decree 118/2025 Art. 24). A dossier waits in national status 6
("payment requested") from :func:`payment_request` until :func:`payment_confirm` records payments that
cover what was asked; then it goes back to processing. The payment gateway plugs in later through the
same confirmation (docs/exchange.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.selectors import user_has_permission
from egov.core.audit.services import audit_record
from egov.core.permissions import Permission
from egov.dossiers.models import Dossier, Status
from egov.dossiers.services import dossier_transition
from egov.payments.models import Payment


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)


def payment_request(
    *,
    actor: Any,
    dossier: Dossier,
    amount: int,
    reason: str,
    items: Sequence[dict[str, Any]] = (),
    at: datetime | None = None,
) -> Payment:
    """The processing agency asks the applicant to pay ``amount`` đồng (national status 6)."""
    if amount <= 0:
        raise ValidationError(_("The amount must be more than 0 đồng."), code="amount")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Say what the payment is for."), code="no_reason")
    moment = at or timezone.now()
    with transaction.atomic():
        locked = _locked(dossier)
        agency_id = locked.processing_agency_id or locked.receiving_agency_id
        if not user_has_permission(user=actor, permission=Permission.DOSSIER_PROCESS, agency=agency_id):
            raise PermissionDenied(_("You may not ask for fees on this dossier."))
        dossier_transition(
            dossier=locked, to=Status.PAYMENT_REQUESTED, actor=actor, note=reason, at=moment, is_locked=True
        )
        payment = Payment.objects.create(
            dossier=locked,
            state=Payment.State.REQUESTED,
            amount=amount,
            items=list(items),
            reason=reason[:500],
            requested_at=moment,
            requested_by=actor,
        )
        audit_record(
            actor=actor,
            action="payment.requested",
            target=payment,
            changes={"amount": [None, amount], "dossier": [None, locked.code]},
        )
    dossier.status = locked.status
    return payment


def _outstanding(dossier: Dossier) -> int:
    requested = Payment.objects.filter(dossier=dossier, state=Payment.State.REQUESTED).aggregate(
        total=Sum("amount")
    )["total"]
    return int(requested or 0)


def payment_confirm(
    *,
    actor: Any,
    dossier: Dossier,
    amount: int,
    channel: str,
    reference: str,
    paid_at: datetime,
    items: Sequence[dict[str, Any]] = (),
) -> Payment:
    """Record that ``amount`` đồng was paid (``reference`` is the payment platform's transaction, unique
    per channel: the same confirmation twice records nothing more). Requested payments are settled
    oldest first; once nothing requested is outstanding, a dossier waiting for payment goes back to
    processing. ``actor`` None is a payment platform whose call was authenticated by the exchange; a
    person needs to be able to receive dossiers at the receiving section."""
    if actor is not None and not user_has_permission(
        user=actor, permission=Permission.DOSSIER_RECEIVE, agency=dossier.receiving_agency_id
    ):
        raise PermissionDenied(_("You may not record payments for this section."))
    if amount <= 0:
        raise ValidationError(_("The amount must be more than 0 đồng."), code="amount")
    if channel not in Payment.Channel.values:
        raise ValidationError(_("Unknown payment channel."), code="channel")
    reference = (reference or "").strip()
    if channel != Payment.Channel.COUNTER and not reference:
        raise ValidationError(_("An online payment needs its transaction reference."), code="reference")
    now = timezone.now()
    with transaction.atomic():
        locked = _locked(dossier)
        if reference:
            existing = Payment.objects.filter(channel=channel, reference=reference).first()
            if existing is not None:
                return existing
        remaining = amount
        settled: Payment | None = None
        for requested in (
            Payment.objects.select_for_update()
            .filter(dossier=locked, state=Payment.State.REQUESTED)
            .order_by("id")
        ):
            if requested.amount > remaining:
                break
            remaining -= requested.amount
            requested.state, requested.channel, requested.reference = Payment.State.PAID, channel, reference
            requested.paid_at, requested.confirmed_at = paid_at, now
            # One reference settles one row; further rows settled by the same payment keep it in their items.
            if settled is not None:
                requested.reference = ""
                requested.items = [*requested.items, {"settled_by": reference}]
            requested.save()
            settled = settled or requested
        if settled is None or remaining:
            try:
                with transaction.atomic():
                    extra = Payment.objects.create(
                        dossier=locked,
                        state=Payment.State.PAID,
                        amount=remaining if settled is not None else amount,
                        items=list(items),
                        channel=channel,
                        reference="" if settled is not None else reference,
                        paid_at=paid_at,
                        confirmed_at=now,
                    )
            except IntegrityError:  # the same reference confirmed at the same moment
                return Payment.objects.get(channel=channel, reference=reference)
            settled = settled or extra
        audit_record(
            actor=actor,
            action="payment.confirmed",
            target=settled,
            changes={"amount": [None, amount], "channel": [None, channel], "reference": [None, reference]},
        )
        if locked.status == Status.PAYMENT_REQUESTED and _outstanding(locked) == 0:
            dossier_transition(
                dossier=locked,
                to=Status.PROCESSING,
                actor=actor,
                note=_("Fees paid (%(reference)s)") % {"reference": reference or channel},
                at=now,
                is_locked=True,
            )
    dossier.status = locked.status
    return settled
