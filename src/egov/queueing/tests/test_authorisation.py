"""Only one-stop officers of the counter's centre use its panel; every refused request changes nothing."""

from __future__ import annotations

import pytest

from egov.core.audit.models import AuditEvent
from egov.queueing.models import Counter, Ticket
from egov.queueing.services import ticket_call_next, ticket_take
from egov.queueing.tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(officer, other_officer, specialist, citizen):
    return {
        "anonymous": None,
        "citizen": citizen,
        "specialist_same_centre": specialist,
        "officer_other_centre": other_officer,
        "officer": officer,
    }


def snapshot() -> tuple:
    return (
        list(Ticket.objects.order_by("pk").values_list("status", "calls", "counter_id")),
        list(Counter.objects.order_by("pk").values_list("is_open", flat=True)),
        AuditEvent.objects.count(),
    )


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("specialist_same_centre", 403),
        ("officer_other_centre", 403),
        ("officer", 200),
    ],
)
@pytest.mark.parametrize("action", ["goi-tiep", "goi-lai", "phuc-vu", "xong", "vang-mat", "dong-quay"])
def test_counter_actions_need_a_one_stop_officer_of_the_centre(who, expected, action, people, hall, officer):
    # given A001 called to counter 3, and A002 waiting for the free counter 1
    for line in (hall.line_a, hall.line_a):
        ticket_take(centre=hall.centre, line=line)
    called = ticket_call_next(actor=officer, counter=hall.counter_all)
    counter = hall.counter_a if action == "goi-tiep" else hall.counter_all
    before = snapshot()

    # when someone presses one of the buttons
    response = client_for(people[who]).post(
        f"/xep-hang/quay/{counter.pk}/{action}/", {"ticket": called.pk}, HTTP_HX_REQUEST="true"
    )

    # then only the officer of the centre gets through; for everyone else nothing changed
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/can-bo/dang-nhap/?next=")
    if who != "officer":
        assert snapshot() == before
    else:
        assert snapshot() != before


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("citizen", 403),
        ("specialist_same_centre", 403),
        ("officer_other_centre", 403),
        ("officer", 200),
    ],
)
@pytest.mark.parametrize("page", ["", "dang-cho/"])
def test_the_counter_panel_needs_a_one_stop_officer_of_the_centre(who, expected, page, people, hall):
    response = client_for(people[who]).get(f"/xep-hang/quay/{hall.counter_a.pk}/{page}")

    assert response.status_code == expected


@pytest.mark.parametrize("path", ["lay-so/", "man-hinh/", "man-hinh/cap-nhat/"])
def test_the_kiosk_and_the_hall_display_are_public(path, hall):
    assert client_for().get(f"/xep-hang/{hall.centre.code}/{path}").status_code == 200


def test_counter_actions_accept_only_post(hall, officer):
    ticket_take(centre=hall.centre, line=hall.line_a)

    response = client_for(officer).get(f"/xep-hang/quay/{hall.counter_a.pk}/goi-tiep/")

    assert response.status_code == 405
    assert Ticket.objects.get().status == "waiting"
