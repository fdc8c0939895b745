"""``manage.py serve`` starts granian as egov.core.server says: WSGI, one blocking thread per worker."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from egov.core.management.commands import serve
from egov.core.server import granian_command


class _Child:
    def __init__(self, argv: list[str], **kwargs: Any) -> None:
        self.argv = argv

    def wait(self, timeout: float | None = None) -> int:
        return 0

    def terminate(self) -> None:
        pass


@pytest.mark.django_db
def test_serve_starts_granian_with_one_thread_per_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    def popen(argv: list[str], **kwargs: Any) -> _Child:
        started.append(argv)
        return _Child(argv)

    monkeypatch.setattr(serve.subprocess, "Popen", popen)
    monkeypatch.setattr(serve, "call_command", lambda *args, **kwargs: None)  # no migrate/collectstatic
    monkeypatch.setattr(serve.signal, "signal", lambda *args: None)  # keep the test worker's handlers
    call_command("serve", "--no-worker", "--port", "8123", "--workers", "3")
    (server,) = started
    assert server[server.index("--interface") + 1] == "wsgi"
    assert server[server.index("--workers") + 1] == "3"
    assert server[server.index("--blocking-threads") + 1] == "1"
    assert server[server.index("--port") + 1] == "8123"
    assert server[-1] == "egov.wsgi:application"


def test_a_server_without_workers_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        granian_command("egov.wsgi:application", host="127.0.0.1", port=8000, threads=0)
