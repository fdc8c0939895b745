"""What the current request is (id, client address), for logs and audit events outside the view."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    # Reads that several parts of one request need (the user's memberships: the scope, the menu, each
    # permission check); None outside a request, where nothing is remembered.
    memo: dict[Any, Any] | None = None


_current: ContextVar[RequestContext] = ContextVar("egov_request_context", default=RequestContext())  # noqa: B039 - frozen


def current_request_context() -> RequestContext:
    return _current.get()


def set_request_context(context: RequestContext) -> object:
    return _current.set(context)


def reset_request_context(token: object) -> None:
    _current.reset(token)  # type: ignore[arg-type]


def request_memo() -> dict[Any, Any] | None:
    """The current request's memo, or None outside a request."""
    return _current.get().memo
