from egov.exchange.models.inbox import InboxMessage
from egov.exchange.models.outbox import OutboxMessage
from egov.exchange.models.peer import Peer
from egov.exchange.models.sharing_log import AppendOnlyError, SharingLogEntry

__all__ = ["AppendOnlyError", "InboxMessage", "OutboxMessage", "Peer", "SharingLogEntry"]
