"""The kiosk (take a number), the hall display and an officer's counter panel. Views parse, check
permission, call one service or selector and render; htmx requests get fragments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.accounts.models import Agency, User
from egov.accounts.selectors import user_has_permission
from egov.core.middleware import client_ip
from egov.core.permissions import Permission
from egov.identity.ratelimit import rate_limit_hit, rate_limit_window_end
from egov.queueing import selectors, services
from egov.queueing.models import Counter, Ticket
from egov.queueing.policy import (
    HALL_REFRESH_SECONDS,
    KIOSK_TICKET_SECONDS,
    KIOSK_TICKETS_PER_ADDRESS,
    KIOSK_WINDOW_SECONDS,
    PANEL_REFRESH_SECONDS,
)

logger = structlog.get_logger(__name__)

OFFICIAL_SIGN_IN = "identity:official-sign-in"
TICKET_SALT = "egov.queueing.ticket"
TICKET_LINK_SECONDS = 24 * 3600


def _centre(code: str) -> Agency:
    centre = selectors.centre_by_code(code=code)
    if centre is None:
        raise Http404
    return centre


# --- kiosk: take a number ---------------------------------------------------------------------------------


def _kiosk_rate_limited(request: HttpRequest) -> bool:
    over = rate_limit_hit(
        f"queue-ticket:ip:{client_ip(request)}", KIOSK_TICKETS_PER_ADDRESS, KIOSK_WINDOW_SECONDS
    )
    if over:
        logger.warning("rate_limited", scope="queue-ticket")
    return over


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, centre_code: str) -> HttpResponse:
    """Big buttons, one per line; pressing one takes a ticket and shows it to print. Anyone may use it.
    ``?kiosk=1`` (the kiosk machine's start page) prints the ticket and comes back by itself."""
    centre = _centre(centre_code)
    is_kiosk = request.GET.get("kiosk") == "1" or request.POST.get("kiosk") == "1"
    error = ""
    status = 200
    if request.method == "POST":
        line = next(
            (
                item
                for item in selectors.lines_of_centre(centre=centre)
                if str(item.pk) == request.POST.get("line")
            ),
            None,
        )
        if line is None:
            error, status = _("Please choose one of the lines below."), 400
        elif _kiosk_rate_limited(request):
            local = timezone.localtime(rate_limit_window_end(KIOSK_WINDOW_SECONDS))
            error = _("Too many tickets from this device. Please try again after %(time)s.") % {
                "time": f"{local:%H:%M}"
            }
            status = 429
        else:
            try:
                ticket = services.ticket_take(centre=centre, line=line, actor=request.user)
            except ValidationError as problem:
                error, status = " ".join(problem.messages), 400
            else:
                url = reverse(
                    "queueing:ticket",
                    kwargs={"centre_code": centre.code, "token": signing.dumps(ticket.pk, salt=TICKET_SALT)},
                )
                return redirect(f"{url}?kiosk=1" if is_kiosk else url)
    counts = selectors.waiting_counts(centre=centre)
    lines = [
        selectors.LineWaiting(line=line, waiting=counts.get(line.pk, 0))
        for line in selectors.lines_of_centre(centre=centre)
    ]
    context = {"centre": centre, "lines": lines, "error": error, "is_kiosk": is_kiosk}
    return render(request, "queueing/kiosk.html", context, status=status)


@never_cache
@require_GET
def ticket_slip(request: HttpRequest, centre_code: str, token: str) -> HttpResponse:
    """The ticket to print (receipt printer) or to keep on the phone. The link is signed: ticket numbers
    cannot be walked through."""
    centre = _centre(centre_code)
    try:
        ticket_id = int(signing.loads(token, salt=TICKET_SALT, max_age=TICKET_LINK_SECONDS))
    except (signing.BadSignature, TypeError, ValueError):
        raise Http404 from None
    ticket = selectors.ticket_of_centre(centre=centre, ticket_id=ticket_id)
    if ticket is None:
        raise Http404
    context = {
        "centre": centre,
        "ticket": ticket,
        "waiting_ahead": selectors.ticket_waiting_ahead(ticket=ticket),
        "is_kiosk": request.GET.get("kiosk") == "1",
        "return_seconds": KIOSK_TICKET_SECONDS,
    }
    return render(request, "queueing/ticket.html", context)


# --- the hall display ---------------------------------------------------------------------------------------


@never_cache
@require_GET
def hall(request: HttpRequest, centre_code: str) -> HttpResponse:
    centre = _centre(centre_code)
    context = {
        "board": selectors.hall_board(centre=centre),
        "is_new_call": False,
        "refresh_seconds": HALL_REFRESH_SECONDS,
        # The clock follows the server's time and zone, whatever the display's own clock says.
        "time_zone": settings.TIME_ZONE,
        "server_ms": int(timezone.now().timestamp() * 1000),
    }
    return render(request, "queueing/hall.html", context)


@never_cache
@require_GET
def hall_update(request: HttpRequest, centre_code: str) -> HttpResponse:
    """The board fragment, polled by the display. 204 (htmx keeps what it shows) while nothing changed;
    a new or repeated call is announced in the page's live region and highlighted."""
    centre = _centre(centre_code)
    board = selectors.hall_board(centre=centre)
    if request.GET.get("v") == board.digest:
        return HttpResponse(status=204)
    is_new_call = bool(board.last_call_key) and request.GET.get("last") != board.last_call_key
    context = {"board": board, "is_new_call": is_new_call, "refresh_seconds": HALL_REFRESH_SECONDS}
    return render(request, "queueing/_hall_board.html", context)


# --- the officer's counter panel ----------------------------------------------------------------------------


def _officer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # behind login_required
        raise PermissionDenied
    return user


def _counter_for(request: HttpRequest, counter_id: int) -> Counter:
    """The counter, if the signed-in user is a one-stop officer of its centre (403 otherwise)."""
    counter = get_object_or_404(Counter.objects.select_related("centre"), pk=counter_id)
    if not user_has_permission(
        user=_officer(request), permission=Permission.DOSSIER_RECEIVE, agency=counter.centre_id
    ):
        raise PermissionDenied
    return counter


def _panel_context(counter: Counter, **extra: Any) -> dict[str, Any]:
    return {
        "panel": selectors.counter_panel(counter=counter),
        "refresh_seconds": PANEL_REFRESH_SECONDS,
        **extra,
    }


@never_cache
@login_required(login_url=OFFICIAL_SIGN_IN)
@require_GET
def counter_list(request: HttpRequest) -> HttpResponse:
    counters = selectors.counters_for_officer(user=_officer(request))
    return render(request, "queueing/counter_list.html", {"counters": counters})


@never_cache
@login_required(login_url=OFFICIAL_SIGN_IN)
@require_GET
def counter_panel(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = _counter_for(request, counter_id)
    return render(request, "queueing/counter.html", _panel_context(counter))


@never_cache
@login_required(login_url=OFFICIAL_SIGN_IN)
@require_GET
def counter_waiting(request: HttpRequest, counter_id: int) -> HttpResponse:
    counter = _counter_for(request, counter_id)
    return render(request, "queueing/_counter_waiting.html", _panel_context(counter))


def _ticket_action(
    service: Callable[..., Ticket],
) -> Callable[[User, Counter, HttpRequest], tuple[Ticket | None, str]]:
    def act(actor: User, counter: Counter, request: HttpRequest) -> tuple[Ticket | None, str]:
        raw = request.POST.get("ticket", "")
        ticket = selectors.counter_ticket(counter=counter, ticket_id=int(raw)) if raw.isdigit() else None
        if ticket is None:
            raise services.QueueError(_("That ticket is no longer at this counter."), code="ticket_moved")
        return service(actor=actor, ticket=ticket), ""

    return act


def _call_next(actor: User, counter: Counter, request: HttpRequest) -> tuple[Ticket | None, str]:
    ticket = services.ticket_call_next(actor=actor, counter=counter)
    return ticket, "" if ticket else _("Nobody is waiting in the lines this counter serves.")


def _set_open(is_open: bool) -> Callable[[User, Counter, HttpRequest], tuple[Ticket | None, str]]:
    def act(actor: User, counter: Counter, request: HttpRequest) -> tuple[Ticket | None, str]:
        services.counter_set_open(actor=actor, counter=counter, is_open=is_open)
        return None, ""

    return act


# URL word → what the button does (the words are the Vietnamese of the buttons, without diacritics).
ACTIONS: dict[str, Callable[[User, Counter, HttpRequest], tuple[Ticket | None, str]]] = {
    "goi-tiep": _call_next,
    "goi-lai": _ticket_action(services.ticket_recall),
    "phuc-vu": _ticket_action(services.ticket_serve),
    "xong": _ticket_action(services.ticket_finish),
    "vang-mat": _ticket_action(services.ticket_no_show),
    "mo-quay": _set_open(True),
    "dong-quay": _set_open(False),
}


@never_cache
@login_required(login_url=OFFICIAL_SIGN_IN)
@require_POST
def counter_action(request: HttpRequest, counter_id: int, action: str) -> HttpResponse:
    act = ACTIONS.get(action)
    if act is None:
        raise Http404
    counter = _counter_for(request, counter_id)
    notice = error = ""
    try:
        _ticket, notice = act(_officer(request), counter, request)
    except ValidationError as problem:
        error = " ".join(problem.messages)
    counter.refresh_from_db()
    if request.htmx:  # type: ignore[attr-defined]
        # htmx swaps 2xx only: a refusal is shown with 200 and its message in the alert.
        context = _panel_context(counter, notice=notice, error=error, is_fragment=True)
        return render(request, "queueing/_counter_panel.html", context)
    if error:
        messages.error(request, error)
    elif notice:
        messages.info(request, notice)
    return redirect("queueing:counter-panel", counter_id=counter.pk)
