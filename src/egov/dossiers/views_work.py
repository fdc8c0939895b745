"""The processing pages: the officer's work queue and a dossier's processing page with the actions the
user may take on it. Views parse, authorise (the selectors' scope), call one action, render.

The ``work_*`` action functions below are shared with the JSON API (api_work.py): each checks, in order,
that the step or consultation belongs to the dossier (404), that the user may act (403), that the dossier
and step are in a state for it (409, :class:`StepConflict`) and that the input makes sense (422), then
calls one processing service. A refused action changes nothing: every check comes before the service,
and the services write in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from egov.accounts.models import Agency, User
from egov.accounts.selectors import agencies_active
from egov.core.calendar.selectors import working_hours_between
from egov.core.permissions import Permission, Role
from egov.core.refresh import mark_refreshable, not_modified, refresh_etag
from egov.dossiers import processing
from egov.dossiers.models import Consultation, Dossier, DossierStep, Extension, Slip, Status
from egov.dossiers.selectors_work import (
    PAGE_SIZES,
    DossierParts,
    QueueFilters,
    WorkScope,
    step_candidates,
    work_agencies,
    work_dossier,
    work_dossier_parts,
    work_queue_page,
    work_queue_procedures,
    work_queue_summary,
    work_scope,
)
from egov.results.selectors import results_of_dossier
from egov.results.services import body_fields_clean, rejection_notice_issue, result_issue

if TYPE_CHECKING:
    from egov.results.models import ResultDocument

View = Callable[..., HttpResponseBase]
CONSULTATION_MAX_WORKING_DAYS = 30
# Art. 19.6: the apology comes at the latest one (calendar) day before the appointment.
APOLOGY_NOTICE = timedelta(days=1)


class StepConflict(ValidationError):
    """The dossier or step is not in a state for this action (HTTP 409); nothing was changed."""


# -- actions, shared with the API ---------------------------------------------------------------------------


def _step(dossier: Dossier, step_id: int) -> DossierStep:
    step = DossierStep.objects.select_related("dossier", "agency").filter(dossier=dossier, pk=step_id).first()
    if step is None:
        raise Http404
    return step


def _require_active(step: DossierStep, *statuses: str) -> None:
    if step.state != DossierStep.State.ACTIVE:
        raise StepConflict(_("This step is not in progress."))
    if step.dossier.status not in statuses:
        raise StepConflict(
            _("The dossier is not being processed (it is “%(status)s”).")
            % {"status": Status(step.dossier.status).label}
        )


def _require_can_act(scope: WorkScope, step: DossierStep) -> None:
    if not scope.can_act(step):
        raise PermissionDenied(_("This step is not yours to act on."))


def _require_head(scope: WorkScope, agency_id: int, message: str) -> None:
    if agency_id not in scope.heads:
        raise PermissionDenied(message)


def forward_choice(step: DossierStep, steps: list[DossierStep]) -> DossierStep | None:
    """The single step that completing ``step`` starts in the same agency (a colleague may be named for
    it); None when parallel work goes on, the next step is another agency's, parallel, or the return."""
    if any(other.state == DossierStep.State.ACTIVE and other.pk != step.pk for other in steps):
        return None
    pending = [other for other in steps if other.state == DossierStep.State.PENDING]
    if not pending:
        return None
    following = pending[0]
    after = steps[steps.index(following) + 1 :]
    if (
        following.role == Role.ONE_STOP_OFFICER
        or following.agency_id != step.agency_id
        or (after and after[0].is_parallel)
    ):
        return None
    return following


def work_complete(
    *, scope: WorkScope, dossier: Dossier, step_id: int, note: str = "", assign_to_id: int | None = None
) -> list[DossierStep]:
    step = _step(dossier, step_id)
    _require_can_act(scope, step)
    _require_active(step, Status.PROCESSING)
    assign_to: User | None = None
    if assign_to_id is not None:
        steps = list(dossier.steps.order_by("order", "pk"))
        following = forward_choice(step, steps)
        candidates = step_candidates(agency=following.agency_id, role=following.role) if following else None
        assign_to = candidates.filter(pk=assign_to_id).first() if candidates is not None else None
        if assign_to is None:
            raise ValidationError(_("That colleague cannot take the next step."))
    return processing.step_complete(actor=scope.user, step=step, note=note.strip(), assign_to=assign_to)


def work_send_back(*, scope: WorkScope, dossier: Dossier, step_id: int, reason: str) -> DossierStep:
    step = _step(dossier, step_id)
    _require_can_act(scope, step)
    _require_active(step, Status.PROCESSING)
    return processing.step_send_back(actor=scope.user, step=step, reason=reason.strip())


def work_request_supplement(
    *, scope: WorkScope, dossier: Dossier, step_id: int, items: list[str], reason: str = ""
) -> Any:
    step = _step(dossier, step_id)
    _require_can_act(scope, step)
    _require_active(step, Status.PROCESSING)
    return processing.processing_request_supplement(
        actor=scope.user, step=step, items=items, reason=reason.strip()
    )


def work_reject(
    *, scope: WorkScope, dossier: Dossier, step_id: int, reason: str, issue_notice: bool = False
) -> Dossier:
    """Refuse (Art. 19.3). With ``issue_notice``, the head who signs for the processing agency also issues
    the signed rejection notice, which is the dossier's result: both or neither."""
    step = _step(dossier, step_id)
    _require_head(scope, step.agency_id, _("Only a head of the agency can refuse a dossier."))
    if issue_notice:
        _require_result_signer(scope, dossier)
    _require_active(step, Status.PROCESSING)
    if not issue_notice:
        return processing.step_reject(actor=scope.user, step=step, reason=reason.strip())
    with transaction.atomic():
        rejection_notice_issue(actor=scope.user, dossier=dossier, reason=reason)
        return processing.step_reject(actor=scope.user, step=step, reason=reason.strip())


# -- the signed result (egov.results) ------------------------------------------------------------------------

RESULT_DOCUMENT_TYPES = {
    "decision": gettext_lazy("Decision"),
    "licence": gettext_lazy("Licence"),
    "certificate": gettext_lazy("Certificate"),
    "other": gettext_lazy("Other document"),
}


def _require_result_signer(scope: WorkScope, dossier: Dossier) -> None:
    if dossier.processing_agency_id not in scope.agencies(Permission.RESULT_SIGN):
        raise PermissionDenied(_("Only the head of the processing agency signs its results."))


@dataclass(frozen=True)
class ResultPreview:
    """What the signed result will say, before it is numbered, signed and issued."""

    step: DossierStep
    title: str
    body: dict[str, Any]
    holder_name: str
    holder_id: str
    procedure: str
    agency: str
    signer: str

    @property
    def document_type(self) -> str:
        return str(RESULT_DOCUMENT_TYPES.get(self.body.get("document_type", "other"), ""))


def work_result_check(
    *, scope: WorkScope, dossier: Dossier, step_id: int, title: str, body_fields: Mapping[str, Any]
) -> ResultPreview:
    """Every check of signing and issuing the result at the signing step; issues nothing."""
    step = _step(dossier, step_id)
    if step.role != Role.AGENCY_HEAD:
        raise StepConflict(_("The result is signed and issued at the signing step."))
    _require_can_act(scope, step)
    _require_result_signer(scope, dossier)
    _require_active(step, Status.PROCESSING)
    if not title.strip():
        raise ValidationError(_("The result needs a title."))
    body = body_fields_clean(body_fields)
    agency = dossier.processing_agency
    assert agency is not None  # _require_result_signer: the user signs for it
    return ResultPreview(
        step=step,
        title=title.strip(),
        body=body,
        holder_name=dossier.applicant_name,
        holder_id=dossier.applicant_personal_id,
        procedure=dossier.procedure_version.name,
        agency=agency.name,
        signer=str(scope.user),
    )


def work_sign_and_issue(
    *,
    scope: WorkScope,
    dossier: Dossier,
    step_id: int,
    title: str,
    body_fields: Mapping[str, Any],
    note: str = "",
) -> ResultDocument:
    """Sign and issue the result (``result_issue``), then complete the signing step (``step_complete``),
    in one transaction: if either is refused, no result exists and no number is used up."""
    preview = work_result_check(
        scope=scope, dossier=dossier, step_id=step_id, title=title, body_fields=body_fields
    )
    with transaction.atomic():
        document = result_issue(
            actor=scope.user, dossier=dossier, title=preview.title, body_fields=preview.body
        )
        processing.step_complete(actor=scope.user, step=preview.step, note=note.strip())
    return document


def work_reassign(
    *, scope: WorkScope, dossier: Dossier, step_id: int, to_id: int, reason: str = ""
) -> DossierStep:
    step = _step(dossier, step_id)
    _require_head(scope, step.agency_id, _("Only a head of the agency can reassign work."))
    _require_active(step, *processing_open_statuses())
    to = User.objects.filter(pk=to_id, is_active=True).first()
    if to is None:
        raise ValidationError(_("Choose the officer who takes the step."))
    if to.pk == step.assignee_id:
        raise ValidationError(_("The step is already with %(name)s.") % {"name": to})
    processing.step_reassign(actor=scope.user, step=step, to=to, reason=reason.strip())
    step.refresh_from_db()
    return step


def processing_open_statuses() -> tuple[str, ...]:
    return (Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED, Status.PROCESSED)


def work_consult(
    *, scope: WorkScope, dossier: Dossier, step_id: int, agency_id: int, question: str, working_days: int
) -> Consultation:
    step = _step(dossier, step_id)
    _require_can_act(scope, step)
    _require_active(step, Status.PROCESSING)
    if not question.strip():
        raise ValidationError(_("Write the question."))
    if not 1 <= working_days <= CONSULTATION_MAX_WORKING_DAYS:
        raise ValidationError(
            _("The answer is due within 1 to %(days)s working days.")
            % {"days": CONSULTATION_MAX_WORKING_DAYS}
        )
    agency = agencies_active().filter(pk=agency_id).first()
    if agency is None or agency.pk == step.agency_id:
        raise ValidationError(_("Choose another agency or unit to consult."))
    return processing.consultation_ask(
        actor=scope.user, step=step, agency=agency, question=question.strip(), working_days=working_days
    )


def work_answer(*, scope: WorkScope, dossier: Dossier, consultation_id: int, answer: str) -> Consultation:
    consultation = (
        Consultation.objects.select_related("step").filter(step__dossier=dossier, pk=consultation_id).first()
    )
    if consultation is None:
        raise Http404
    if consultation.agency_id not in scope.agencies(Permission.DOSSIER_PROCESS):
        raise PermissionDenied(_("Only an officer of the consulted agency can answer."))
    if consultation.answered_at is not None:
        raise StepConflict(_("This consultation has already been answered."))
    processing.consultation_answer(actor=scope.user, consultation=consultation, answer=answer.strip())
    consultation.refresh_from_db()
    return consultation


def extension_agency_id(dossier: Dossier) -> int:
    """The agency whose head apologises: the processing agency (the service's rule)."""
    return dossier.processing_agency_id or dossier.receiving_agency_id


@dataclass(frozen=True)
class ApologyPreview:
    """What form 04 will say, before it is issued."""

    code: str
    applicant_name: str
    applicant_id: str
    procedure: str
    agency: str
    received_at: datetime | None
    previous_due_at: datetime
    new_due_at: datetime
    reason: str


def work_extension_check(
    *, scope: WorkScope, dossier: Dossier, new_due: datetime | None, reason: str
) -> ApologyPreview:
    """Every check of the apology and new appointment, and the form's content; issues nothing."""
    _require_head(
        scope, extension_agency_id(dossier), _("Only a head of the agency at fault can issue the apology.")
    )
    if dossier.status != Status.PROCESSING:
        raise StepConflict(
            _("The dossier is not being processed (it is “%(status)s”).")
            % {"status": Status(dossier.status).label}
        )
    if Extension.objects.filter(dossier=dossier).exists():
        raise StepConflict(_("The appointment can be moved only once (Decree 118/2025 Art. 19.6)."))
    if new_due is None:
        raise ValidationError(_("Enter the new appointment as a date and time."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the delay."))
    current = processing.dossier_current_due(dossier)
    if current is None or scope.at > current - APOLOGY_NOTICE:
        raise ValidationError(_("The apology must be issued at the latest one day before the appointment."))
    if new_due <= current:
        raise ValidationError(_("The new appointment must be later than the current one."))
    agency = dossier.processing_agency or dossier.receiving_agency
    return ApologyPreview(
        code=dossier.code,
        applicant_name=dossier.applicant_name,
        applicant_id=dossier.applicant_personal_id,
        procedure=dossier.procedure_version.name,
        agency=agency.name,
        received_at=dossier.received_at,
        previous_due_at=current,
        new_due_at=new_due,
        reason=reason.strip(),
    )


def work_extend(
    *, scope: WorkScope, dossier: Dossier, new_due: datetime | None, reason: str
) -> ApologyPreview:
    """Issue form 04 as previewed; returns what it says."""
    preview = work_extension_check(scope=scope, dossier=dossier, new_due=new_due, reason=reason)
    processing.dossier_extend(
        actor=scope.user, dossier=dossier, new_due=preview.new_due_at, reason=preview.reason
    )
    return preview


def work_return(
    *,
    scope: WorkScope,
    dossier: Dossier,
    method: str,
    delivered_at: datetime | None = None,
    dispatched_at: datetime | None = None,
) -> Dossier:
    """At the counter now, or by post: the moment it was sent and the moment the post delivered it."""
    if dossier.receiving_agency_id not in scope.agencies(Permission.RESULT_RETURN):
        raise PermissionDenied(_("You may not return results for this section."))
    if dossier.status != Status.PROCESSED:
        raise StepConflict(
            _("Only a processed dossier's result can be returned (it is “%(status)s”).")
            % {"status": Status(dossier.status).label}
        )
    if method == "counter":
        return processing.dossier_return(actor=scope.user, dossier=dossier, method="counter")
    if method != "post":
        raise ValidationError(_("Choose how the result was returned."))
    if dispatched_at is None or delivered_at is None:
        raise ValidationError(_("Enter when the result was sent by post and when it was delivered."))
    if not dispatched_at <= delivered_at <= timezone.now():
        raise ValidationError(
            _("The delivery must come after the dispatch, and neither can be in the future.")
        )
    if dossier.processed_at is not None and dispatched_at < dossier.processed_at:
        raise ValidationError(_("The result cannot have been sent before the dossier was processed."))
    return processing.dossier_return(
        actor=scope.user, dossier=dossier, method="post", at=delivered_at, post_dispatched_at=dispatched_at
    )


# -- what the page offers -----------------------------------------------------------------------------------


@dataclass
class StepActions:
    step: DossierStep
    can_act: bool
    is_head: bool
    is_signing: bool
    can_send_back: bool
    can_sign: bool = False
    forward_to: DossierStep | None = None
    forward_candidates: list[User] = field(default_factory=list)
    reassign_candidates: list[User] = field(default_factory=list)


@dataclass
class PageActions:
    steps: list[StepActions]
    supplement_open: bool
    can_extend: bool
    extend_last_moment: datetime | None
    can_return: bool
    answerable: list[Consultation]
    consult_agencies: list[Agency]
    signs_results: bool = False

    @property
    def any(self) -> bool:
        return bool(self.steps or self.can_extend or self.can_return or self.answerable)


def page_actions(
    scope: WorkScope, dossier: Dossier, parts: DossierParts, current_due: datetime | None
) -> PageActions:
    """What this user may do on this dossier now (the same rules the actions check); ``current_due`` is
    ``processing.dossier_current_due(dossier)``, read once by the page."""
    step_actions: list[StepActions] = []
    processing_now = dossier.status == Status.PROCESSING
    signing_agencies = scope.agencies(Permission.RESULT_SIGN)
    for step in parts.steps:
        if step.state != DossierStep.State.ACTIVE or step.role == Role.ONE_STOP_OFFICER:
            continue
        can_act, is_head = scope.can_act(step), step.agency_id in scope.heads
        if not (can_act or is_head) or dossier.status not in processing_open_statuses():
            continue
        actions = StepActions(
            step=step,
            can_act=can_act and processing_now,
            is_head=is_head,
            is_signing=step.role == Role.AGENCY_HEAD,
            can_send_back=any(
                other.order < step.order
                and other.state == DossierStep.State.DONE
                and other.role != Role.ONE_STOP_OFFICER
                for other in parts.steps
            ),
        )
        actions.can_sign = (
            actions.can_act and actions.is_signing and dossier.processing_agency_id in signing_agencies
        )
        if actions.can_act:
            actions.forward_to = forward_choice(step, parts.steps)
            if actions.forward_to is not None:
                actions.forward_candidates = list(
                    step_candidates(agency=step.agency, role=actions.forward_to.role)
                )
        if is_head:
            actions.reassign_candidates = [
                person
                for person in step_candidates(agency=step.agency, role=step.role)
                if person.pk != step.assignee_id
            ]
        step_actions.append(actions)
    last_moment = current_due - APOLOGY_NOTICE if current_due else None
    can_extend = (
        processing_now
        and extension_agency_id(dossier) in scope.heads
        and not Extension.objects.filter(dossier=dossier).exists()
    )
    answerable = [
        consultation
        for consultation in parts.consultations
        if consultation.answered_at is None
        and consultation.agency_id in scope.agencies(Permission.DOSSIER_PROCESS)
    ]
    consult_agencies: list[Agency] = []
    if any(actions.can_act for actions in step_actions):
        consult_agencies = list(agencies_active().order_by("code"))
    return PageActions(
        steps=step_actions,
        supplement_open=parts.supplement_window_end is not None and scope.at <= parts.supplement_window_end,
        can_extend=can_extend,
        extend_last_moment=last_moment,
        can_return=dossier.status == Status.PROCESSED
        and dossier.receiving_agency_id in scope.agencies(Permission.RESULT_RETURN),
        answerable=answerable,
        consult_agencies=consult_agencies,
        signs_results=dossier.processing_agency_id in signing_agencies,
    )


def working_time_words(hours: float) -> str:
    """How long someone held a step, in working time ("2 working days", "under 1 working hour")."""
    if hours < 1:
        return _("under 1 working hour")
    if hours >= 8:
        days = round(hours / 8)
        return ngettext("%(n)s working day", "%(n)s working days", days) % {"n": days}
    whole = round(hours)
    return ngettext("%(n)s working hour", "%(n)s working hours", whole) % {"n": whole}


# -- pages ------------------------------------------------------------------------------------------------


def worker_required(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        scope = work_scope(user=request.user)
        if not scope.is_worker:
            raise PermissionDenied
        request.work_scope = scope  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _scope(request: HttpRequest) -> WorkScope:
    return request.work_scope  # type: ignore[attr-defined]


def _url_with(query: QueryDict, **changes: str) -> str:
    copy = query.copy()
    for key, value in changes.items():
        if value:
            copy[key] = value
        else:
            copy.pop(key, None)
    encoded = copy.urlencode()
    return f"?{encoded}" if encoded else "?"


@worker_required
def work_queue(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    filters = QueueFilters.from_query(request.GET)
    # The queue reloads every minute: unchanged, the browser keeps what it has (core/refresh.py). The
    # summary that tells gives the page its total too.
    summary = work_queue_summary(scope=scope, filters=filters)
    etag = refresh_etag(request, summary.fingerprint)
    if (unchanged := not_modified(request, etag)) is not None:
        return unchanged
    page = work_queue_page(scope=scope, filters=filters, summary=summary)
    query = request.GET
    context: dict[str, Any] = {
        "page": page,
        "now": scope.at,
        "query": query,
        "is_head": bool(scope.heads),
        "sort_slug": query.get("sap-xep", "") if query.get("sap-xep") in QueueFilters.URL_ORDER else "",
        "previous_url": _url_with(query, trang=str(page.page - 1)) if page.page > 1 else "",
        "next_url": _url_with(query, trang=str(page.page + 1)) if page.page < page.pages else "",
        "sort_urls": {
            key: _url_with(query, **{"sap-xep": slug, "trang": ""})
            for slug, key in QueueFilters.URL_ORDER.items()
        },
        "first_row": (page.page - 1) * page.page_size + 1 if page.total else 0,
        "last_row": (page.page - 1) * page.page_size + len(page.rows),
        # Each row links to /xu-ly/ho-so/<code>/: the prefix reversed once, not once a row.
        "dossier_url_prefix": reverse("work:dossier", args=["0"]).removesuffix("0/"),
    }
    if getattr(request, "htmx", False):
        return mark_refreshable(render(request, "dossiers/work/_queue.html", context), etag)
    context["procedures"] = work_queue_procedures(scope=scope)
    context["agencies"] = work_agencies(scope=scope)
    context["page_sizes"] = PAGE_SIZES
    return mark_refreshable(render(request, "dossiers/work/queue.html", context), etag)


def _dossier_or_404(request: HttpRequest, code: str) -> Dossier:
    dossier = work_dossier(scope=_scope(request), code=code)
    if dossier is None:
        raise Http404
    return dossier


def _page_context(scope: WorkScope, dossier: Dossier) -> dict[str, Any]:
    parts = work_dossier_parts(scope=scope, dossier=dossier)
    now = scope.at
    history = []
    for step in parts.steps:
        for holding in parts.holdings.get(step.pk, []):
            until = holding.ended_at or now
            hours = (
                float(working_hours_between(holding.started_at, until)) if until > holding.started_at else 0.0
            )
            history.append({"step": step, "holding": holding, "held_for": working_time_words(hours)})
    current_due = processing.dossier_current_due(dossier)
    return {
        "dossier": dossier,
        "parts": parts,
        "steps": [
            {"step": step, "is_own": scope.can_see_step_details(step), "can_act": scope.can_act(step)}
            for step in parts.steps
        ],
        "history": history,
        "actions": page_actions(scope, dossier, parts, current_due),
        "results": list(results_of_dossier(dossier=dossier)),
        "document_types": list(RESULT_DOCUMENT_TYPES.items()),
        "current_due": current_due,
        "now": now,
        "own_agencies": scope.viewing,
        "Status": Status,
    }


@worker_required
def work_dossier_page(request: HttpRequest, code: str) -> HttpResponse:
    dossier = work_dossier(scope=_scope(request), code=code, for_page=True)
    if dossier is None:
        raise Http404
    return render(request, "dossiers/work/dossier.html", _page_context(_scope(request), dossier))


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _int(post: Mapping[str, Any], key: str) -> int:
    value = str(post.get(key) or "").strip()
    if not value.isdigit():
        raise ValidationError(_("Check the values entered."))
    return int(value)


def _optional_int(post: Mapping[str, Any], key: str) -> int | None:
    value = str(post.get(key) or "").strip()
    return int(value) if value.isdigit() else None


def local_moment(value: str) -> datetime | None:
    """``2026-03-16T14:00`` (a datetime-local field) in the province's time zone."""
    parsed = parse_datetime(value.strip()) if value else None
    if parsed is None:
        return None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _confirmed(post: Mapping[str, Any]) -> None:
    if post.get("confirm") != "on":
        raise ValidationError(_("Tick the confirmation box before issuing."))


def _moment_or_error(post: Mapping[str, Any], key: str) -> datetime | None:
    raw = str(post.get(key) or "")
    moment = local_moment(raw)
    if raw and moment is None:
        raise ValidationError(_("Enter the moment as a date and time."))
    return moment


def _complete(scope: WorkScope, dossier: Dossier, post: Mapping[str, Any]) -> str:
    step = _step(dossier, _int(post, "step"))
    if step.role == Role.AGENCY_HEAD:
        _confirmed(post)  # the signature is a legal act
    started = work_complete(
        scope=scope,
        dossier=dossier,
        step_id=step.pk,
        note=str(post.get("note", "")),
        assign_to_id=_optional_int(post, "assign_to"),
    )
    if not started:
        return _("The step is done; the dossier moves on when the parallel steps are done.")
    return _("The step is done. Next: %(steps)s.") % {
        "steps": "; ".join(f"{s.name} ({s.agency.name})" for s in started)
    }


def _send_back(scope: WorkScope, dossier: Dossier, post: Mapping[str, Any]) -> str:
    previous = work_send_back(
        scope=scope, dossier=dossier, step_id=_int(post, "step"), reason=str(post.get("reason", ""))
    )
    return _("The dossier has been sent back to “%(step)s”.") % {"step": previous.name}


def _supplement(scope: WorkScope, dossier: Dossier, post: Mapping[str, Any]) -> str:
    _confirmed(post)
    work_request_supplement(
        scope=scope,
        dossier=dossier,
        step_id=_int(post, "step"),
        items=_lines(str(post.get("items", ""))),
        reason=str(post.get("reason", "")),
    )
    return _("The request to supplement has been issued through the one-stop section; the time is paused.")


def _reject(scope: WorkScope, dossier: Dossier, post: Mapping[str, Any]) -> str:
    _confirmed(post)
    work_reject(
        scope=scope,
        dossier=dossier,
        step_id=_int(post, "step"),
        reason=str(post.get("reason", "")),
        issue_notice=post.get("issue_notice") == "on",
    )
    return _("The dossier has been refused; the applicant is told the reason.")


def _reassign(scope: WorkScope, dossier: Dossier, post: Mapping[str, Any]) -> str:
    step = work_reassign(
        scope=scope,
        dossier=dossier,
        step_id=_int(post, "step"),
        to_id=_int(post, "to"),
        reason=str(post.get("reason", "")),
    )
    return _("The step is now with %(name)s.") % {"name": step.assignee}


def _consult(scope: WorkScope, dossier: Dossier, post: Mapping[str, Any]) -> str:
    consultation = work_consult(
        scope=scope,
        dossier=dossier,
        step_id=_int(post, "step"),
        agency_id=_int(post, "agency"),
        question=str(post.get("question", "")),
        working_days=_int(post, "working_days"),
    )
    return _("The question has been sent to %(agency)s.") % {"agency": consultation.agency.name}


def _answer(scope: WorkScope, dossier: Dossier, post: Mapping[str, Any]) -> str:
    work_answer(
        scope=scope,
        dossier=dossier,
        consultation_id=_int(post, "consultation"),
        answer=str(post.get("answer", "")),
    )
    return _("Your answer has been sent.")


def _return(scope: WorkScope, dossier: Dossier, post: Mapping[str, Any]) -> str:
    _confirmed(post)
    work_return(
        scope=scope,
        dossier=dossier,
        method=str(post.get("method", "")),
        delivered_at=_moment_or_error(post, "delivered_at"),
        dispatched_at=_moment_or_error(post, "dispatched_at"),
    )
    return _("The result has been returned; the dossier is closed.")


ACTIONS: dict[str, Callable[[WorkScope, Dossier, Mapping[str, Any]], str]] = {
    "complete": _complete,
    "send-back": _send_back,
    "supplement": _supplement,
    "reject": _reject,
    "reassign": _reassign,
    "consult": _consult,
    "answer": _answer,
    "return": _return,
}


@require_POST
@worker_required
def work_act(request: HttpRequest, code: str, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    dossier = _dossier_or_404(request, code)
    try:
        done = handler(_scope(request), dossier, request.POST)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("work:dossier", code=code)


@require_POST
@worker_required
def work_extend_page(request: HttpRequest, code: str) -> HttpResponse:
    """The apology and new appointment (form 04): first what the form will say, then, confirmed, issued."""
    scope = _scope(request)
    dossier = _dossier_or_404(request, code)
    reason = str(request.POST.get("reason", ""))
    try:
        new_due = _moment_or_error(request.POST, "new_due")
        preview = work_extension_check(scope=scope, dossier=dossier, new_due=new_due, reason=reason)
        if request.POST.get("issue") == "1":
            _confirmed(request.POST)
            work_extend(scope=scope, dossier=dossier, new_due=new_due, reason=reason)
        else:
            return render(
                request,
                "dossiers/work/apology_preview.html",
                {"dossier": dossier, "preview": preview, "new_due_value": request.POST.get("new_due", "")},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("work:dossier", code=code)
    messages.success(request, _("The apology and new appointment (form 04) have been issued."))
    return redirect("work:dossier", code=code)


def result_fields(post: Mapping[str, Any]) -> dict[str, Any]:
    """The result's content from the signing form: type, summary, particulars ("label: value" per line)
    and paragraphs (one per line)."""
    particulars = []
    for line in _lines(str(post.get("particulars", ""))):
        label, separator, value = line.partition(":")
        if not separator or not label.strip() or not value.strip():
            raise ValidationError(_("Write each particular as “label: value”, one per line."))
        particulars.append([label.strip(), value.strip()])
    fields: dict[str, Any] = {
        "document_type": str(post.get("document_type") or "other"),
        "summary": str(post.get("summary", "")),
        "paragraphs": _lines(str(post.get("paragraphs", ""))),
    }
    if particulars:
        fields["particulars"] = particulars
    return fields


@require_POST
@worker_required
def work_sign_page(request: HttpRequest, code: str) -> HttpResponse:
    """Sign and issue the result at the signing step: first what the result will say, then, confirmed,
    numbered, signed, issued and the step completed."""
    scope = _scope(request)
    dossier = _dossier_or_404(request, code)
    post = request.POST
    title = str(post.get("title", ""))
    try:
        step_id = _int(post, "step")
        fields = result_fields(post)
        preview = work_result_check(
            scope=scope, dossier=dossier, step_id=step_id, title=title, body_fields=fields
        )
        if post.get("issue") != "1":
            context = {"dossier": dossier, "preview": preview, "post": post}
            return render(request, "dossiers/work/result_preview.html", context)
        _confirmed(post)
        document = work_sign_and_issue(
            scope=scope,
            dossier=dossier,
            step_id=step_id,
            title=title,
            body_fields=fields,
            note=str(post.get("note", "")),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("work:dossier", code=code)
    messages.success(
        request,
        _("Result %(number)s has been signed and issued; the dossier goes to the one-stop section.")
        % {"number": document.document_number},
    )
    return redirect("work:dossier", code=code)


@worker_required
def work_result_file(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    dossier = _dossier_or_404(request, code)
    document = results_of_dossier(dossier=dossier).filter(pk=document_id).first()
    if document is None:
        raise Http404
    return FileResponse(
        document.file.file.open("rb"), content_type="application/pdf", filename=f"{document.legacy_code}.pdf"
    )


@worker_required
def work_slip(request: HttpRequest, code: str, slip_id: int) -> FileResponse:
    from egov.dossiers.slips.render import slip_pdf

    dossier = _dossier_or_404(request, code)
    slip = Slip.objects.filter(dossier=dossier, pk=slip_id).first()
    if slip is None:
        raise Http404
    stored = slip_pdf(slip)
    return FileResponse(
        stored.file.open("rb"), content_type="application/pdf", filename=f"{dossier.code}-{slip.kind}.pdf"
    )
