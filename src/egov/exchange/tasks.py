"""Background work of the exchange: tasks take a peer's code and are safe to run twice or at once
(messages are claimed under a lease)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from egov.exchange import services


@task(queue_name="exchange")
def deliver_outbox(peer_code: str) -> dict[str, Any]:
    """Send what is due for one connected system."""
    return services.outbox_deliver(peer_code=peer_code).as_dict()
