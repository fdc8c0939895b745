"""Cross-app reactions to a dossier's status changes, as an explicit registry (docs/architecture.md: no
signals). The exchange layer queues the status for the National Public Service Portal; the reports
keep their summary tables current. Handlers run inside the transaction that changes the status, so
what they write commits or rolls back with it; they must be quick and must not call out over the
network (queue a message instead)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from egov.dossiers.models import Dossier


@dataclass(frozen=True)
class StatusChange:
    dossier: Dossier
    from_status: str  # "" when the dossier has just been created
    to_status: str
    at: datetime
    actor: Any
    note: str = ""


StatusHandler = Callable[[StatusChange], None]
_status_handlers: dict[str, StatusHandler] = {}


def register_status_handler(name: str, handler: StatusHandler) -> None:
    """Call ``handler`` on every status change (creation included); registering a name again replaces
    the handler (AppConfig.ready may run twice in tests)."""
    _status_handlers[name] = handler


def unregister_status_handler(name: str) -> None:
    _status_handlers.pop(name, None)


def status_changed(change: StatusChange) -> None:
    for handler in list(_status_handlers.values()):
        handler(change)
