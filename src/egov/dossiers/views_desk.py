"""The one-stop officer's desk: the queue, a dossier with its three decisions, walk-in intake, slips,
the register. Views parse, authorise (through the selectors), call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.models import Agency, User
from egov.dossiers import intake
from egov.dossiers.models import Dossier, Slip, Status
from egov.dossiers.selectors import desk_agencies, desk_dossier, desk_queue, desk_search

View = Callable[..., HttpResponseBase]


def officer_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or not desk_agencies(user=user):
            raise PermissionDenied
        request.officer = user  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _officer(request: HttpRequest) -> User:
    return request.officer  # type: ignore[attr-defined]


def _agency_choice(request: HttpRequest) -> tuple[list[Agency], Agency | None]:
    agencies = list(Agency.objects.filter(pk__in=desk_agencies(user=_officer(request))).order_by("code"))
    chosen = request.GET.get("noi")
    current = next((a for a in agencies if str(a.pk) == chosen), agencies[0] if len(agencies) == 1 else None)
    return agencies, current


@officer_required
def desk_home(request: HttpRequest) -> HttpResponse:
    agencies, current = _agency_choice(request)
    lists = desk_queue(user=_officer(request), agency_id=current.pk if current else None)
    context = {
        "agencies": agencies,
        "current": current,
        "lists": {key: list(queryset[:200]) for key, queryset in lists.items()},
        "now": timezone.now(),
        "query": request.GET.get("q", ""),
        "found": list(desk_search(user=_officer(request), text=request.GET.get("q", ""))),
    }
    template = "dossiers/desk/_queue.html" if getattr(request, "htmx", False) else "dossiers/desk/home.html"
    return render(request, template, context)


def _dossier_or_404(request: HttpRequest, code: str) -> Dossier:
    dossier = desk_dossier(user=_officer(request), code=code)
    if dossier is None:
        raise Http404
    return dossier


@officer_required
def desk_dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _dossier_or_404(request, code)
    can_decide = dossier.receiving_agency_id in desk_agencies(user=_officer(request))
    context = {"dossier": dossier, "can_decide": can_decide, "now": timezone.now(), "Status": Status}
    return render(request, "dossiers/desk/dossier.html", context)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


DECISIONS: dict[str, Callable[[User, Dossier, Any], Any]] = {
    "receive": lambda actor, dossier, post: intake.dossier_receive(
        actor=actor, dossier=dossier, sets=max(1, int(post.get("sets") or 1))
    ),
    "supplement": lambda actor, dossier, post: intake.dossier_request_supplement(
        actor=actor, dossier=dossier, items=_lines(post.get("items", "")), reason=post.get("reason", "")
    ),
    "refuse": lambda actor, dossier, post: intake.dossier_refuse(
        actor=actor, dossier=dossier, reasons=_lines(post.get("reasons", ""))
    ),
    "transfer": lambda actor, dossier, post: intake.dossier_transfer(actor=actor, dossier=dossier),
    "stop": lambda actor, dossier, post: intake.dossier_stop(
        actor=actor, dossier=dossier, reason=post.get("reason", "") or _("At the applicant's request")
    ),
    "supplied": lambda actor, dossier, post: intake.dossier_supplement(
        actor=actor, dossier=dossier, note=post.get("note", "")
    ),
}

DONE_MESSAGES = {
    "receive": _("The dossier has been received and the receipt issued."),
    "supplement": _("The request to supplement has been issued."),
    "refuse": _("The refusal has been issued."),
    "transfer": _("The dossier has been transferred to the processing agency."),
    "stop": _("The dossier has been stopped and the stop notice issued."),
    "supplied": _("The supplement has been recorded; the dossier is back in the queue."),
}


@require_POST
@officer_required
def desk_decide(request: HttpRequest, code: str, decision: str) -> HttpResponse:
    dossier = _dossier_or_404(request, code)
    action = DECISIONS.get(decision)
    if action is None:
        raise Http404
    try:
        action(_officer(request), dossier, request.POST)
    except (ValidationError, ValueError) as error:
        text = (
            " ".join(error.messages) if isinstance(error, ValidationError) else _("Check the values entered.")
        )
        messages.error(request, text)
        return redirect("desk:dossier", code=code)
    messages.success(request, str(DONE_MESSAGES[decision]))
    return redirect("desk:dossier", code=code)


@officer_required
def desk_slip(request: HttpRequest, code: str, slip_id: int) -> FileResponse:
    from egov.dossiers.slips.render import slip_pdf

    dossier = _dossier_or_404(request, code)
    slip = Slip.objects.filter(dossier=dossier, pk=slip_id).first()
    if slip is None:
        raise Http404
    stored = slip_pdf(slip)
    return FileResponse(
        stored.file.open("rb"), content_type="application/pdf", filename=f"{dossier.code}-{slip.kind}.pdf"
    )


@officer_required
def desk_register(request: HttpRequest) -> HttpResponse:
    from egov.dossiers.register import register_xlsx

    _agencies, current = _agency_choice(request)
    if current is None:
        raise Http404
    today = timezone.localdate()
    try:
        day_from = (
            date.fromisoformat(request.GET.get("tu", "")) if request.GET.get("tu") else today - timedelta(30)
        )
        day_to = date.fromisoformat(request.GET.get("den", "")) if request.GET.get("den") else today
    except ValueError as error:
        raise Http404 from error
    content = register_xlsx(agency=current, day_from=day_from, day_to=day_to)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="so-theo-doi-{current.code}-{day_from}-{day_to}.xlsx"'
    )
    return response
