"""Writing the queue: take a ticket at the kiosk, call it to a counter, recall, serve, finish, mark as not
present; open and close counters. Every change writes an audit event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import Agency
from egov.accounts.selectors import user_has_permission
from egov.catalog.models import Field
from egov.core.audit.services import audit_record
from egov.core.permissions import Permission
from egov.queueing.models import Counter, Ticket, TicketLine, TicketSequence
from egov.queueing.selectors import AT_COUNTER, lines_served_by

Status = Ticket.Status


class QueueError(ValidationError):
    """The queue cannot do this now (a closed counter, a ticket already finished…); nothing was changed."""


def _require_officer(actor: Any, centre: Agency | int) -> None:
    """Calling tickets is part of receiving dossiers: the one-stop officers of that centre."""
    if not user_has_permission(user=actor, permission=Permission.DOSSIER_RECEIVE, agency=centre):
        raise PermissionDenied(_("You may not call tickets at this centre."))


def _actor(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def ticket_code(*, letter: str, number: int) -> str:
    """A012: the line's letter and the number, at least three digits."""
    return f"{letter}{number:03d}"


def _ticket_number_next(*, centre: Agency, line: TicketLine, day: Any) -> int:
    """The next number of ``line`` on ``day``, gapless: must run inside the ticket's transaction, so that a
    rollback gives the number back."""
    TicketSequence.objects.bulk_create(
        [TicketSequence(centre=centre, line=line, day=day, last_number=0)], ignore_conflicts=True
    )
    sequence = TicketSequence.objects.select_for_update().get(centre=centre, line=line, day=day)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def ticket_take(*, centre: Agency, line: TicketLine, actor: Any = None) -> Ticket:
    """A new waiting ticket of ``line`` (the kiosk: anyone, signed in or not)."""
    if centre.level != Agency.Level.ONE_STOP_CENTRE or not centre.is_active_on(timezone.localdate()):
        raise QueueError(_("Tickets are taken only at a working one-stop centre."), code="not_a_centre")
    if line.centre_id != centre.pk or not line.is_active:
        raise QueueError(_("This line is not offered at this centre."), code="line_closed")
    now = timezone.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        number = _ticket_number_next(centre=centre, line=line, day=day)
        ticket = Ticket.objects.create(
            centre=centre,
            line=line,
            day=day,
            number=number,
            code=ticket_code(letter=line.letter, number=number),
            status=Status.WAITING,
            taken_at=now,
        )
        audit_record(
            actor=_actor(actor),
            action="queue_ticket.taken",
            target=ticket,
            changes={"status": [None, Status.WAITING], "line": [None, line.letter]},
        )
    return ticket


def ticket_call_next(*, actor: Any, counter: Counter) -> Ticket | None:
    """Call the oldest waiting ticket of today among the lines ``counter`` serves; None when nobody waits.

    Two officers calling at the same instant never get the same ticket: on PostgreSQL each locks its
    candidate with ``FOR UPDATE SKIP LOCKED`` (the other takes the next one instead of waiting); on
    SQLite the IMMEDIATE transaction lets one writer at a time in. The status change is conditional too,
    so a ticket can never be called twice."""
    _require_officer(actor, counter.centre_id)
    line_ids = [line.pk for line in lines_served_by(counter=counter)]
    with transaction.atomic():
        locked = Counter.objects.select_for_update().get(pk=counter.pk)
        if not locked.is_open:
            raise QueueError(_("Open the counter before calling tickets."), code="counter_closed")
        current = Ticket.objects.filter(counter=locked, status__in=AT_COUNTER).first()
        if current is not None:
            raise QueueError(
                _("%(code)s is still at this counter: finish it or mark it as not present first.")
                % {"code": current.code},
                code="counter_busy",
            )
        now = timezone.now()
        waiting = (
            Ticket.objects.select_for_update(skip_locked=True)
            .filter(line_id__in=line_ids, day=timezone.localdate(now), status=Status.WAITING)
            .order_by("taken_at", "pk")
        )
        # One row at a time: SKIP LOCKED with a larger LIMIT would hide several waiting tickets from a
        # colleague calling at the same instant. The conditional update is the last guard.
        for _attempt in range(3):
            candidate = waiting.first()
            if candidate is None:
                return None
            changed = Ticket.objects.filter(pk=candidate.pk, status=Status.WAITING).update(
                status=Status.CALLED,
                counter=locked,
                called_by=actor,
                called_at=now,
                last_called_at=now,
                calls=1,
            )
            if changed:
                ticket = Ticket.objects.select_related("line", "counter").get(pk=candidate.pk)
                audit_record(
                    actor=actor,
                    action="queue_ticket.called",
                    target=ticket,
                    changes={"status": [Status.WAITING, Status.CALLED], "counter": [None, locked.number]},
                )
                return ticket
    return None


def _locked(ticket: Ticket, allowed_from: frozenset[str]) -> Ticket:
    """The ticket, locked for this transaction, if its status allows the change."""
    locked = (
        Ticket.objects.select_for_update(of=("self",)).select_related("line", "counter").get(pk=ticket.pk)
    )
    if locked.status not in allowed_from:
        raise QueueError(
            _("Ticket %(code)s is “%(status)s”: this cannot be done now.")
            % {"code": locked.code, "status": Status(locked.status).label},
            code="ticket_state",
        )
    return locked


def _save(*, actor: Any, ticket: Ticket, before: str, action: str, fields: list[str]) -> None:
    ticket.save(update_fields=["status", *fields])
    audit_record(actor=actor, action=action, target=ticket, changes={"status": [before, ticket.status]})


def ticket_recall(*, actor: Any, ticket: Ticket) -> Ticket:
    """Call the same ticket again (the citizen did not come forward); the hall display announces it."""
    _require_officer(actor, ticket.centre_id)
    with transaction.atomic():
        locked = _locked(ticket, frozenset({Status.CALLED}))
        locked.last_called_at = timezone.now()
        locked.calls += 1
        _save(
            actor=actor,
            ticket=locked,
            before=Status.CALLED,
            action="queue_ticket.recalled",
            fields=["last_called_at", "calls"],
        )
    return locked


def ticket_serve(*, actor: Any, ticket: Ticket) -> Ticket:
    """The citizen has come to the counter."""
    _require_officer(actor, ticket.centre_id)
    with transaction.atomic():
        locked = _locked(ticket, frozenset({Status.CALLED}))
        locked.status = Status.SERVING
        locked.serving_started_at = timezone.now()
        _save(
            actor=actor,
            ticket=locked,
            before=Status.CALLED,
            action="queue_ticket.serving",
            fields=["serving_started_at"],
        )
    return locked


def ticket_finish(*, actor: Any, ticket: Ticket) -> Ticket:
    """The citizen has been served; the counter is free for the next ticket."""
    _require_officer(actor, ticket.centre_id)
    with transaction.atomic():
        locked = _locked(ticket, frozenset({Status.CALLED, Status.SERVING}))
        before = locked.status
        locked.status = Status.DONE
        locked.finished_at = timezone.now()
        _save(
            actor=actor, ticket=locked, before=before, action="queue_ticket.finished", fields=["finished_at"]
        )
    return locked


def ticket_no_show(*, actor: Any, ticket: Ticket) -> Ticket:
    """Called (and perhaps recalled) but nobody came: the counter is free for the next ticket."""
    _require_officer(actor, ticket.centre_id)
    with transaction.atomic():
        locked = _locked(ticket, frozenset({Status.CALLED}))
        locked.status = Status.NO_SHOW
        locked.finished_at = timezone.now()
        _save(
            actor=actor,
            ticket=locked,
            before=Status.CALLED,
            action="queue_ticket.no_show",
            fields=["finished_at"],
        )
    return locked


def counter_set_open(*, actor: Any, counter: Counter, is_open: bool) -> Counter:
    """Open or close a counter. A closed counter calls nothing; tickets already called stay with it."""
    _require_officer(actor, counter.centre_id)
    with transaction.atomic():
        locked = Counter.objects.select_for_update().get(pk=counter.pk)
        if locked.is_open != is_open:
            locked.is_open = is_open
            locked.save(update_fields=["is_open", "updated_at"])
            audit_record(
                actor=actor,
                action="queue_counter.opened" if is_open else "queue_counter.closed",
                target=locked,
                changes={"is_open": [not is_open, is_open]},
            )
    counter.is_open = is_open
    return locked


def ticket_line_create(
    *, actor: Any, centre: Agency, letter: str, name: str, fields: Iterable[Field] = (), order: int = 0
) -> TicketLine:
    with transaction.atomic():
        line = TicketLine(centre=centre, letter=letter, name=name, order=order)
        line.full_clean()
        line.save()
        line.fields.set(list(fields))
        audit_record(
            actor=_actor(actor),
            action="queue_line.created",
            target=line,
            changes={"letter": [None, letter], "name": [None, name]},
        )
    return line


def counter_create(
    *,
    actor: Any,
    centre: Agency,
    number: int,
    name: str = "",
    fields: Iterable[Field] = (),
    serves_all_fields: bool = False,
    is_open: bool = False,
) -> Counter:
    with transaction.atomic():
        counter = Counter(
            centre=centre, number=number, name=name, serves_all_fields=serves_all_fields, is_open=is_open
        )
        counter.full_clean()
        counter.save()
        counter.fields.set(list(fields))
        audit_record(
            actor=_actor(actor),
            action="queue_counter.created",
            target=counter,
            changes={"number": [None, number], "serves_all_fields": [None, serves_all_fields]},
        )
    return counter
