from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from egov.core.audit.models import AuditEvent
from egov.queueing.models import Ticket
from egov.queueing.services import (
    QueueError,
    counter_set_open,
    ticket_call_next,
    ticket_finish,
    ticket_no_show,
    ticket_recall,
    ticket_serve,
    ticket_take,
)
from egov.queueing.tests.factories import CounterFactory, TicketLineFactory

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY_MORNING = datetime(2026, 1, 12, 7, 45, tzinfo=HANOI)


def test_numbers_are_gapless_per_line_and_day_and_start_again_the_next_day(hall):
    # given a Monday morning
    with time_machine.travel(MONDAY_MORNING, tick=False):
        # when citizens take tickets of two lines in turn
        monday = [
            ticket_take(centre=hall.centre, line=line)
            for line in (hall.line_a, hall.line_b, hall.line_a, hall.line_a, hall.line_b)
        ]
    # and more on Tuesday, just after midnight local time
    with time_machine.travel(datetime(2026, 1, 13, 0, 5, tzinfo=HANOI), tick=False):
        tuesday = [ticket_take(centre=hall.centre, line=line) for line in (hall.line_b, hall.line_a)]

    # then each line counts from 1 without gaps, and starts again from 1 the next day
    assert [(t.code, t.number, str(t.day)) for t in monday] == [
        ("A001", 1, "2026-01-12"),
        ("B001", 1, "2026-01-12"),
        ("A002", 2, "2026-01-12"),
        ("A003", 3, "2026-01-12"),
        ("B002", 2, "2026-01-12"),
    ]
    assert [(t.code, str(t.day)) for t in tuesday] == [("B001", "2026-01-13"), ("A001", "2026-01-13")]
    assert {t.status for t in monday + tuesday} == {Ticket.Status.WAITING}


def test_taking_a_ticket_is_audited_without_an_actor(hall):
    ticket = ticket_take(centre=hall.centre, line=hall.line_a)

    event = AuditEvent.objects.get(action="queue_ticket.taken")
    assert (event.actor_id, event.target_id, event.changes) == (
        None,
        str(ticket.pk),
        {"status": [None, "waiting"], "line": [None, "A"]},
    )


def test_a_line_of_another_centre_or_an_inactive_line_gives_no_ticket(hall):
    foreign = TicketLineFactory(letter="A")
    hall.line_b.is_active = False
    hall.line_b.save()

    with pytest.raises(QueueError) as other_centre:
        ticket_take(centre=hall.centre, line=foreign)
    with pytest.raises(QueueError) as inactive:
        ticket_take(centre=hall.centre, line=hall.line_b)

    assert (other_centre.value.code, inactive.value.code) == ("line_closed", "line_closed")
    assert Ticket.objects.count() == 0


def test_call_next_takes_the_oldest_waiting_ticket_of_the_lines_the_counter_serves(hall, officer):
    # given tickets taken a minute apart: B001, A001, B002, A002
    for minute, line in enumerate((hall.line_b, hall.line_a, hall.line_b, hall.line_a)):
        with time_machine.travel(MONDAY_MORNING.replace(minute=minute), tick=False):
            ticket_take(centre=hall.centre, line=line)

    with time_machine.travel(MONDAY_MORNING.replace(hour=8, minute=0), tick=False):
        # when counter 1 (line A only) calls, then counter 3 (every line) calls, finishing each ticket
        at_counter_a = ticket_call_next(actor=officer, counter=hall.counter_a)
        at_counter_all = []
        while (ticket := ticket_call_next(actor=officer, counter=hall.counter_all)) is not None:
            at_counter_all.append(ticket.code)
            ticket_finish(actor=officer, ticket=ticket)

    # then counter 1 got A001 (B001 is older, but not of its line) and counter 3 the rest, oldest first
    assert at_counter_a is not None
    assert at_counter_a.code == "A001"
    assert at_counter_all == ["B001", "B002", "A002"]
    called = Ticket.objects.get(code="A001")
    assert (called.status, called.counter, called.called_by, called.calls, called.called_at) == (
        Ticket.Status.CALLED,
        hall.counter_a,
        officer,
        1,
        datetime(2026, 1, 12, 8, 0, tzinfo=HANOI),
    )


def test_call_next_returns_none_when_nobody_waits_in_the_counters_lines(hall, officer):
    ticket_take(centre=hall.centre, line=hall.line_b)

    assert ticket_call_next(actor=officer, counter=hall.counter_a) is None
    assert Ticket.objects.get().status == Ticket.Status.WAITING


def test_tickets_of_an_earlier_day_are_not_called(hall, officer):
    with time_machine.travel(MONDAY_MORNING, tick=False):
        ticket_take(centre=hall.centre, line=hall.line_a)
    with time_machine.travel(MONDAY_MORNING.replace(day=13), tick=False):
        assert ticket_call_next(actor=officer, counter=hall.counter_a) is None


def test_a_counter_with_a_ticket_still_at_it_or_closed_calls_nothing(hall, officer):
    ticket_take(centre=hall.centre, line=hall.line_a)
    ticket_take(centre=hall.centre, line=hall.line_a)
    current = ticket_call_next(actor=officer, counter=hall.counter_a)

    with pytest.raises(QueueError) as busy:
        ticket_call_next(actor=officer, counter=hall.counter_a)
    counter_set_open(actor=officer, counter=hall.counter_all, is_open=False)
    with pytest.raises(QueueError) as closed:
        ticket_call_next(actor=officer, counter=hall.counter_all)

    assert (busy.value.code, closed.value.code) == ("counter_busy", "counter_closed")
    assert list(Ticket.objects.order_by("number").values_list("code", "status")) == [
        (current.code, "called"),
        ("A002", "waiting"),
    ]


def test_recall_serve_finish_and_no_show_move_the_ticket_and_are_audited(hall, officer):
    first = ticket_take(centre=hall.centre, line=hall.line_a)
    second = ticket_take(centre=hall.centre, line=hall.line_a)

    ticket_call_next(actor=officer, counter=hall.counter_a)
    recalled = ticket_recall(actor=officer, ticket=first)
    serving = ticket_serve(actor=officer, ticket=first)
    done = ticket_finish(actor=officer, ticket=first)
    ticket_call_next(actor=officer, counter=hall.counter_a)
    absent = ticket_no_show(actor=officer, ticket=second)

    assert (recalled.calls, serving.status, done.status, absent.status) == (2, "serving", "done", "no_show")
    assert done.finished_at is not None
    assert absent.finished_at is not None
    assert list(
        AuditEvent.objects.filter(action__startswith="queue_ticket.")
        .exclude(action="queue_ticket.taken")
        .order_by("sequence")
        .values_list("action", "target_id", "changes")
    ) == [
        ("queue_ticket.called", str(first.pk), {"status": ["waiting", "called"], "counter": [None, 1]}),
        ("queue_ticket.recalled", str(first.pk), {"status": ["called", "called"]}),
        ("queue_ticket.serving", str(first.pk), {"status": ["called", "serving"]}),
        ("queue_ticket.finished", str(first.pk), {"status": ["serving", "done"]}),
        ("queue_ticket.called", str(second.pk), {"status": ["waiting", "called"], "counter": [None, 1]}),
        ("queue_ticket.no_show", str(second.pk), {"status": ["called", "no_show"]}),
    ]


def test_a_finished_ticket_cannot_be_recalled_or_marked_absent(hall, officer):
    ticket_take(centre=hall.centre, line=hall.line_a)
    ticket = ticket_finish(actor=officer, ticket=ticket_call_next(actor=officer, counter=hall.counter_a))

    for service in (ticket_recall, ticket_no_show, ticket_finish, ticket_serve):
        with pytest.raises(QueueError) as refused:
            service(actor=officer, ticket=ticket)
        assert refused.value.code == "ticket_state"
    assert Ticket.objects.get().status == "done"


def test_only_one_stop_officers_of_the_centre_call_and_act(hall, officer, other_officer, specialist, citizen):
    ticket_take(centre=hall.centre, line=hall.line_a)
    called = ticket_call_next(actor=officer, counter=hall.counter_a)
    ticket_take(centre=hall.centre, line=hall.line_a)
    events = AuditEvent.objects.count()

    for person in (None, citizen, specialist, other_officer):
        with pytest.raises(PermissionDenied):
            ticket_call_next(actor=person, counter=hall.counter_all)
        for service in (ticket_recall, ticket_finish, ticket_no_show, ticket_serve):
            with pytest.raises(PermissionDenied):
                service(actor=person, ticket=called)
        with pytest.raises(PermissionDenied):
            counter_set_open(actor=person, counter=hall.counter_all, is_open=False)

    assert list(Ticket.objects.order_by("number").values_list("status", "calls")) == [
        ("called", 1),
        ("waiting", 0),
    ]
    assert AuditEvent.objects.count() == events
    hall.counter_all.refresh_from_db()
    assert hall.counter_all.is_open is True


def test_a_counter_that_serves_only_part_of_a_lines_fields_does_not_serve_the_line(hall, officer):
    partial = CounterFactory(centre=hall.centre, number=2, open=True, fields=[hall.line_a.fields.first()])
    ticket_take(centre=hall.centre, line=hall.line_a)

    assert ticket_call_next(actor=officer, counter=partial) is None
