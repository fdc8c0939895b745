"""Reading and verifying the audit chain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from egov.core.audit.hashing import GENESIS_HASH, event_hash
from egov.core.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_sequence: int | None = None
    reason: str = ""

    @property
    def is_intact(self) -> bool:
        return self.first_broken_sequence is None


def audit_events_for(*, target_type: str, target_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(target_type=target_type, target_id=str(target_id)).order_by("sequence")


def audit_chain_verify(*, chunk_size: int = 2000) -> ChainReport:
    """Walk the chain in order; name the first event whose link or content does not match."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size):
        if event.sequence != expected_sequence:
            return ChainReport(checked, expected_sequence, f"event #{expected_sequence} is missing")
        if event.previous_hash != expected_previous:
            return ChainReport(checked, event.sequence, "link to the previous event does not match")
        recomputed = event_hash(
            sequence=event.sequence,
            occurred_at=event.occurred_at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            target_type=event.target_type,
            target_id=event.target_id,
            target_label=event.target_label,
            changes=event.changes,
            request_id=event.request_id,
            ip_address=event.ip_address,
            previous_hash=event.previous_hash,
        )
        if recomputed != event.hash:
            return ChainReport(checked, event.sequence, "content does not match its hash")
        expected_previous = event.hash
        expected_sequence += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None and checked:
        # Events exist, so the head did too: removing it would hide events removed at the end.
        return ChainReport(checked, checked + 1, "the chain head is missing")
    if head is not None and (head.last_sequence, head.last_hash) != (checked, expected_previous):
        return ChainReport(checked, checked + 1, "events after the last one found have been removed")
    return ChainReport(checked)
