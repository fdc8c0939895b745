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
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.accounts.models import Agency, User
from egov.core.refresh import mark_refreshable, not_modified, refresh_etag
from egov.dossiers import intake
from egov.dossiers.models import Dossier, Slip, Status
from egov.dossiers.selectors import (
    DESK_ROW_FIELDS,
    desk_agencies,
    desk_dossier,
    desk_queue,
    desk_queue_counts,
    desk_search,
)

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


# Rows of each desk list on the page, most urgent first; the heading gives the exact number, the search
# finds any dossier (the list refreshes itself every minute: docs/benchmarks.md).
DESK_LIST_ROWS = 30


@officer_required
def desk_home(request: HttpRequest) -> HttpResponse:
    agencies, current = _agency_choice(request)
    officer, agency_id = _officer(request), current.pk if current else None
    query = request.GET.get("q", "")
    counts, fingerprint = desk_queue_counts(user=officer, agency_id=agency_id)
    # The lists reload every minute: unchanged, the browser keeps what it has (a search always runs).
    etag = None if query else refresh_etag(request, (fingerprint, [a.pk for a in agencies]))
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    lists = desk_queue(user=officer, agency_id=agency_id)
    context = {
        "agencies": agencies,
        "current": current,
        "lists": {
            key: list(queryset.only(*DESK_ROW_FIELDS)[:DESK_LIST_ROWS]) for key, queryset in lists.items()
        },
        "counts": counts,
        "list_rows": DESK_LIST_ROWS,
        "desk_url_prefix": reverse("desk:dossier", args=["0"]).removesuffix("0/"),
        "now": timezone.now(),
        "query": query,
        "found": list(desk_search(user=officer, text=query)),
    }
    template = "dossiers/desk/_queue.html" if getattr(request, "htmx", False) else "dossiers/desk/home.html"
    return mark_refreshable(render(request, template, context), etag)


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
    content = register_xlsx(agency=current, day_from=day_from, day_to=day_to, actor=_officer(request))
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="so-theo-doi-{current.code}-{day_from}-{day_to}.xlsx"'
    )
    return response


def _counter_procedures(agency: Agency) -> list[Any]:
    from egov.catalog.selectors import published_versions
    from egov.portal.selectors import receiving_agency_options

    return [v for v in published_versions().order_by("name") if agency in receiving_agency_options(version=v)]


@officer_required
def desk_counter(request: HttpRequest) -> HttpResponse:
    """A walk-in applicant: choose the procedure, check identity, take what is on record, scan, enter."""
    from egov.catalog.models import ProcedureVersion
    from egov.dossiers.counter import counter_dossier_create, person_on_record
    from egov.portal.formfields import form_fields

    agencies, current = _agency_choice(request)
    if current is None:
        return render(request, "dossiers/desk/counter.html", {"agencies": agencies, "step": "choose"})
    procedures = _counter_procedures(current)
    source = request.POST if request.method == "POST" else request.GET
    version = ProcedureVersion.objects.filter(pk=source.get("procedure") or 0, status="published").first()
    if version is not None and version not in procedures:
        version = None  # not received at this section
    personal_id = (source.get("personal_id") or "").strip()
    errors: dict[str, str] = {}
    if version is not None and request.method == "POST":
        scans = {
            int(key[len("scan-") :]): upload
            for key in request.FILES
            if key.startswith("scan-")
            and key[len("scan-") :].isdigit()
            and (upload := request.FILES.get(key))
        }
        try:
            dossier = counter_dossier_create(
                actor=_officer(request),
                agency=current,
                version=version,
                personal_id=personal_id,
                identity_checked=request.POST.get("identity_checked") == "on",
                applicant={k: request.POST.get(k, "") for k in ("full_name", "phone", "email", "address")},
                form_raw={
                    k: request.POST.get(f"form-{k}", "")
                    for k in (version.form_schema or {}).get("properties", {})
                },
                scans=scans,
                authorised_person=request.POST.get("authorised_person", ""),
            )
        except ValidationError as error:
            errors = {key: " ".join(messages_) for key, messages_ in error.message_dict.items()}
        else:
            messages.success(
                request, _("Dossier %(code)s has been entered. Decide on it now.") % {"code": dossier.code}
            )
            return redirect("desk:dossier", code=dossier.code)
    record = person_on_record(personal_id=personal_id) if personal_id else {}
    applicant = {
        k: request.POST.get(k) or record.get(k, "") for k in ("full_name", "phone", "email", "address")
    }
    form_values = {k[5:]: v for k, v in request.POST.items() if k.startswith("form-")}
    fields = []
    if version is not None:
        fields = form_fields(
            version.form_schema or {},
            version.form_ui or {},
            form_values,
            {k[5:]: v for k, v in errors.items() if k.startswith("form-")},
        )
    context = {
        "agencies": agencies,
        "current": current,
        "procedures": procedures,
        "version": version,
        "personal_id": personal_id,
        "record": record,
        "applicant": applicant,
        "fields": fields,
        "errors": errors,
        "papers": [(paper, errors.get(f"paper-{paper.pk}", "")) for paper in version.papers.all()]
        if version
        else [],
        "step": "enter" if version is not None and personal_id else "choose",
    }
    return render(request, "dossiers/desk/counter.html", context, status=400 if errors else 200)
