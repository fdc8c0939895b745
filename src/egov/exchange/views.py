"""The IT team's monitoring page (Vietnamese): each connected system's queue, failures and last success,
the dead letters with a retry button, the incoming messages waiting for a person. Views parse, authorise,
call one service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.models import User
from egov.exchange import selectors, services

View = Callable[..., HttpResponseBase]


def operator_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or not selectors.user_can_operate(user=user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@operator_required
def monitor(request: HttpRequest) -> HttpResponse:
    context = {
        "peers": selectors.peers_health(),
        "dead": list(selectors.dead_letters()),
        "waiting": list(selectors.inbox_waiting()),
        "now": timezone.now(),
    }
    template = "exchange/_monitor.html" if getattr(request, "htmx", False) else "exchange/monitor.html"
    return render(request, template, context)


@require_POST
@operator_required
def retry_message(request: HttpRequest, message_id: int) -> HttpResponse:
    message = selectors.outbox_message_get(message_id=message_id)
    if message is None:
        raise Http404
    services.outbox_retry(actor=request.user, message=message)
    message.refresh_from_db()
    if message.state == message.State.DELIVERED:
        messages.success(request, _("The message has been delivered."))
    else:
        messages.info(request, _("The message is queued again; it has not been delivered yet."))
    return redirect("exchange:monitor")


@require_POST
@operator_required
def retry_peer(request: HttpRequest, peer: str) -> HttpResponse:
    health = selectors.peer_health(code=peer)
    if health is None:
        raise Http404
    count = services.outbox_retry_all(actor=request.user, peer=health.peer)
    messages.success(request, _("%(count)s messages are queued again.") % {"count": count})
    return redirect("exchange:monitor")


@require_POST
@operator_required
def reprocess_message(request: HttpRequest, message_id: int) -> HttpResponse:
    message = selectors.inbox_message_get(message_id=message_id)
    if message is None:
        raise Http404
    processed = services.inbox_reprocess(actor=request.user, message=message)
    if processed.state in (processed.State.APPLIED, processed.State.IGNORED):
        messages.success(request, _("The message has been applied."))
    else:
        messages.warning(
            request,
            _("The message is still waiting: %(reason)s")
            % {"reason": processed.reason or processed.get_state_display()},
        )
    return redirect("exchange:monitor")
