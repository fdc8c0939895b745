"""A connected system of our own for testing the exchange layer alone: a small connector ("echo") and a
local HTTP server that plays the peer, checks each request's signature and answers as it is told."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from egov.exchange.connectors import (
    InboundOutcome,
    InboundState,
    InboundSummary,
    InvalidMessage,
    OutgoingRequest,
    register_connector,
)
from egov.exchange.models import InboxMessage, OutboxMessage
from egov.exchange.signing import SignatureProblem, header, verify_request

CLIENT_ID = "egov"
CLIENT_SECRET = "client-secret-" + "c" * 32
INBOUND_KEY_ID = "echo"
INBOUND_SECRET = "inbound-secret-" + "d" * 32


class EchoConnector:
    """Inbound ``{"service": "Echo", "data": {"subject": ..., "action": apply|park|defer|reject|fail}}``;
    outbound: the message's facts as they are."""

    name = "echo"
    label = "Echo"
    applied: list[str] = []

    def validate(self, *, service: str, data: Any) -> InboundSummary:
        if service != "Echo" or not isinstance(data, dict) or not data.get("subject"):
            raise InvalidMessage(message="invalid", errors=({"field": "subject", "message": "required"},))
        return InboundSummary(subject=str(data["subject"]), data_categories=("test data",))

    def apply(self, *, message: InboxMessage) -> InboundOutcome:
        data = message.payload["data"]
        action = data.get("action", "apply")
        if action == "fail":
            raise RuntimeError("the connector broke")
        if action == "defer" and data.get("after") not in self.applied:
            return InboundOutcome(state=InboundState.DEFERRED, reason_code="waiting", subject=data["after"])
        if action == "park":
            return InboundOutcome(state=InboundState.PARKED, reason_code="unmapped", reason="map it")
        if action == "reject":
            return InboundOutcome(state=InboundState.REJECTED, reason_code="no", reason="refused")
        self.applied.append(data["subject"])
        return InboundOutcome(state=InboundState.APPLIED, result={"done": data["subject"]})

    def render(self, *, message: OutboxMessage) -> OutgoingRequest:
        return OutgoingRequest(
            service="Echo",
            body={"data": {"sequence": message.sequence, **message.facts}},
            data_categories=("facts",),
        )

    def is_accepted(self, *, status: int, body: Any) -> bool:
        return isinstance(body, dict) and body.get("ok") is True


class Peer:
    """The other side: answers ``responses`` in turn (then 200 ok), records every request it gets."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.responses: list[tuple[int, Any]] = []
        self.lock = threading.Lock()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = dict(self.headers.items())
                try:
                    verify_request(
                        headers=headers,
                        method="POST",
                        path=self.path,
                        body=body,
                        key_id=CLIENT_ID,
                        secrets=[CLIENT_SECRET],
                    )
                    signed = True
                except SignatureProblem:
                    signed = False
                with peer.lock:
                    peer.requests.append(
                        {
                            "body": json.loads(body),
                            "key": header(headers, "Idempotency-Key"),
                            "signed": signed,
                        }
                    )
                    status, answer = peer.responses.pop(0) if peer.responses else (200, {"ok": True})
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/echo/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def echo_config(url: str) -> dict[str, Any]:
    return {
        "echo": {
            "connector": "echo",
            "url": url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "inbound_key_id": INBOUND_KEY_ID,
            "inbound_secret": INBOUND_SECRET,
            "inbound_secret_previous": "old-secret-" + "e" * 32,
            "timeout": 2.0,
        }
    }


@pytest.fixture
def peer() -> Iterator[Peer]:
    other = Peer()
    yield other
    other.stop()


@pytest.fixture
def echo(settings, peer, db):
    """The echo system connected, sending to ``peer``; retries start at 30 s and give up after 4 attempts."""
    EchoConnector.applied = []
    register_connector(EchoConnector())
    settings.EXCHANGE_PEERS = echo_config(peer.url)
    settings.EXCHANGE_RETRY_BASE_SECONDS = 30
    settings.EXCHANGE_RETRY_MAX_SECONDS = 3600
    settings.EXCHANGE_MAX_ATTEMPTS = 4
    return peer
