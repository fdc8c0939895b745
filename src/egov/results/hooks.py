"""Cross-app reactions to an issued result, as an explicit registry (docs/architecture.md: no signals).
The national-portal connector queues the signed e-result for the holder's national e-store. Handlers run
inside the transaction that issues (or corrects) the document, so what they write commits or rolls back
with it; they must be quick and must not call out over the network (queue a message instead)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from egov.results.models import ResultDocument

ResultHandler = Callable[["ResultDocument"], None]
_result_handlers: dict[str, ResultHandler] = {}


def register_result_handler(name: str, handler: ResultHandler) -> None:
    """Call ``handler`` with every result or rejection notice issued, corrections included; registering a
    name again replaces the handler (AppConfig.ready may run twice in tests)."""
    _result_handlers[name] = handler


def unregister_result_handler(name: str) -> None:
    _result_handlers.pop(name, None)


def result_issued(document: ResultDocument) -> None:
    for handler in list(_result_handlers.values()):
        handler(document)
