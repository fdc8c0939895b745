"""Kiosks and officers at the same instant, each on its own database connection. On SQLite the IMMEDIATE
transactions queue; on PostgreSQL (DATABASE_URL=postgres://…) the row locks and SKIP LOCKED do the work."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from egov.queueing.models import Ticket
from egov.queueing.services import ticket_call_next, ticket_finish, ticket_take
from egov.queueing.tests.conftest import make_hall
from egov.queueing.tests.factories import CounterFactory, OfficerFactory

THREADS = 4


def run_together(work: Callable[[int], None], threads: int = THREADS) -> list[BaseException]:
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait(timeout=10)
            work(index)
        except BaseException as error:  # reported by the test, in its own thread
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=run, args=(index,)) for index in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.is_alive() for worker in workers] == [False] * threads
    return errors


@pytest.mark.django_db(transaction=True)
def test_kiosks_taking_tickets_at_once_get_unique_gapless_numbers():
    # given one centre and four kiosks
    hall = make_hall()
    per_kiosk = 8

    # when each kiosk prints eight tickets of line A (and one of line B), all at once
    def take(index: int) -> None:
        for _ in range(per_kiosk):
            ticket_take(centre=hall.centre, line=hall.line_a)
        ticket_take(centre=hall.centre, line=hall.line_b)

    errors = run_together(take)

    # then every number of each line was given exactly once, from 1 with no gap
    assert errors == []
    numbers_a = sorted(Ticket.objects.filter(line=hall.line_a).values_list("number", flat=True))
    numbers_b = sorted(Ticket.objects.filter(line=hall.line_b).values_list("number", flat=True))
    assert numbers_a == list(range(1, THREADS * per_kiosk + 1))
    assert numbers_b == list(range(1, THREADS + 1))


@pytest.mark.django_db(transaction=True)
def test_officers_calling_at_once_never_get_the_same_ticket():
    # given twelve waiting tickets and four counters that all serve every line, one officer each
    hall = make_hall()
    tickets = [ticket_take(centre=hall.centre, line=line) for line in (hall.line_a, hall.line_b) * 6]
    counters = [hall.counter_all] + [
        CounterFactory(centre=hall.centre, number=10 + index, open=True, serves_all=True)
        for index in range(THREADS - 1)
    ]
    officers = [OfficerFactory(centre=hall.centre) for _ in range(THREADS)]
    called: list[list[int]] = [[] for _ in range(THREADS)]

    # when the four officers call, finish and call again as fast as they can until nobody waits
    def call(index: int) -> None:
        while (ticket := ticket_call_next(actor=officers[index], counter=counters[index])) is not None:
            called[index].append(ticket.pk)
            ticket_finish(actor=officers[index], ticket=ticket)

    errors = run_together(call)

    # then each ticket was called exactly once, by one counter
    assert errors == []
    every_call = [pk for calls in called for pk in calls]
    assert sorted(every_call) == sorted(ticket.pk for ticket in tickets)
    assert set(Ticket.objects.values_list("status", "calls")) == {("done", 1)}
