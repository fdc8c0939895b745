"""The leaders' dashboard and the public statistics page in a real browser: at 1366×768 a provincial
leader reads the hand-counted March figures, opens a chart's table view, changes the period without a
page reload (htmx), follows a figure to its dossiers; the public page on a phone shows the figures
without personal data. Screenshots go to test-artifacts/."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from conftest import ARTIFACTS
from egov.dossiers.tests.test_browser_intake import vi
from egov.dossiers.tests.test_statistics import VN
from egov.reports.services import reports_rebuild
from egov.reports.tests.world import APPLICANTS, build

APRIL_10 = datetime(2026, 4, 10, 9, 0, tzinfo=VN)


@pytest.fixture(scope="module")
def browser_context_args(browser_context_args):
    """Leaders' screens: 1366×768, Vietnamese."""
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "vi-VN"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_leader_reads_the_dashboard_and_drills_down(live_server, page, sign_in, province, screenshot):
    with time_machine.travel(APRIL_10, tick=True):
        world = build(province)
        reports_rebuild()
        sign_in(page, world["people"]["leader"])
        page.goto(f"{live_server.url}/bao-cao/?ky=2026-03")
        assert vi("Dashboard: serving citizens and businesses") in page.content()
        assert page.locator("#figure-on-time .value").inner_text() == "50,00%"
        screenshot("reports-dashboard-leader")

        # The table behind the chart of agencies.
        agencies = page.locator("#co-quan")
        agencies.get_by_text(vi("Table view")).click()
        assert agencies.locator("table").is_visible()
        assert "75,00%" in agencies.locator("table").inner_text()
        screenshot("reports-dashboard-table-view")

        # Another period, without reloading the page.
        page.evaluate("window.__kept = true")
        page.get_by_label(vi("Period")).select_option("2026-q1")
        page.wait_for_url("**ky=2026-q1**")
        assert page.evaluate("window.__kept") is True
        assert (
            vi("Quarter %(quarter)s/%(year)s") % {"quarter": "I", "year": 2026}
            in page.locator("#dashboard h2").first.inner_text()
        )

        # From the late figure to the late dossiers.
        with page.expect_navigation():
            page.locator("#figure-resolved a").click()
        rows = page.locator("tbody tr")
        assert rows.count() == 3
        assert world["dossiers"][3].code in page.content()
        screenshot("reports-dossiers-late")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_public_page_on_a_phone(live_server, browser, province):
    with time_machine.travel(APRIL_10, tick=True):
        world = build(province)
        reports_rebuild()
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        page = context.new_page()
        page.goto(f"{live_server.url}/thong-ke/?ky=2026-03")
        text = page.content()
        assert "50,00%" in text
        for name, personal_id, phone in APPLICANTS:
            assert name not in text
            assert personal_id not in text
            assert phone not in text
        assert world["dossiers"][0].code not in text
        # No horizontal scroll on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "reports-public-phone.png"), full_page=True)
        context.close()
