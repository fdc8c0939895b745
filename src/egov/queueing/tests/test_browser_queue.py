"""A citizen takes a number at the kiosk, an officer calls it with the keyboard, the hall display shows
and announces it: in a real browser (Debian's chromium), with screenshots for reviewers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from egov.conf.env import BASE_DIR
from egov.queueing.models import Ticket
from egov.queueing.tests.conftest import make_hall
from egov.queueing.tests.factories import OfficerFactory

ARTIFACTS = BASE_DIR / "test-artifacts"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_number_goes_from_the_kiosk_to_the_counter_and_the_hall_display(
    page, browser, live_server, page_for, screenshot
):
    hall = make_hall()
    officer = OfficerFactory(centre=hall.centre)
    centre = f"{live_server.url}/xep-hang/{hall.centre.code}"

    # The citizen touches line A on the kiosk and gets A001, nobody ahead.
    page.set_viewport_size({"width": 1080, "height": 1920})
    page.goto(f"{centre}/lay-so/")
    screenshot("queue-kiosk")
    page.get_by_role("button", name=re.compile("Hộ tịch, chứng thực")).click()
    expect(page.locator(".slip-code")).to_have_text("A001")
    screenshot("queue-ticket")
    page.goto(f"{centre}/lay-so/")
    page.get_by_role("button", name=re.compile("Hộ tịch, chứng thực")).click()
    expect(page.locator(".slip-code")).to_have_text("A002")

    # The hall display waits; the officer calls the next number with the N key.
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{centre}/man-hinh/")
    desk = page_for(officer)
    desk.goto(f"{live_server.url}/xep-hang/quay/{hall.counter_a.pk}/")
    desk.keyboard.press("n")
    expect(desk.locator(".counter-code")).to_have_text("A001")
    desk.screenshot(path=str(ARTIFACTS / "queue-counter-panel.png"), full_page=True)

    # Within a few seconds the display shows it large and announces it in its live region.
    expect(page.locator(".hall-now .hall-code")).to_have_text("A001", timeout=8000)
    expect(page.locator("#hall-announcement")).to_contain_text("A001", timeout=8000)
    expect(page.locator(".hall-now .hall-counter")).to_have_text(hall.counter_a.label)
    screenshot("queue-hall-display")

    # Done (X), then the next (N): A002 replaces it on the display, A001 moves to the earlier calls.
    desk.keyboard.press("x")
    expect(desk.locator(".counter-code")).to_have_count(0)
    desk.keyboard.press("n")
    expect(desk.locator(".counter-code")).to_have_text("A002")
    expect(page.locator(".hall-now .hall-code")).to_have_text("A002", timeout=8000)
    expect(page.locator(".hall-recent .hall-code")).to_have_text(["A001"])
    screenshot("queue-hall-display-next")
    assert list(Ticket.objects.order_by("number").values_list("code", "status")) == [
        ("A001", "done"),
        ("A002", "called"),
    ]
