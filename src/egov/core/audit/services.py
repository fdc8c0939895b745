"""Writing audit events. Call :func:`audit_record` inside the transaction of the change it records."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from egov.core.audit.hashing import GENESIS_HASH, event_hash, normalise
from egov.core.audit.models import AuditChainHead, AuditEvent
from egov.core.context import current_request_context


class AuditOutsideTransactionError(RuntimeError):
    """An audit event must commit or roll back together with the change it records."""


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of ``fields`` now, to diff against after the change (``changes_between``)."""
    return {field: getattr(instance, field) for field in fields}


def changes_between(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{"field": [old, new]}`` for every field whose value differs."""
    keys = list(dict.fromkeys([*before, *after]))
    return {key: [before.get(key), after.get(key)] for key in keys if before.get(key) != after.get(key)}


def _label(value: Any) -> str:
    return str(value)[:255] if value is not None else ""


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_label: str = "",
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. ``actor`` is a user, or None for the system."""
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransactionError("audit_record must run inside the transaction of the change")
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_label = target_label or _label(target)
    context = current_request_context()
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
    )
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    fields: dict[str, Any] = {
        "sequence": head.last_sequence + 1,
        "occurred_at": timezone.now(),
        "actor_id": actor_id,
        "actor_label": _label(actor) if actor_id else "",
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "target_label": _label(target_label),
        "changes": normalise(dict(changes or {})),
        "request_id": context.request_id,
        "ip_address": context.ip_address,
        "previous_hash": head.last_hash,
    }
    digest = event_hash(**fields)
    event = AuditEvent.objects.create(hash=digest, **fields)
    AuditChainHead.objects.filter(pk=1).update(last_sequence=event.sequence, last_hash=digest)
    return event
