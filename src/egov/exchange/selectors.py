"""Reading the exchange for the IT team: each connected system's health, the dead letters, the incoming
messages that wait for a person. Who may: :func:`user_can_operate`."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import Agency, User
from egov.accounts.selectors import agencies_where_permitted
from egov.core.permissions import Permission
from egov.exchange.connectors import connector_get
from egov.exchange.models import InboxMessage, OutboxMessage, Peer, SharingLogEntry
from egov.exchange.peers import PeerSettings, peer_codes, peer_settings

# The provincial IT team operates the exchange (the administrators' role): reading the monitoring page
# and retrying messages need it for the province (an agency without a parent).
OPERATE_PERMISSION = Permission.EXCHANGE_OPERATE


def user_can_operate(*, user: User | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    permitted = agencies_where_permitted(user=user, permission=OPERATE_PERMISSION)
    return Agency.objects.filter(pk__in=permitted, parent__isnull=True).exists()


class Health(enum.StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    OUTAGE = "outage"
    SUSPENDED = "suspended"
    NOT_CONFIGURED = "not_configured"


HEALTH_LABELS = {
    Health.OK: _("Working"),
    Health.DEGRADED: _("Intermittent failures"),
    Health.OUTAGE: _("Outage: messages are waiting"),
    Health.SUSPENDED: _("Suspended"),
    Health.NOT_CONFIGURED: _("Not configured"),
}


@dataclass(frozen=True)
class PeerHealth:
    peer: Peer
    label: str
    settings: PeerSettings
    health: Health
    queue_depth: int
    dead_letters: int
    oldest_undelivered_at: datetime | None
    failures_last_hour: int
    last_success_at: datetime | None
    last_failure_at: datetime | None
    last_error: str
    received_last_hour: int
    inbox_waiting: int  # parked, deferred or failed: needs a person or an earlier message
    notes: list[tuple[str, str]]  # what the connector adds (e.g. the last reconciliation)

    @property
    def health_label(self) -> str:
        return str(HEALTH_LABELS[self.health])


def peer_health(*, code: str, now: datetime | None = None) -> PeerHealth | None:
    configured = peer_settings(code)
    if configured is None:
        return None
    from egov.exchange.services import peer_get

    peer = peer_get(code)
    moment = now or timezone.now()
    hour_ago = moment - timedelta(hours=1)
    queue = OutboxMessage.objects.filter(peer=peer).aggregate(
        pending=Count("id", filter=Q(state=OutboxMessage.State.PENDING)),
        dead=Count("id", filter=Q(state=OutboxMessage.State.DEAD)),
        retrying=Count("id", filter=Q(state=OutboxMessage.State.PENDING, attempts__gt=0)),
        oldest=Min("created_at", filter=Q(state__in=[OutboxMessage.State.PENDING, OutboxMessage.State.DEAD])),
    )
    log = SharingLogEntry.objects.filter(peer=peer)
    sent = log.filter(direction=SharingLogEntry.Direction.OUTBOUND).aggregate(
        failures=Count("id", filter=Q(is_success=False, at__gte=hour_ago)),
        last_success=Max("at", filter=Q(is_success=True)),
        last_failure=Max("at", filter=Q(is_success=False)),
    )
    last_failed = (
        log.filter(direction=SharingLogEntry.Direction.OUTBOUND, is_success=False)
        .order_by("-at", "-id")
        .first()
    )
    received = log.filter(direction=SharingLogEntry.Direction.INBOUND, at__gte=hour_ago).count()
    waiting = InboxMessage.objects.filter(
        peer=peer,
        state__in=[InboxMessage.State.PARKED, InboxMessage.State.DEFERRED, InboxMessage.State.FAILED],
    ).count()
    last_success, last_failure = sent["last_success"], sent["last_failure"]
    undelivered = queue["pending"] + queue["dead"]
    failing_now = last_failure is not None and (last_success is None or last_failure > last_success)
    if peer.is_suspended:
        health = Health.SUSPENDED
    elif not (configured.can_send or configured.can_receive):
        health = Health.NOT_CONFIGURED
    elif failing_now and undelivered:
        health = Health.OUTAGE
    elif queue["dead"] or (sent["failures"] and queue["retrying"]):
        health = Health.DEGRADED  # a failure in the last hour alone is shown in its column, not as a state
    else:
        health = Health.OK
    connector = connector_get(configured.connector)
    return PeerHealth(
        peer=peer,
        label=str(connector.label) if connector else peer.name,
        settings=configured,
        health=health,
        queue_depth=queue["pending"],
        dead_letters=queue["dead"],
        oldest_undelivered_at=queue["oldest"],
        failures_last_hour=sent["failures"],
        last_success_at=last_success,
        last_failure_at=last_failure,
        last_error=last_failed.error if (last_failed and failing_now) else "",
        received_last_hour=received,
        inbox_waiting=waiting,
        notes=list(connector.status_lines()) if connector and hasattr(connector, "status_lines") else [],
    )


def peers_health(*, now: datetime | None = None) -> list[PeerHealth]:
    return [health for code in peer_codes() if (health := peer_health(code=code, now=now)) is not None]


def dead_letters(*, peer: Peer | None = None, limit: int = 200) -> QuerySet[OutboxMessage]:
    messages = OutboxMessage.objects.filter(state=OutboxMessage.State.DEAD).select_related("peer")
    if peer is not None:
        messages = messages.filter(peer=peer)
    return messages.order_by("id")[:limit]


def inbox_waiting(*, peer: Peer | None = None, limit: int = 200) -> QuerySet[InboxMessage]:
    """Incoming messages kept but not applied: parked (a person must act, e.g. map a procedure), waiting
    for an earlier message, or failed."""
    messages = InboxMessage.objects.filter(
        state__in=[InboxMessage.State.PARKED, InboxMessage.State.DEFERRED, InboxMessage.State.FAILED]
    ).select_related("peer")
    if peer is not None:
        messages = messages.filter(peer=peer)
    return messages.order_by("id")[:limit]


def outbox_message_get(*, message_id: int) -> OutboxMessage | None:
    return OutboxMessage.objects.select_related("peer").filter(pk=message_id).first()


def inbox_message_get(*, message_id: int) -> InboxMessage | None:
    return InboxMessage.objects.select_related("peer").filter(pk=message_id).first()
