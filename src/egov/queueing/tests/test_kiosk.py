from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from egov.accounts.tests.factories import AgencyFactory
from egov.queueing import views
from egov.queueing.models import Ticket
from egov.queueing.services import ticket_take
from egov.queueing.tests.conftest import client_for

pytestmark = pytest.mark.django_db
KIOSK = "/xep-hang/H99.01.01/lay-so/"


def vi(text: str) -> str:
    with translation.override("vi"):
        return gettext(text)


def test_the_kiosk_works_without_sign_in_and_shows_a_button_per_line(hall):
    ticket_take(centre=hall.centre, line=hall.line_b)

    response = client_for().get(KIOSK)

    page = response.content.decode()
    assert response.status_code == 200
    assert re.findall(r'name="line" value="(\d+)"', page) == [str(hall.line_a.pk), str(hall.line_b.pk)]
    assert "Trung tâm Phục vụ hành chính công xã Thử" in page
    assert "Hộ tịch, chứng thực" in page
    assert "Đất đai" in page


def test_pressing_a_line_takes_a_ticket_and_shows_it_with_the_people_ahead(hall):
    ticket_take(centre=hall.centre, line=hall.line_a)
    ticket_take(centre=hall.centre, line=hall.line_b)
    client = client_for()

    response = client.post(KIOSK, {"line": hall.line_a.pk})

    ticket = Ticket.objects.get(code="A002")
    assert response.status_code == 302
    assert response["Location"].startswith("/xep-hang/H99.01.01/so/")
    slip = client.get(response["Location"])
    text = re.sub(r"\s+", " ", slip.content.decode())
    assert slip.status_code == 200
    assert '<p class="slip-code">A002</p>' in text
    assert f'<p class="slip-line">{hall.line_a}</p>' in text
    assert re.findall(r'<p class="slip-ahead">\D*(\d+)\D*</p>', text) == ["1"]
    assert f"{timezone.localtime(ticket.taken_at):%H:%M}" in text
    assert f"{timezone.localtime(ticket.taken_at):%d/%m/%Y}" in text
    assert "data-autoprint" not in text
    assert 'http-equiv="refresh"' not in text


def test_on_the_kiosk_machine_the_ticket_prints_itself_and_returns_to_the_lines(hall):
    client = client_for()

    response = client.post(KIOSK, {"line": hall.line_b.pk, "kiosk": "1"})
    slip = client.get(response["Location"]).content.decode()

    assert response["Location"].endswith("?kiosk=1")
    assert re.findall(r'<p class="slip-ahead">([^<]*)</p>', slip) == [vi("Nobody is waiting before you.")]
    assert 'data-autoprint="1"' in slip
    assert f'content="12;url={KIOSK}?kiosk=1"' in slip


def test_a_forged_or_foreign_ticket_link_is_not_found(hall):
    ticket_take(centre=hall.centre, line=hall.line_a)
    client = client_for()
    location = client.post(KIOSK, {"line": hall.line_a.pk})["Location"]
    token = location.rstrip("/").rsplit("/", 1)[1]

    assert client.get("/xep-hang/H99.01.01/so/1/").status_code == 404
    assert client.get(f"/xep-hang/H99.01.01/so/{token}x/").status_code == 404
    other = AgencyFactory(code="H99.02.01", level="one_stop_centre")
    assert client.get(f"/xep-hang/{other.code}/so/{token}/").status_code == 404


def test_an_unknown_line_or_an_agency_that_is_not_a_centre_gives_no_ticket(hall):
    client = client_for()
    department = AgencyFactory(code="H99.05", level="department")

    unknown = client.post(KIOSK, {"line": "999999"})
    not_centre = client.get(f"/xep-hang/{department.code}/lay-so/")

    assert (unknown.status_code, not_centre.status_code) == (400, 404)
    assert Ticket.objects.count() == 0


def test_one_address_taking_too_many_tickets_is_refused(hall, monkeypatch):
    monkeypatch.setattr(views, "KIOSK_TICKETS_PER_ADDRESS", 2)
    client = client_for()

    statuses = [client.post(KIOSK, {"line": hall.line_a.pk}).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]
    assert Ticket.objects.count() == 2
