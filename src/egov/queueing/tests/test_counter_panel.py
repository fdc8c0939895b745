from __future__ import annotations

import re

import pytest

from egov.core.audit.models import AuditEvent
from egov.queueing.models import Ticket
from egov.queueing.services import ticket_call_next, ticket_take
from egov.queueing.tests.conftest import client_for

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def panel_url(counter, action: str = "") -> str:
    return f"/xep-hang/quay/{counter.pk}/" + (f"{action}/" if action else "")


def current_code(page: str) -> str | None:
    found = re.search(r'<p class="counter-code">(\w+)</p>', page)
    return found.group(1) if found else None


def test_the_panel_shows_the_waiting_counts_of_the_counters_lines_and_the_shortcuts(hall, officer):
    for line in (hall.line_a, hall.line_a, hall.line_b):
        ticket_take(centre=hall.centre, line=line)

    only_a = client_for(officer).get(panel_url(hall.counter_a)).content.decode()
    every = client_for(officer).get(panel_url(hall.counter_all)).content.decode()

    assert re.findall(r"<tr><td>(.*?)</td><td>(\d+)</td></tr>", only_a) == [(str(hall.line_a), "2")]
    assert re.findall(r"<tr><td>(.*?)</td><td>(\d+)</td></tr>", every) == [
        (str(hall.line_a), "2"),
        (str(hall.line_b), "1"),
    ]
    assert 'data-shortcut="n" aria-keyshortcuts="N"' in only_a
    assert current_code(only_a) is None


def test_call_next_then_recall_then_finish_through_htmx_fragments(hall, officer):
    ticket_take(centre=hall.centre, line=hall.line_a)
    ticket_take(centre=hall.centre, line=hall.line_a)
    client = client_for(officer)

    called = client.post(panel_url(hall.counter_a, "goi-tiep"), **HTMX).content.decode()
    first = Ticket.objects.get(code="A001")
    recalled = client.post(panel_url(hall.counter_a, "goi-lai"), {"ticket": first.pk}, **HTMX)
    finished = client.post(panel_url(hall.counter_a, "xong"), {"ticket": first.pk}, **HTMX).content.decode()
    again = client.post(panel_url(hall.counter_a, "goi-tiep"), **HTMX).content.decode()

    assert called.startswith('<div id="counter-panel"')
    assert current_code(called) == "A001"
    assert 'hx-swap-oob="innerHTML:#counter-live"' in called
    assert recalled.status_code == 200
    assert current_code(finished) is None
    assert current_code(again) == "A002"
    first.refresh_from_db()
    assert (first.status, first.calls) == ("done", 2)


def test_without_htmx_an_action_redirects_back_to_the_panel(hall, officer):
    ticket_take(centre=hall.centre, line=hall.line_a)

    response = client_for(officer).post(panel_url(hall.counter_a, "goi-tiep"))

    assert (response.status_code, response["Location"]) == (302, panel_url(hall.counter_a))
    assert Ticket.objects.get().status == "called"


def test_a_refused_action_shows_why_and_changes_nothing(hall, officer):
    ticket_take(centre=hall.centre, line=hall.line_a)
    ticket_take(centre=hall.centre, line=hall.line_a)
    current = ticket_call_next(actor=officer, counter=hall.counter_a)
    events = AuditEvent.objects.count()
    client = client_for(officer)

    busy = client.post(panel_url(hall.counter_a, "goi-tiep"), **HTMX).content.decode()
    stale = client.post(panel_url(hall.counter_all, "xong"), {"ticket": current.pk}, **HTMX).content.decode()

    assert 'role="alert"' in busy
    assert "A001" in busy
    assert 'role="alert"' in stale
    assert list(Ticket.objects.order_by("number").values_list("status", flat=True)) == ["called", "waiting"]
    assert AuditEvent.objects.count() == events


def test_nobody_waiting_is_said_plainly(hall, officer):
    page = client_for(officer).post(panel_url(hall.counter_a, "goi-tiep"), **HTMX).content.decode()

    assert '<p class="message">' in page
    assert current_code(page) is None


def test_closing_the_counter_disables_calling_and_opening_enables_it(hall, officer):
    client = client_for(officer)

    closed = client.post(panel_url(hall.counter_a, "dong-quay"), **HTMX).content.decode()
    opened = client.post(panel_url(hall.counter_a, "mo-quay"), **HTMX).content.decode()

    assert re.search(r'id="counter-goi-tiep"[^>]*disabled', closed)
    assert not re.search(r'id="counter-goi-tiep"[^>]*disabled', opened)
    assert list(AuditEvent.objects.filter(action__startswith="queue_counter.o").values_list("action")) + list(
        AuditEvent.objects.filter(action="queue_counter.closed").values_list("action")
    ) == [("queue_counter.opened",), ("queue_counter.closed",)]


def test_the_counter_list_shows_the_officers_counters_only(hall, officer, other_officer):
    page = client_for(officer).get("/xep-hang/quay/").content.decode()

    assert re.findall(r'href="/xep-hang/quay/(\d+)/"', page) == [
        str(hall.counter_a.pk),
        str(hall.counter_all.pk),
    ]
