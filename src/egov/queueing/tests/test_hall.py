from __future__ import annotations

import re

import pytest

from egov.queueing.selectors import hall_board
from egov.queueing.services import ticket_call_next, ticket_finish, ticket_recall, ticket_take
from egov.queueing.tests.conftest import client_for

pytestmark = pytest.mark.django_db
HALL = "/xep-hang/H99.01.01/man-hinh/"
UPDATE = "/xep-hang/H99.01.01/man-hinh/cap-nhat/"


def calls_on(page: str) -> list[str]:
    return re.findall(r'<span class="hall-code">(\w+)</span>', page) + re.findall(
        r'<td class="hall-code">(\w+)</td>', page
    )


@pytest.fixture
def three_calls(hall, officer):
    """A001 to counter 1; B001 then A002 to counter 3. B002 and A003 still wait."""
    for line in (hall.line_a, hall.line_b, hall.line_a, hall.line_b, hall.line_a):
        ticket_take(centre=hall.centre, line=line)
    ticket_call_next(actor=officer, counter=hall.counter_a)
    ticket_finish(actor=officer, ticket=ticket_call_next(actor=officer, counter=hall.counter_all))
    return ticket_call_next(actor=officer, counter=hall.counter_all)


def test_the_display_shows_the_latest_call_large_then_the_earlier_ones(hall, three_calls):
    response = client_for().get(HALL)

    page = response.content.decode()
    assert response.status_code == 200
    assert calls_on(page) == ["A002", "B001", "A001"]
    assert re.search(
        r'<span class="hall-code">A002</span>.*?<span class="hall-counter">([^<]+)</span>', page, re.S
    )
    assert 'aria-live="assertive"' in page
    assert 'hx-trigger="every 3s"' in page
    assert re.findall(r'<span class="hall-waiting">(\d+)', page) == ["1", "1"]


def test_the_update_answers_204_while_nothing_changed(hall, three_calls):
    board = hall_board(centre=hall.centre)

    response = client_for().get(UPDATE, {"v": board.digest, "last": board.last_call_key})

    assert response.status_code == 204
    assert response.content == b""


def test_a_new_call_is_sent_highlighted_and_announced(hall, officer, three_calls):
    before = hall_board(centre=hall.centre)
    ticket_finish(actor=officer, ticket=three_calls)
    ticket_call_next(actor=officer, counter=hall.counter_all)

    response = client_for().get(UPDATE, {"v": before.digest, "last": before.last_call_key})

    page = response.content.decode()
    assert response.status_code == 200
    assert calls_on(page)[0] == "B002"
    assert 'class="hall-now is-new"' in page
    assert re.search(r'hx-swap-oob="innerHTML:#hall-announcement">[^<]*B002[^<]*</div>', page)


def test_a_new_ticket_refreshes_the_counts_without_announcing_again(hall, three_calls):
    before = hall_board(centre=hall.centre)
    ticket_take(centre=hall.centre, line=hall.line_b)

    response = client_for().get(UPDATE, {"v": before.digest, "last": before.last_call_key})

    page = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'<span class="hall-waiting">(\d+)', page) == ["1", "2"]
    assert "is-new" not in page
    assert "hx-swap-oob" not in page


def test_a_recall_is_announced_again(hall, officer, three_calls):
    before = hall_board(centre=hall.centre)
    ticket_recall(actor=officer, ticket=three_calls)

    response = client_for().get(UPDATE, {"v": before.digest, "last": before.last_call_key})

    page = response.content.decode()
    assert calls_on(page)[0] == "A002"
    assert "hx-swap-oob" in page
    assert 'class="hall-now is-new"' in page
