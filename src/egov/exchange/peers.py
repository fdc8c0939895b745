"""The connected systems (peers) and their connection accounts, from the settings (the environment).

Decree 47/2020 Art. 40: each side of a connection holds an account at the other. ``client_id`` and
``client_secret`` are ours at the peer (we sign what we send with them); ``inbound_key_id`` and
``inbound_secrets`` are the peer's account here (what it sends must be signed with one of them; two while
a secret is being rotated). Nothing secret is ever stored in the database or shown on a page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class PeerSettings:
    code: str
    connector: str
    url: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    inbound_key_id: str = ""
    inbound_secrets: tuple[str, ...] = field(default=(), repr=False)
    timeout: float = 15.0

    @property
    def can_send(self) -> bool:
        """Outgoing messages are queued and delivered only when the peer's address and our secret are set."""
        return bool(self.url and self.client_id and self.client_secret)

    @property
    def can_receive(self) -> bool:
        return bool(self.inbound_key_id and any(self.inbound_secrets))


def _peer(code: str, raw: dict[str, Any]) -> PeerSettings:
    return PeerSettings(
        code=code,
        connector=str(raw.get("connector") or code),
        url=str(raw.get("url") or "").strip(),
        client_id=str(raw.get("client_id") or ""),
        client_secret=str(raw.get("client_secret") or ""),
        inbound_key_id=str(raw.get("inbound_key_id") or ""),
        inbound_secrets=tuple(
            str(secret)
            for secret in (raw.get("inbound_secret"), raw.get("inbound_secret_previous"))
            if secret
        ),
        timeout=float(raw.get("timeout") or 15.0),
    )


def peer_settings(code: str) -> PeerSettings | None:
    """The settings of peer ``code``, read now (tests override ``EXCHANGE_PEERS``); None if unknown."""
    raw = getattr(settings, "EXCHANGE_PEERS", {}).get(code)
    return _peer(code, raw) if raw is not None else None


def peer_codes() -> list[str]:
    return sorted(getattr(settings, "EXCHANGE_PEERS", {}))
