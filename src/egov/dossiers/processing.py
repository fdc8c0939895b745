"""Processing a received dossier step by step across agencies until the result returns (Decree 118/2025
Art. 19–23). Time is measured against the calendar; the applicant's time is a recorded pause, never an
edit of the appointment; the one extension is a row with its apology (form 04)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import Agency, User
from egov.accounts.selectors import user_has_permission
from egov.core.audit.services import audit_record
from egov.core.calendar.selectors import add_working_days, add_working_hours, get_calendar
from egov.core.permissions import Permission, Role
from egov.dossiers.models import (
    Consultation,
    ControlRow,
    Delegation,
    Dossier,
    DossierStep,
    Extension,
    Pause,
    Rating,
    Slip,
    Status,
    StepHolding,
    SupplementRequest,
)
from egov.dossiers.notify import dossier_notify_on_commit
from egov.dossiers.services import dossier_transition
from egov.dossiers.timeliness import control_outcome

# The permission a role's step needs (core/permissions.py).
STEP_PERMISSION = {
    Role.ONE_STOP_OFFICER: Permission.DOSSIER_RECEIVE,
    Role.SPECIALIST: Permission.DOSSIER_PROCESS,
    Role.HEAD_OF_DIVISION: Permission.DOSSIER_APPROVE,
    Role.AGENCY_HEAD: Permission.RESULT_SIGN,
    Role.CLERK: Permission.RESULT_RETURN,
    Role.LEADER: Permission.DOSSIER_APPROVE,
    Role.ADMINISTRATOR: Permission.AGENCY_MANAGE,
}
# Art. 19.5: a supplement may be asked during processing only within 3 working days of reception.
SUPPLEMENT_WINDOW_WORKING_DAYS = 3
WARN_BEFORE_HOURS = 4


# -- time ---------------------------------------------------------------------------------------------


def dossier_current_due(dossier: Dossier) -> datetime | None:
    """The appointment now: the one extension if granted; otherwise the statutory time counted again from
    the end of the last pause (the complete supplement, Art. 19.5); otherwise the receipt's appointment.
    Derived from recorded rows, never stored over the original."""
    extension = Extension.objects.filter(dossier=dossier).first()
    if extension is not None:
        return extension.new_due_at
    last_pause = dossier.pauses.filter(ended_at__isnull=False).order_by("-ended_at").first()
    if last_pause is not None and last_pause.ended_at is not None:
        version = dossier.procedure_version
        days = version.processing_days_for(is_online=dossier.channel == Dossier.Channel.ONLINE)
        return add_working_days(last_pause.ended_at, days)
    return dossier.due_at


# -- who may act ----------------------------------------------------------------------------------------


def delegates_for(user: User, agency_id: int, at: datetime) -> set[int]:
    """The users whose work ``user`` holds today as their delegate in that agency."""
    return set(
        Delegation.objects.filter(
            delegate=user, agency_id=agency_id, valid_from__lte=at, valid_to__gt=at
        ).values_list("absent_id", flat=True)
    )


def step_can_act(user: Any, step: DossierStep, at: datetime | None = None) -> bool:
    """The assignee, their delegate, or — for an unassigned step — whoever holds the step's role there;
    a head of division or agency head of the step's agency may always act (they reassign)."""
    if not isinstance(user, User) or not user.is_active:
        return False
    moment = at or timezone.now()
    if step.assignee_id is not None:
        if step.assignee_id == user.pk or step.assignee_id in delegates_for(user, step.agency_id, moment):
            return True
        return user_has_permission(user=user, permission=Permission.DOSSIER_APPROVE, agency=step.agency_id)
    return user_has_permission(user=user, permission=STEP_PERMISSION[Role(step.role)], agency=step.agency_id)


def _require_step(actor: Any, step: DossierStep) -> None:
    if not step_can_act(actor, step):
        raise PermissionDenied(_("This step is not yours to act on."))


# -- the steps -------------------------------------------------------------------------------------------


def _hold(step: DossierStep, holder: User | None, by: Any, at: datetime, reason: str = "") -> None:
    StepHolding.objects.filter(step=step, ended_at__isnull=True).update(ended_at=at)
    if holder is not None:
        StepHolding.objects.create(
            step=step,
            holder=holder,
            assigned_by=by if isinstance(by, User) else None,
            started_at=at,
            reason=reason,
        )


def _activate(step: DossierStep, at: datetime, assignee: User | None, by: Any) -> None:
    step.state = DossierStep.State.ACTIVE
    step.started_at = at
    step.due_at = add_working_hours(at, Fraction(str(step.quota_hours)))
    step.assignee = assignee
    step.save(update_fields=["state", "started_at", "due_at", "assignee"])
    _hold(step, assignee, by, at, reason=_("Assigned"))


def _group(steps: Sequence[DossierStep], index: int) -> list[DossierStep]:
    """The step at ``index`` and the parallel steps that follow it."""
    group = [steps[index]]
    for step in steps[index + 1 :]:
        if not step.is_parallel:
            break
        group.append(step)
    return group


def processing_start(*, dossier: Dossier, actor: Any, at: datetime) -> list[DossierStep]:
    """Instantiate the version's steps; the one-stop steps before the first agency step are reception,
    already done; activate the first group. Called by the transfer, in its transaction."""
    version = dossier.procedure_version
    steps: list[DossierStep] = []
    default_agency = dossier.processing_agency or dossier.receiving_agency
    # In a commune procedure, a step the template gives to one of the implementing communes is worked by
    # the commune that received this dossier.
    communes: set[int] = set()
    if version.level == "commune":
        communes = set(version.implementing_agencies.values_list("id", flat=True))
    for template in version.steps.order_by("order"):
        steps.append(
            DossierStep.objects.create(
                dossier=dossier,
                order=template.order,
                name=template.name,
                agency=(default_agency if template.agency_id in communes else template.agency)
                or (dossier.receiving_agency if template.role == Role.ONE_STOP_OFFICER else default_agency),
                role=template.role,
                quota_hours=template.quota_hours,
            )
        )
    if not steps:
        steps.append(
            DossierStep.objects.create(
                dossier=dossier,
                order=1,
                name=_("Process the dossier"),
                agency=default_agency,
                role=Role.SPECIALIST,
                quota_hours=version.processing_days * 8,
            )
        )
    index = 0
    while index < len(steps) and steps[index].role == Role.ONE_STOP_OFFICER:
        step = steps[index]
        step.state, step.started_at, step.finished_at = DossierStep.State.DONE, dossier.received_at, at
        step.save(update_fields=["state", "started_at", "finished_at"])
        index += 1
    if index < len(steps):
        for step in _group(steps, index):
            _activate(step, at, None, actor)
    return steps


def _next_pending_index(steps: Sequence[DossierStep]) -> int | None:
    for index, step in enumerate(steps):
        if step.state == DossierStep.State.PENDING:
            return index
    return None


def step_complete(
    *,
    actor: Any,
    step: DossierStep,
    note: str = "",
    assign_to: User | None = None,
    at: datetime | None = None,
) -> list[DossierStep]:
    """Finish a step and hand the dossier on: the next step (or parallel group) starts, with a row on the
    control slip and, across agencies, a transfer slip (task and deadline per agency). After the last agency
    step the dossier is processed (national status 9) and the applicant told the result is ready."""
    moment = at or timezone.now()
    with transaction.atomic():
        step = DossierStep.objects.select_for_update().select_related("dossier", "agency").get(pk=step.pk)
        _require_step(actor, step)
        if step.state != DossierStep.State.ACTIVE:
            raise ValidationError(_("This step is not in progress."))
        dossier = Dossier.objects.select_for_update().get(pk=step.dossier_id)
        if dossier.status != Status.PROCESSING:
            raise ValidationError(
                _("The dossier is not being processed (it is “%(status)s”).")
                % {"status": Status(dossier.status).label}
            )
        step.state, step.finished_at, step.note = DossierStep.State.DONE, moment, note
        step.outcome = control_outcome(moment, step.due_at)
        step.save(update_fields=["state", "finished_at", "note", "outcome"])
        _hold(step, None, actor, moment)
        steps = list(dossier.steps.select_related("agency").order_by("order", "id"))
        if any(s.state == DossierStep.State.ACTIVE for s in steps):
            audit_record(
                actor=actor, action="step.completed", target=step, changes={"state": ["active", "done"]}
            )
            return []  # a parallel step is still running
        index = _next_pending_index(steps)
        started: list[DossierStep] = []
        if index is not None and steps[index].role != Role.ONE_STOP_OFFICER:
            started = _group(steps, index)
            if assign_to is not None and not (
                len(started) == 1
                and user_has_permission(
                    user=assign_to,
                    permission=STEP_PERMISSION[Role(started[0].role)],
                    agency=started[0].agency_id,
                )
            ):
                raise ValidationError(
                    _("%(name)s does not hold the next step's role in its agency.") % {"name": assign_to}
                )
            for following in started:
                _activate(following, moment, assign_to if len(started) == 1 else None, actor)
                _hand_over(dossier, step, following, actor, moment)
        else:
            if index is not None:  # the one-stop section returns the result
                _activate(steps[index], moment, None, actor)
                _hand_over(dossier, step, steps[index], actor, moment)
                started = [steps[index]]
            dossier_transition(dossier=dossier, to=Status.PROCESSED, actor=actor, at=moment)
            Dossier.objects.filter(pk=dossier.pk).update(processed_at=moment)
            dossier_notify_on_commit(dossier.pk, "result_ready")
        audit_record(actor=actor, action="step.completed", target=step, changes={"state": ["active", "done"]})
        return started


def _hand_over(dossier: Dossier, done: DossierStep, nxt: DossierStep, actor: Any, at: datetime) -> None:
    ControlRow.objects.create(
        dossier=dossier,
        step=nxt.name,
        giver=f"{actor} ({done.agency.name})",
        receiver=nxt.agency.name,
        from_agency=done.agency,
        to_agency=nxt.agency,
        handed_at=at,
        due_at=done.due_at,
        outcome=control_outcome(at, done.due_at),
    )
    if nxt.agency_id != done.agency_id:
        Slip.objects.create(
            dossier=dossier,
            kind=Slip.Kind.TRANSFER,
            issued_at=at,
            issued_by=actor if isinstance(actor, User) else None,
            data={
                "code": dossier.code,
                "procedure": dossier.procedure_version.name,
                "from": done.agency.name,
                "to": nxt.agency.name,
                "task": nxt.name,
                "due_at": nxt.due_at.isoformat() if nxt.due_at else None,
            },
        )


def step_send_back(*, actor: Any, step: DossierStep, reason: str, at: datetime | None = None) -> DossierStep:
    """Return the dossier to the previous step with a reason; the clock keeps running."""
    if not reason.strip():
        raise ValidationError(_("Say why the dossier is sent back."))
    moment = at or timezone.now()
    with transaction.atomic():
        step = DossierStep.objects.select_for_update().get(pk=step.pk)
        _require_step(actor, step)
        if step.state != DossierStep.State.ACTIVE:
            raise ValidationError(_("This step is not in progress."))
        previous = (
            DossierStep.objects.filter(
                dossier_id=step.dossier_id, order__lt=step.order, state=DossierStep.State.DONE
            )
            .exclude(role=Role.ONE_STOP_OFFICER)
            .order_by("-order")
            .first()
        )
        if previous is None:
            raise ValidationError(_("There is no earlier step to send it back to."))
        step.state, step.started_at, step.due_at, step.note = DossierStep.State.PENDING, None, None, reason
        step.save(update_fields=["state", "started_at", "due_at", "note"])
        _hold(step, None, actor, moment)
        _activate(previous, moment, previous.assignee, actor)
        audit_record(actor=actor, action="step.sent_back", target=step, changes={"reason": [None, reason]})
        return previous


def step_reassign(
    *, actor: Any, step: DossierStep, to: User, reason: str = "", at: datetime | None = None
) -> None:
    """A head moves a step to another officer of the agency; the history keeps who held it and how long."""
    if not user_has_permission(user=actor, permission=Permission.DOSSIER_APPROVE, agency=step.agency_id):
        raise PermissionDenied(_("Only a head of the agency can reassign work."))
    if not user_has_permission(user=to, permission=STEP_PERMISSION[Role(step.role)], agency=step.agency_id):
        raise ValidationError(_("%(name)s does not hold this step's role in this agency.") % {"name": to})
    moment = at or timezone.now()
    with transaction.atomic():
        locked = DossierStep.objects.select_for_update().get(pk=step.pk)
        before = locked.assignee_id
        locked.assignee = to
        locked.save(update_fields=["assignee"])
        _hold(locked, to, actor, moment, reason=reason or _("Reassigned"))
        audit_record(
            actor=actor, action="step.reassigned", target=locked, changes={"assignee": [before, to.pk]}
        )


def step_reject(*, actor: Any, step: DossierStep, reason: str, at: datetime | None = None) -> Dossier:
    """Not eligible (Art. 19.3): a head or the agency head refuses; the notice is the result."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for refusing the dossier."))
    if not user_has_permission(user=actor, permission=Permission.DOSSIER_APPROVE, agency=step.agency_id):
        raise PermissionDenied(_("Only a head of the agency can refuse a dossier."))
    moment = at or timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=step.dossier_id)
        DossierStep.objects.filter(dossier=dossier, state=DossierStep.State.ACTIVE).update(
            state=DossierStep.State.DONE, finished_at=moment
        )
        dossier_transition(dossier=dossier, to=Status.REFUSED, actor=actor, note=reason, at=moment)
        Dossier.objects.filter(pk=dossier.pk).update(closed_at=moment)
        dossier_notify_on_commit(dossier.pk, "refused")
        dossier.refresh_from_db()
        return dossier


# -- the applicant's time ------------------------------------------------------------------------------


def processing_request_supplement(
    *, actor: Any, step: DossierStep, items: Sequence[str], reason: str = "", at: datetime | None = None
) -> SupplementRequest:
    """Ask, through the one-stop section, for what is missing — within 3 working days of reception (Art.
    19.5). The applicant's time is a pause; a second request is allowed but the dossier then counts as late
    (indicator 2.1)."""
    _require_step(actor, step)
    cleaned = [item.strip() for item in items if item and item.strip()]
    if not cleaned:
        raise ValidationError(_("List at least one paper or piece of information that is missing."))
    moment = at or timezone.now()
    dossier = step.dossier
    assert dossier.received_at is not None
    window_end = add_working_days(dossier.received_at, SUPPLEMENT_WINDOW_WORKING_DAYS)
    if moment > window_end:
        raise ValidationError(
            _("A supplement can be asked only within %(days)s working days of reception (until %(end)s).")
            % {
                "days": SUPPLEMENT_WINDOW_WORKING_DAYS,
                "end": f"{timezone.localtime(window_end):%H:%M %d/%m/%Y}",
            }
        )
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        dossier_transition(
            dossier=locked, to=Status.SUPPLEMENT_REQUESTED, actor=actor, note=reason, at=moment
        )
        request = SupplementRequest.objects.create(
            dossier=locked,
            stage=SupplementRequest.Stage.PROCESSING,
            requested_at=moment,
            requested_by=actor,
            items=cleaned,
            reason=reason,
            due_on=timezone.localtime(moment).date() + timedelta(days=15),
        )
        Pause.objects.create(dossier=locked, supplement_request=request, started_at=moment)
        Slip.objects.create(
            dossier=locked,
            kind=Slip.Kind.SUPPLEMENT_REQUEST,
            issued_at=moment,
            issued_by=actor,
            data={
                "code": locked.code,
                "applicant_name": locked.applicant_name,
                "procedure": locked.procedure_version.name,
                "items": cleaned,
                "reason": reason,
                "due_on": request.due_on.isoformat(),
                "contact": str(actor),
            },
        )
        dossier_notify_on_commit(locked.pk, "supplement_requested")
    return request


def processing_supplement_received(*, dossier: Dossier, request: SupplementRequest, at: datetime) -> None:
    """Close the pause; the statutory time counts again from now (see dossier_current_due)."""
    Pause.objects.filter(dossier=dossier, supplement_request=request, ended_at__isnull=True).update(
        ended_at=at
    )
    for step in dossier.steps.filter(state=DossierStep.State.ACTIVE):
        step.due_at = add_working_hours(at, Fraction(str(step.quota_hours)))
        step.save(update_fields=["due_at"])


def dossier_extend(
    *, actor: Any, dossier: Dossier, new_due: datetime, reason: str, at: datetime | None = None
) -> Slip:
    """The agency at fault apologises and proposes a new appointment (form 04), at the latest one day —
    a calendar day — before the appointment (Art. 19.6), once only. The dossier still counts as late."""
    moment = at or timezone.now()
    agency_id = dossier.processing_agency_id or dossier.receiving_agency_id
    if not user_has_permission(user=actor, permission=Permission.DOSSIER_APPROVE, agency=agency_id):
        raise PermissionDenied(_("Only a head of the agency at fault can issue the apology."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the delay."))
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if Extension.objects.filter(dossier=locked).exists():
            raise ValidationError(_("The appointment can be moved only once (Decree 118/2025 Art. 19.6)."))
        current = dossier_current_due(locked)
        if current is None or moment > current - timedelta(days=1):
            raise ValidationError(
                _("The apology must be issued at the latest one day before the appointment.")
            )
        if new_due <= current:
            raise ValidationError(_("The new appointment must be later than the current one."))
        Extension.objects.create(
            dossier=locked,
            agency_id=agency_id,
            requested_by=actor,
            requested_at=moment,
            previous_due_at=current,
            new_due_at=new_due,
            reason=reason,
        )
        slip = Slip.objects.create(
            dossier=locked,
            kind=Slip.Kind.APOLOGY,
            issued_at=moment,
            issued_by=actor,
            data={
                "code": locked.code,
                "applicant_name": locked.applicant_name,
                "applicant_id": locked.applicant_personal_id,
                "procedure": locked.procedure_version.name,
                "received_at": locked.received_at.isoformat() if locked.received_at else None,
                "previous_due_at": current.isoformat(),
                "new_due_at": new_due.isoformat(),
                "reason": reason,
            },
        )
        audit_record(
            actor=actor, action="dossier.extended", target=locked, changes={"appointment": [current, new_due]}
        )
        dossier_notify_on_commit(locked.pk, "extended")
    return slip


# -- consultation -----------------------------------------------------------------------------------------


def consultation_ask(
    *,
    actor: Any,
    step: DossierStep,
    agency: Agency,
    question: str,
    working_days: int,
    at: datetime | None = None,
) -> Consultation:
    _require_step(actor, step)
    moment = at or timezone.now()
    with transaction.atomic():
        consultation = Consultation.objects.create(
            step=step,
            agency=agency,
            question=question,
            asked_by=actor,
            asked_at=moment,
            due_at=add_working_days(moment, working_days),
        )
        audit_record(
            actor=actor,
            action="consultation.asked",
            target=consultation,
            changes={"agency": [None, agency.code]},
        )
    return consultation


def consultation_answer(
    *, actor: Any, consultation: Consultation, answer: str, at: datetime | None = None
) -> None:
    if not user_has_permission(
        user=actor, permission=Permission.DOSSIER_PROCESS, agency=consultation.agency_id
    ):
        raise PermissionDenied(_("Only an officer of the consulted agency can answer."))
    if not answer.strip():
        raise ValidationError(_("Write the answer."))
    with transaction.atomic():
        locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if locked.answered_at is not None:
            raise ValidationError(_("This consultation has already been answered."))
        locked.answer, locked.answered_by, locked.answered_at = answer, actor, at or timezone.now()
        locked.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_record(actor=actor, action="consultation.answered", target=locked)


# -- the end ---------------------------------------------------------------------------------------------


def dossier_return(
    *,
    actor: Any,
    dossier: Dossier,
    method: str,
    at: datetime | None = None,
    post_dispatched_at: datetime | None = None,
) -> Dossier:
    """The result reaches the applicant — at the counter, online (download after sign-in) or by post
    (``at`` is the moment the post delivered it): that moment decides on time or late."""
    if method not in {"counter", "online", "post"}:
        raise ValidationError(_("Choose how the result was returned."))
    is_applicant = method == "online" and getattr(actor, "pk", None) == dossier.applicant_id
    if not is_applicant and not user_has_permission(
        user=actor, permission=Permission.RESULT_RETURN, agency=dossier.receiving_agency_id
    ):
        raise PermissionDenied(_("You may not return results for this section."))
    moment = at or timezone.now()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        dossier_transition(dossier=locked, to=Status.RETURNED, actor=actor, at=moment)
        Dossier.objects.filter(pk=locked.pk).update(
            returned_at=moment, return_method=method, post_dispatched_at=post_dispatched_at, closed_at=moment
        )
        for step in locked.steps.filter(state=DossierStep.State.ACTIVE):
            step.state, step.finished_at, step.outcome = (
                DossierStep.State.DONE,
                moment,
                control_outcome(moment, step.due_at),
            )
            step.save(update_fields=["state", "finished_at", "outcome"])
        locked.refresh_from_db()
        return locked


RATING_CRITERIA = (
    # Decree 118/2025 Art. 33: what citizens rate.
    "time_vs_deadline",
    "agencies_contacted",
    "contacts_needed",
    "information_accuracy",
    "attitude",
    "legality_and_cost",
    "online_quality",
)


def dossier_rate(*, dossier: Dossier, channel: str, scores: dict[str, int], comment: str = "") -> Rating:
    """One rating per returned dossier, 1–5 per criterion; satisfied when no criterion is below 3."""
    if dossier.status != Status.RETURNED:
        raise ValidationError(_("A dossier can be rated once its result has been returned."))
    clean = {key: int(scores[key]) for key in RATING_CRITERIA if key in scores}
    if not clean or any(not 1 <= value <= 5 for value in clean.values()):
        raise ValidationError(_("Give each criterion a score from 1 to 5."))
    with transaction.atomic():
        if Rating.objects.filter(dossier=dossier).exists():
            raise ValidationError(_("This dossier has already been rated."))
        return Rating.objects.create(
            dossier=dossier,
            channel=channel,
            scores=clean,
            comment=comment[:2000],
            is_satisfied=min(clean.values()) >= 3,
        )


# -- warnings ---------------------------------------------------------------------------------------------


def steps_warn_and_escalate(*, now: datetime | None = None) -> dict[str, int]:
    """Warn the holder of each step falling due within 4 working hours; escalate overdue steps and late
    consultation answers to the agency's heads. Each step is warned and escalated once."""
    from egov.dossiers.alerts import alert_officers

    moment = now or timezone.now()
    calendar = get_calendar()
    warned = escalated = 0
    soon = DossierStep.objects.filter(
        state=DossierStep.State.ACTIVE, warned_at__isnull=True, due_at__gt=moment
    )
    for step in soon.select_related("dossier", "assignee", "agency"):
        assert step.due_at is not None
        if calendar.working_hours_between(moment, step.due_at) <= WARN_BEFORE_HOURS:
            alert_officers(step=step, kind="due_soon")
            DossierStep.objects.filter(pk=step.pk).update(warned_at=moment)
            warned += 1
    overdue = DossierStep.objects.filter(
        state=DossierStep.State.ACTIVE, escalated_at__isnull=True, due_at__lte=moment
    )
    for step in overdue.select_related("dossier", "assignee", "agency"):
        alert_officers(step=step, kind="overdue")
        DossierStep.objects.filter(pk=step.pk).update(escalated_at=moment)
        escalated += 1
    late_answers = Consultation.objects.filter(
        Q(answered_at__isnull=True), escalated_at__isnull=True, due_at__lte=moment
    ).select_related("step__dossier", "step__agency", "agency")
    for consultation in late_answers:
        alert_officers(step=consultation.step, kind="consultation_late", consultation=consultation)
        Consultation.objects.filter(pk=consultation.pk).update(escalated_at=moment)
        escalated += 1
    return {"warned": warned, "escalated": escalated}
