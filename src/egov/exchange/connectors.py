"""The one small interface every connector implements, and the registry that finds it by name.

A connector knows one connected system's wire format; the exchange layer around it does the rest the
same way for every system: authentication, the outbox and its retries, the inbox and its de-duplication,
the sharing log, monitoring. The national portal is the first (``contrib/national_portal``); the payment
gateway, the population database and the document-exchange axis plug in the same way.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from egov.exchange.models import InboxMessage, OutboxMessage


class InboundState(enum.StrEnum):
    APPLIED = "applied"  # done through the normal services
    PARKED = "parked"  # kept, waiting for a person (e.g. an unmapped procedure); re-processed later
    DEFERRED = "deferred"  # refers to something not yet received (out of order); applied when it arrives
    REJECTED = "rejected"  # understood but refused for good (e.g. withdrawing a returned dossier)
    IGNORED = "ignored"  # already done (a re-delivery under a new key): acknowledged, nothing changed


@dataclass(frozen=True)
class InboundOutcome:
    state: InboundState
    reason_code: str = ""
    reason: str = ""  # Vietnamese, for the peer's operators and ours
    subject: str = ""  # e.g. the national dossier code
    result: Mapping[str, Any] = field(default_factory=dict)  # returned to the peer


@dataclass(frozen=True)
class InvalidMessage(Exception):
    """A message that does not follow the wire format: refused (HTTP 422) and not kept, so that the peer
    can correct it and send it again under the same key."""

    message: str
    errors: tuple[Mapping[str, str], ...] = ()


@dataclass(frozen=True)
class InboundSummary:
    """What a valid incoming message is about, known before it is applied."""

    subject: str = ""  # e.g. the national dossier code: searchable in the inbox and the sharing log
    data_categories: tuple[str, ...] = ()  # what data it carries (sharing log)


@dataclass(frozen=True)
class OutgoingRequest:
    service: str
    body: Mapping[str, Any]  # the JSON document sent
    data_categories: tuple[str, ...] = ()  # what personal or case data it shares (sharing log)


class Connector(Protocol):
    """What a connected system needs beyond the common machinery."""

    name: str
    label: Any  # shown to the IT team: a (lazy) translated string

    def validate(self, *, service: str, data: Any) -> InboundSummary:
        """Check an incoming message (schema, file contents); raise :class:`InvalidMessage`."""
        ...

    def apply(self, *, message: InboxMessage) -> InboundOutcome:
        """Act on a stored incoming message through the normal services, in the caller's transaction."""
        ...

    def render(self, *, message: OutboxMessage) -> OutgoingRequest:
        """The request for an outgoing message, built once, at its first attempt."""
        ...

    def is_accepted(self, *, status: int, body: Any) -> bool:
        """Did the peer accept (beyond a 2xx status: its own error code)?"""
        ...


_connectors: dict[str, Connector] = {}


def register_connector(connector: Connector) -> None:
    """Register (or replace: AppConfig.ready may run twice in tests) a connector under its name."""
    _connectors[connector.name] = connector


def connector_get(name: str) -> Connector | None:
    return _connectors.get(name)


def registered_connectors() -> list[str]:
    return sorted(_connectors)
