"""The nightly comparison with the national portal (Decision 766 indicator 1.4, spec §4): which of our
dossiers submitted in a period the portal holds, and with which status. The sync rate is the dossiers in
step on both sides over the larger of the two counts. A dossier missing there or behind is queued again
with its current status, so that the next night finds it in step."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pydantic
import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.dossiers.models import NATIONAL_STATUS_CODE, Dossier, DossierEvent
from egov.exchange.contrib.national_portal import wire
from egov.exchange.contrib.national_portal.models import ReconciliationReport
from egov.exchange.contrib.national_portal.outbound import PEER_CODE, STATUS_MESSAGE, ordering_key
from egov.exchange.models import OutboxMessage, SharingLogEntry
from egov.exchange.peers import peer_settings
from egov.exchange.services import outbox_enqueue, peer_get, sharing_log_record
from egov.exchange.transport import post_signed

logger = structlog.get_logger(__name__)


def sync_rate(*, synced: int, local: int, portal: int) -> Decimal | None:
    """Synced / max(local, portal), in per cent with 2 decimals; None when both sides hold nothing."""
    denominator = max(local, portal)
    if denominator == 0:
        return None
    return (Decimal(synced) * 100 / Decimal(denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _local_statuses(date_from: date, date_to: date) -> dict[str, int]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, zone)
    rows = Dossier.objects.filter(submitted_at__gte=start, submitted_at__lt=end).values_list("code", "status")
    return {code: NATIONAL_STATUS_CODE[status] for code, status in rows}


def _resend(codes: list[str]) -> int:
    """Queue each dossier's current status again (a fresh message: the portal's copy is missing or old),
    except where messages are still on their way (they will bring the portal in step)."""
    on_their_way = set(
        OutboxMessage.objects.filter(
            peer__code=PEER_CODE,
            subject__in=codes,
            state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.DEAD],
        ).values_list("subject", flat=True)
    )
    count = 0
    for code in codes:
        if code in on_their_way:
            continue
        with transaction.atomic():
            dossier = Dossier.objects.select_for_update(of=("self",)).filter(code=code).first()
            last = (
                DossierEvent.objects.filter(dossier=dossier).order_by("-at", "-id").first()
                if dossier
                else None
            )
            if dossier is None or last is None:
                continue
            queued = outbox_enqueue(
                peer_code=PEER_CODE,
                message_type=STATUS_MESSAGE,
                ordering_key=ordering_key(dossier.pk),
                subject=dossier.code,
                facts={
                    "dossier_id": dossier.pk,
                    "from_status": last.from_status,
                    "to_status": last.to_status,
                    "status_code": NATIONAL_STATUS_CODE[last.to_status],
                    "at": last.at.isoformat(),
                    "actor_id": last.actor_id,
                    "note": last.note,
                    "resent_by_reconciliation": True,
                },
            )
            count += queued is not None
    return count


def reconcile(*, date_from: date, date_to: date, resend: bool = True) -> ReconciliationReport:
    """Compare the dossiers submitted from ``date_from`` to ``date_to`` (inclusive, local dates)."""
    configured = peer_settings(PEER_CODE)
    report = ReconciliationReport(ran_at=timezone.now(), date_from=date_from, date_to=date_to)
    if configured is None or not configured.can_send:
        report.error = _("The national portal is not configured (NATIONAL_PORTAL_URL and its secret).")
        report.save()
        return report
    peer = peer_get(PEER_CODE)
    body = wire.envelope(
        wire.SERVICE_RECONCILE,
        wire.dump(
            wire.ReconcileOut.model_validate(
                {"date_from": wire.day_to_wire(date_from), "date_to": wire.day_to_wire(date_to)}
            )
        ),
    )
    key = f"{PEER_CODE}-reconcile-{uuid.uuid4()}"
    outcome = post_signed(
        url=configured.url,
        payload=body,
        key_id=configured.client_id,
        secret=configured.client_secret,
        idempotency_key=key,
        timeout=configured.timeout,
    )
    accepted = (
        outcome.status is not None
        and 200 <= outcome.status < 300
        and isinstance(outcome.body, dict)
        and outcome.body.get("error_code") in (0, "0")
    )
    answer = None
    error = outcome.error
    if accepted:
        try:
            answer = wire.ReconcileAnswer.model_validate(outcome.body.get("data") or {})
        except pydantic.ValidationError as invalid:
            error = f"invalid answer: {invalid.error_count()} errors"
    with translation.override("vi"), transaction.atomic():
        sharing_log_record(
            direction=SharingLogEntry.Direction.OUTBOUND,
            peer=peer,
            requester=configured.client_id,
            service=wire.SERVICE_RECONCILE,
            request=f"POST {configured.url}",
            idempotency_key=key,
            subject=f"{date_from.isoformat()}..{date_to.isoformat()}",
            response_status=outcome.status,
            is_success=answer is not None,
            data_shared=[_("Dossier codes and statuses")],
            error=error,
            duration_ms=outcome.duration_ms,
        )
        if answer is None:
            report.error = error or _("The national portal did not answer.")
            report.save()
            logger.error("national_portal_reconcile_failed", error=report.error)
            return report
        local = _local_statuses(date_from, date_to)
        portal = {item.local_code: item.status for item in answer.dossiers}
        report.local_count, report.portal_count = len(local), len(portal)
        report.synced_count = sum(1 for code, status in local.items() if portal.get(code) == status)
        report.rate = sync_rate(synced=report.synced_count, local=len(local), portal=len(portal))
        report.missing_on_portal = sorted(set(local) - set(portal))
        report.unknown_here = sorted(set(portal) - set(local))
        report.status_differs = sorted(
            [{"code": code, "here": local[code], "portal": portal[code]} for code in set(local) & set(portal)
             if local[code] != portal[code]],
            key=lambda row: str(row["code"]),
        )  # fmt: skip
        report.save()
    if resend:
        report.resent = _resend([*report.missing_on_portal, *(row["code"] for row in report.status_differs)])
        ReconciliationReport.objects.filter(pk=report.pk).update(resent=report.resent)
    logger.info(
        "national_portal_reconciled",
        rate=str(report.rate),
        local=report.local_count,
        portal=report.portal_count,
        resent=report.resent,
    )
    return report


def reconcile_recent(*, today: date | None = None) -> str:
    """The scheduler's nightly job: the last ``NATIONAL_PORTAL_RECONCILE_DAYS`` days up to yesterday."""
    configured = peer_settings(PEER_CODE)
    if configured is None or not configured.can_send:
        return "not configured"
    day = today or timezone.localdate()
    report = reconcile(
        date_from=day - timedelta(days=settings.NATIONAL_PORTAL_RECONCILE_DAYS),
        date_to=day - timedelta(days=1),
    )
    return f"rate {report.rate} %" if not report.error else f"failed: {report.error}"
