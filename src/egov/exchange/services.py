"""Writing the exchange's records: the outbox and its delivery, the inbox and its processing, the sharing
log (docs/exchange.md).

Outgoing: a connector's handler calls :func:`outbox_enqueue` inside the transaction of the change; after
the commit a task runs :func:`outbox_deliver`, which claims the next due message of each ordering key
(oldest first, never overtaking an undelivered earlier one), sends it outside any transaction, and records
the outcome: delivered; or a retry after an exponentially growing delay; or, after
``EXCHANGE_MAX_ATTEMPTS`` or a refusal that retrying cannot cure, a dead letter that an operator can send
again (:func:`outbox_retry`).

Incoming: :func:`inbound_receive` authenticates the caller, validates the message, keeps it once per
idempotency key (a key seen before is acknowledged and ignored) and has the connector apply it.
"""

from __future__ import annotations

import json
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egov.core.audit.services import audit_record
from egov.core.context import current_request_context
from egov.exchange.connectors import (
    Connector,
    InboundOutcome,
    InboundState,
    InvalidMessage,
    OutgoingRequest,
    connector_get,
)
from egov.exchange.models import InboxMessage, OutboxMessage, Peer, SharingLogEntry
from egov.exchange.peers import PeerSettings, peer_codes, peer_settings
from egov.exchange.signing import (
    IDEMPOTENCY_KEY_MAX_LENGTH,
    KEY_ID_HEADER,
    SignatureProblem,
    header,
    verify_request,
)
from egov.exchange.transport import HttpOutcome, post_signed

logger = structlog.get_logger(__name__)

ERROR_LENGTH = 500
# Statuses a retry cannot cure: the peer understood and refused the message itself.
PERMANENT_STATUSES = frozenset({400, 404, 405, 410, 413, 415, 422})
UNDELIVERED = (OutboxMessage.State.PENDING, OutboxMessage.State.DEAD)
FINAL_INBOX_STATES = (InboxMessage.State.APPLIED, InboxMessage.State.REJECTED, InboxMessage.State.IGNORED)
IDEMPOTENCY_KEY_PATTERN = re.compile(rf"[\x21-\x7e]{{1,{IDEMPOTENCY_KEY_MAX_LENGTH}}}")


# --- peers ----------------------------------------------------------------------------------------------


def peer_get(code: str) -> Peer:
    """The peer's row, made on first use (its address and accounts live in the settings)."""
    peer = Peer.objects.filter(code=code).first()
    if peer is not None:
        return peer
    configured = peer_settings(code)
    connector = connector_get(configured.connector) if configured else None
    with translation.override("vi"):
        name = str(connector.label) if connector else code
    try:
        with transaction.atomic():
            return Peer.objects.create(code=code, name=name)
    except IntegrityError:  # made at the same moment by another worker
        return Peer.objects.get(code=code)


def peer_suspend(*, actor: Any, peer: Peer, is_suspended: bool, reason: str = "") -> Peer:
    """Suspend or resume a connection (Decree 47/2020 Art. 43): while suspended nothing is sent (messages
    wait) and the peer's calls are refused."""
    with transaction.atomic():
        locked = Peer.objects.select_for_update().get(pk=peer.pk)
        before = locked.is_suspended
        locked.is_suspended = is_suspended
        locked.suspended_reason = reason.strip()[:500] if is_suspended else ""
        locked.save(update_fields=["is_suspended", "suspended_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="exchange.peer_suspended" if is_suspended else "exchange.peer_resumed",
            target=locked,
            changes={"is_suspended": [before, is_suspended], "reason": [None, locked.suspended_reason]},
        )
    if not is_suspended:
        _deliver_on_commit(peer.code)
    return locked


# --- sharing log (Decree 47/2020 Art. 45) ---------------------------------------------------------------


def sharing_log_record(
    *,
    direction: str,
    peer: Peer | None,
    requester: str,
    service: str,
    request: str,
    response_status: int | None,
    is_success: bool,
    data_shared: list[str] | tuple[str, ...] = (),
    idempotency_key: str = "",
    subject: str = "",
    error: str = "",
    duration_ms: int | None = None,
    remote_address: str | None = None,
    at: datetime | None = None,
) -> SharingLogEntry:
    return SharingLogEntry.objects.create(
        at=at or timezone.now(),
        direction=direction,
        peer=peer,
        requester=requester[:128],
        service=service[:64],
        request=request[:500],
        idempotency_key=idempotency_key[:128],
        subject=subject[:128],
        response_status=response_status,
        is_success=is_success,
        data_shared=[str(item) for item in data_shared],
        error=error[:ERROR_LENGTH],
        duration_ms=duration_ms,
        remote_address=remote_address or None,
        request_id=current_request_context().request_id or "",
    )


# --- outbox ---------------------------------------------------------------------------------------------


def outbox_enqueue(
    *, peer_code: str, message_type: str, ordering_key: str, subject: str, facts: dict[str, Any]
) -> OutboxMessage | None:
    """Queue a message for ``peer_code`` in the caller's transaction (it commits or rolls back with the
    change it reports). Returns None, queueing nothing, when the peer is not configured to be sent to.
    The caller holds a lock on what ``ordering_key`` names (e.g. the dossier row), so the sequence is
    taken without a race; the unique constraint makes any race fail loudly."""
    configured = peer_settings(peer_code)
    if configured is None or not configured.can_send:
        return None
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox messages must be written inside the transaction of the change")
    peer = peer_get(peer_code)
    now = timezone.now()
    sequence = OutboxMessage.objects.filter(peer=peer, ordering_key=ordering_key).count() + 1
    message = OutboxMessage.objects.create(
        peer=peer,
        message_type=message_type,
        idempotency_key=f"{peer_code}-{uuid.uuid4()}",
        ordering_key=ordering_key,
        sequence=sequence,
        subject=subject[:128],
        facts=json.loads(json.dumps(facts, default=str)),
        next_attempt_at=now,
        created_at=now,
    )
    _deliver_on_commit(peer_code)
    return message


def _deliver_on_commit(peer_code: str) -> None:
    def enqueue() -> None:
        from egov.exchange.tasks import deliver_outbox

        deliver_outbox.enqueue(peer_code)

    # robust: a queue that is down must not turn the committed change into an error; the scheduler's
    # periodic job delivers what is due anyway.
    transaction.on_commit(enqueue, robust=True)


def backoff_delay(attempts: int, *, jitter: float | None = None) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: base × 2^(attempts−1), capped, plus up
    to 10 % so that many messages failing together do not all come back at the same second."""
    base = float(settings.EXCHANGE_RETRY_BASE_SECONDS)
    cap = float(settings.EXCHANGE_RETRY_MAX_SECONDS)
    seconds = min(cap, base * (2 ** max(0, attempts - 1)))
    spread = random.random() if jitter is None else jitter  # noqa: S311 - not for security
    return timedelta(seconds=seconds * (1 + 0.1 * spread))


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    skipped: str = ""
    next_attempt_at: datetime | None = None
    messages: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "delivered": self.delivered,
            "retrying": self.retrying,
            "dead": self.dead,
            "skipped": self.skipped,
            "next_attempt_at": self.next_attempt_at.isoformat() if self.next_attempt_at else None,
        }


def _due(peer: Peer, now: datetime) -> Any:
    earlier_undelivered = OutboxMessage.objects.filter(
        peer=peer, ordering_key=OuterRef("ordering_key"), id__lt=OuterRef("id"), state__in=UNDELIVERED
    )
    return (
        OutboxMessage.objects.filter(peer=peer, state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .annotate(is_blocked=Exists(earlier_undelivered))
        .filter(is_blocked=False)
        .order_by("id")
    )


def _claim(peer: Peer, connector: Connector, configured: PeerSettings, now: datetime) -> OutboxMessage | None:
    """Take the next due message under a lease (so that a second worker leaves it alone, and a worker
    that dies lets it go when the lease ends); build its body at the first attempt."""
    lease = timedelta(seconds=configured.timeout + 30)
    for candidate in _due(peer, now)[:5]:
        with transaction.atomic():
            claimed = (
                OutboxMessage.objects.filter(pk=candidate.pk, state=OutboxMessage.State.PENDING)
                .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
                .update(locked_until=now + lease, attempts=F("attempts") + 1, last_attempt_at=now)
            )
            if not claimed:
                continue
            message = OutboxMessage.objects.get(pk=candidate.pk)
            if message.body is None:
                request = connector.render(message=message)
                message.body = {"service": request.service, **dict(request.body)}
                message.service = request.service
                message.facts = {**message.facts, "_data_categories": list(request.data_categories)}
                message.save(update_fields=["body", "service", "facts"])
            return message
    return None


def _categories(message: OutboxMessage) -> list[str]:
    return [str(item) for item in message.facts.get("_data_categories", [])]


def _record(
    message: OutboxMessage,
    outcome: HttpOutcome,
    *,
    connector: Connector,
    configured: PeerSettings,
    now: datetime,
) -> OutboxMessage:
    accepted = (
        outcome.status is not None
        and 200 <= outcome.status < 300
        and connector.is_accepted(status=outcome.status, body=outcome.body)
    )
    error = "" if accepted else (outcome.error or _peer_error(outcome.body) or f"HTTP {outcome.status}")
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        locked.locked_until = None
        locked.last_status = outcome.status
        locked.last_error = error[: ERROR_LENGTH * 2]
        if accepted:
            locked.state = OutboxMessage.State.DELIVERED
            locked.delivered_at = now
        elif (outcome.status in PERMANENT_STATUSES) or locked.attempts >= settings.EXCHANGE_MAX_ATTEMPTS:
            locked.state = OutboxMessage.State.DEAD
            locked.dead_at = now
        else:
            locked.next_attempt_at = now + backoff_delay(locked.attempts)
        locked.save(
            update_fields=[
                "locked_until", "last_status", "last_error", "state", "delivered_at", "dead_at",
                "next_attempt_at",
            ]
        )  # fmt: skip
        sharing_log_record(
            direction=SharingLogEntry.Direction.OUTBOUND,
            peer=locked.peer,
            requester=configured.client_id,
            service=locked.service,
            request=f"POST {configured.url}",
            idempotency_key=locked.idempotency_key,
            subject=locked.subject,
            response_status=outcome.status,
            is_success=accepted,
            data_shared=_categories(locked),
            error=error,
            duration_ms=outcome.duration_ms,
            at=now,
        )
    log = {
        "peer": configured.code,
        "message": locked.pk,
        "message_type": locked.message_type,
        "subject": locked.subject,
        "attempts": locked.attempts,
        "status": outcome.status,
    }
    if accepted:
        logger.info("exchange_message_delivered", **log)
    elif locked.state == OutboxMessage.State.DEAD:
        logger.error("exchange_message_dead", error=error, **log)
    else:
        logger.warning(
            "exchange_message_retry", error=error, next_attempt_at=locked.next_attempt_at.isoformat(), **log
        )
    return locked


def _peer_error(body: Any) -> str:
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error") or "")[:ERROR_LENGTH]
    return ""


def outbox_deliver(*, peer_code: str, now: datetime | None = None, limit: int = 500) -> DeliveryReport:
    """Send what is due for ``peer_code``, oldest first and in order per ordering key; safe to run in
    several workers at once. ``now`` decides what is due (tests move it forward instead of waiting)."""
    report = DeliveryReport()
    configured = peer_settings(peer_code)
    connector = connector_get(configured.connector) if configured else None
    if configured is None or connector is None or not configured.can_send:
        report.skipped = "not_configured"
        return report
    peer = peer_get(peer_code)
    if peer.is_suspended:
        report.skipped = "suspended"
        return report
    for _round in range(limit):
        moment = now or timezone.now()  # each message's own moment: a long run must not age its retries
        message = _claim(peer, connector, configured, moment)
        if message is None:
            break
        outcome = post_signed(
            url=configured.url,
            payload=message.body,
            key_id=configured.client_id,
            secret=configured.client_secret,
            idempotency_key=message.idempotency_key,
            timeout=configured.timeout,
        )
        recorded = _record(
            message, outcome, connector=connector, configured=configured, now=now or timezone.now()
        )
        report.messages.append(recorded.pk)
        if recorded.state == OutboxMessage.State.DELIVERED:
            report.delivered += 1
        elif recorded.state == OutboxMessage.State.DEAD:
            report.dead += 1
        else:
            report.retrying += 1
            if outcome.status is None:
                break  # the peer is unreachable: the rest would fail the same way; try again later
    report.next_attempt_at = (
        OutboxMessage.objects.filter(peer=peer, state=OutboxMessage.State.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if report.retrying and report.next_attempt_at is not None:
        _schedule_retry(peer_code, report.next_attempt_at)
    return report


def _schedule_retry(peer_code: str, run_after: datetime) -> None:
    """A deferred task for the next retry; a backend that cannot defer (tests, development) leaves it to
    the scheduler's periodic job."""
    from egov.exchange.tasks import deliver_outbox

    if deliver_outbox.get_backend().supports_defer:
        deliver_outbox.using(run_after=run_after).enqueue(peer_code)


def outbox_deliver_due(*, now: datetime | None = None) -> dict[str, dict[str, Any]]:
    """Deliver what is due for every configured peer: the scheduler's periodic job."""
    return {code: outbox_deliver(peer_code=code, now=now).as_dict() for code in peer_codes()}


def outbox_retry(*, actor: Any, message: OutboxMessage) -> OutboxMessage:
    """Send a dead letter again now, with a fresh round of attempts (same idempotency key and body, so
    that a peer that did get it once changes nothing)."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.state != OutboxMessage.State.DEAD:
            return locked
        locked.state = OutboxMessage.State.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.dead_at = None
        locked.save(update_fields=["state", "attempts", "next_attempt_at", "dead_at"])
        audit_record(
            actor=actor,
            action="exchange.message_retried",
            target=locked,
            changes={"state": [OutboxMessage.State.DEAD, OutboxMessage.State.PENDING]},
        )
        _deliver_on_commit(locked.peer.code)
    return locked


def outbox_retry_all(*, actor: Any, peer: Peer) -> int:
    """Every dead letter of ``peer`` again; returns how many."""
    count = 0
    for message in OutboxMessage.objects.filter(peer=peer, state=OutboxMessage.State.DEAD).order_by("id"):
        outbox_retry(actor=actor, message=message)
        count += 1
    return count


def outbox_discard(*, actor: Any, message: OutboxMessage, reason: str) -> OutboxMessage:
    """Give up a dead letter for good (it no longer holds back later messages of its ordering key)."""
    reason = (reason or "").strip()
    if not reason:
        from django.core.exceptions import ValidationError

        raise ValidationError(_("Say why the message is discarded."), code="no_reason")
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.state != OutboxMessage.State.DEAD:
            return locked
        locked.state = OutboxMessage.State.DISCARDED
        locked.last_error = f"{locked.last_error}\n{reason}".strip()[: ERROR_LENGTH * 2]
        locked.save(update_fields=["state", "last_error"])
        audit_record(
            actor=actor,
            action="exchange.message_discarded",
            target=locked,
            changes={
                "state": [OutboxMessage.State.DEAD, OutboxMessage.State.DISCARDED],
                "reason": [None, reason],
            },
        )
        _deliver_on_commit(locked.peer.code)
    return locked


# --- inbox ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InboundResponse:
    status: int
    body: dict[str, Any]


def _error(
    status: int, code: str, message: str, errors: list[dict[str, str]] | None = None
) -> InboundResponse:
    body: dict[str, Any] = {"error_code": 1, "code": code, "message": message}
    if errors:
        body["errors"] = errors
    return InboundResponse(status=status, body=body)


def _signature_message(problem: SignatureProblem) -> str:
    return {
        "credentials_missing": _(
            "The request carries no connection credentials "
            "(X-Egov-Key-Id, X-Egov-Timestamp, X-Egov-Signature)."
        ),
        "unknown_key": _("This connection account is not known here."),
        "timestamp_invalid": _("The request's time stamp is not a number of seconds."),
        "timestamp_out_of_window": _(
            "The request's time is more than %(seconds)s seconds away from ours: check the clock (NTP) and "
            "send it again."
        )
        % {"seconds": settings.EXCHANGE_CLOCK_SKEW_SECONDS},
        "not_configured": _("Calls from this system are not configured here."),
        "signature_mismatch": _(
            "The request's signature is not valid: check the connection account's secret and that the body "
            "was sent unchanged."
        ),
    }.get(problem.code, _("The request could not be authenticated."))


OUTCOME_STATUS = {
    InboxMessage.State.APPLIED: 200,
    InboxMessage.State.IGNORED: 200,
    InboxMessage.State.PARKED: 202,
    InboxMessage.State.DEFERRED: 202,
    InboxMessage.State.FAILED: 202,
    InboxMessage.State.REJECTED: 409,
}


def _response_for(message: InboxMessage, *, duplicate: bool = False) -> InboundResponse:
    body: dict[str, Any] = {
        "error_code": 1 if message.state == InboxMessage.State.REJECTED else 0,
        "state": message.state,
        "message": message.reason or str(InboxMessage.State(message.state).label),
        "data": message.result,
    }
    if message.reason_code:
        body["code"] = message.reason_code
    if duplicate:
        body["duplicate"] = True
        return InboundResponse(status=200, body=body)
    return InboundResponse(status=OUTCOME_STATUS.get(InboxMessage.State(message.state), 202), body=body)


def inbound_receive(
    *,
    peer_code: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    remote_address: str | None,
) -> InboundResponse:
    """Everything that happens to a call from a connected system, in Vietnamese for its operators:
    authenticate (401), refuse a suspended peer (403), check the key and the format (400, 422), keep it
    once (a repeated key is acknowledged and ignored), apply it, and log the exchange."""
    with translation.override("vi"):
        return _inbound(
            peer_code=peer_code,
            method=method,
            path=path,
            headers=headers,
            body=body,
            remote_address=remote_address,
        )


def _inbound(
    *,
    peer_code: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    remote_address: str | None,
) -> InboundResponse:
    started = time.monotonic()
    started_at = timezone.now()  # the log row is dated when the call came in, not when it was answered
    configured = peer_settings(peer_code)
    connector = connector_get(configured.connector) if configured else None
    presented_key = header(headers, KEY_ID_HEADER)[:128] or "?"
    if configured is None or connector is None:
        return _error(404, "unknown_peer", _("No connected system is known under this address."))
    peer = peer_get(peer_code)
    idempotency_key = header(headers, "Idempotency-Key")
    service = ""
    subject = ""

    def log(
        response: InboundResponse, *, categories: tuple[str, ...] = (), error: str = ""
    ) -> InboundResponse:
        sharing_log_record(
            direction=SharingLogEntry.Direction.INBOUND,
            peer=peer,
            requester=presented_key,
            service=service,
            request=f"{method} {path}",
            idempotency_key=idempotency_key,
            subject=subject,
            response_status=response.status,
            is_success=response.status < 400,
            data_shared=list(categories),
            error=error or (str(response.body.get("message", "")) if response.status >= 400 else ""),
            duration_ms=int((time.monotonic() - started) * 1000),
            remote_address=remote_address,
            at=started_at,
        )
        return response

    try:
        verify_request(
            headers=headers,
            method=method,
            path=path,
            body=body,
            key_id=configured.inbound_key_id,
            secrets=configured.inbound_secrets,
            max_skew=settings.EXCHANGE_CLOCK_SKEW_SECONDS,
        )
    except SignatureProblem as problem:
        logger.warning(
            "exchange_inbound_unauthenticated", peer=peer_code, reason=problem.code, key=presented_key
        )
        return log(_error(401, problem.code, _signature_message(problem)), error=problem.code)
    if peer.is_suspended:
        return log(_error(403, "suspended", _("The connection with this system is suspended.")))
    if not IDEMPOTENCY_KEY_PATTERN.fullmatch(idempotency_key):
        return log(
            _error(
                400,
                "idempotency_key",
                _("Every message needs an Idempotency-Key header of 1 to 128 visible characters."),
            )
        )
    try:
        envelope = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return log(_error(400, "not_json", _("The body is not JSON encoded in UTF-8.")))
    if not isinstance(envelope, dict) or not isinstance(envelope.get("service"), str):
        return log(_error(400, "envelope", _('The body must be an object with a "service" and its "data".')))
    service = envelope["service"][:64]
    try:
        summary = connector.validate(service=service, data=envelope.get("data"))
    except InvalidMessage as invalid:
        return log(_error(422, "invalid", invalid.message, [dict(error) for error in invalid.errors]))
    subject = summary.subject
    message, created = _inbox_store(peer, idempotency_key, service, envelope, subject)
    if not created:
        logger.info("exchange_inbound_duplicate", peer=peer_code, key=idempotency_key, subject=subject)
        return log(_response_for(message, duplicate=True))
    message = inbox_process(message_id=message.pk)
    subject = message.subject
    return log(_response_for(message), categories=summary.data_categories)


def _inbox_store(
    peer: Peer, key: str, service: str, envelope: dict[str, Any], subject: str
) -> tuple[InboxMessage, bool]:
    existing = InboxMessage.objects.filter(peer=peer, idempotency_key=key).first()
    if existing is None:
        try:
            with transaction.atomic():
                return (
                    InboxMessage.objects.create(
                        peer=peer,
                        idempotency_key=key,
                        service=service,
                        payload=envelope,
                        subject=subject[:128],
                        received_at=timezone.now(),
                    ),
                    True,
                )
        except IntegrityError:  # the same key, at the same moment, from a second connection
            existing = InboxMessage.objects.get(peer=peer, idempotency_key=key)
    InboxMessage.objects.filter(pk=existing.pk).update(duplicates=F("duplicates") + 1)
    existing.refresh_from_db()
    return existing, False


def inbox_process(*, message_id: int) -> InboxMessage:
    """Apply a kept message through its connector; a failure undoes what it began and leaves the message
    FAILED, with the error, for the IT team to process again. Messages already applied, refused or
    ignored are left as they are. When a message is applied, the messages that waited for it follow."""
    with transaction.atomic():
        message = InboxMessage.objects.select_for_update().select_related("peer").get(pk=message_id)
        if message.state in FINAL_INBOX_STATES:
            return message
        configured = peer_settings(message.peer.code)
        connector = connector_get(configured.connector) if configured else None
        message.attempts += 1
        message.processed_at = timezone.now()
        outcome: InboundOutcome | None
        failure = ""
        if connector is None:
            outcome = InboundOutcome(
                state=InboundState.PARKED,
                reason_code="no_connector",
                reason=_("No connector handles this system."),
            )
        else:
            try:
                with transaction.atomic():
                    outcome = connector.apply(message=message)
            except Exception as error:  # any failure is kept with the message, never lost
                logger.exception("exchange_inbound_failed", message=message.pk, service=message.service)
                outcome = None
                failure = str(error)[:300]
        if outcome is None:
            message.state = InboxMessage.State.FAILED
            message.reason_code = "error"
            message.reason = _("Processing failed: %(error)s") % {"error": failure}
            message.result = {}
        else:
            message.state = InboxMessage.State(outcome.state.value)
            message.reason_code = outcome.reason_code
            message.reason = outcome.reason
            message.result = dict(outcome.result)
            message.subject = (outcome.subject or message.subject)[:128]
        message.save()
    if message.state == InboxMessage.State.APPLIED and message.subject:
        waiting = InboxMessage.objects.filter(
            peer=message.peer, subject=message.subject, state=InboxMessage.State.DEFERRED
        ).order_by("id")
        for follower in waiting.values_list("id", flat=True):
            inbox_process(message_id=follower)
    return message


def inbox_reprocess(*, actor: Any, message: InboxMessage) -> InboxMessage:
    """A person asks to process a parked, deferred or failed message again (e.g. after mapping its
    procedure); audited."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="exchange.inbox_reprocessed",
            target=message,
            changes={"state": [message.state, None], "reason": [message.reason_code, None]},
        )
    return inbox_process(message_id=message.pk)


def inbox_reprocess_parked(*, actor: Any, reason_code: str | None = None) -> list[InboxMessage]:
    """Every parked or failed message again (optionally only those parked for ``reason_code``)."""
    waiting = InboxMessage.objects.filter(state__in=[InboxMessage.State.PARKED, InboxMessage.State.FAILED])
    if reason_code:
        waiting = waiting.filter(reason_code=reason_code)
    return [inbox_reprocess(actor=actor, message=message) for message in waiting.order_by("id")]


__all__ = [
    "DeliveryReport",
    "InboundResponse",
    "InvalidMessage",
    "OutgoingRequest",
    "backoff_delay",
    "inbound_receive",
    "inbox_process",
    "inbox_reprocess",
    "outbox_deliver",
    "outbox_deliver_due",
    "outbox_enqueue",
    "outbox_retry",
    "peer_get",
    "sharing_log_record",
]
