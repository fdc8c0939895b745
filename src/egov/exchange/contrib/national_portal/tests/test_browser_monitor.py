"""The IT team's monitoring page in a real browser at 1366×768 while the simulated portal is down, then
its retry button once the portal is back. Screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from egov.dossiers.intake import dossier_receive
from egov.dossiers.models import Dossier
from egov.exchange.contrib.national_portal.tests.conftest import routed_dossier
from egov.exchange.models import OutboxMessage

MONITOR = "/lien-thong/giam-sat/"


@pytest.fixture(scope="module")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1366, "height": 768}, "locale": "vi-VN"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_outage_and_the_retry_button_in_the_browser(
    page, live_server, sign_in, simulator, people, procedure, settings, screenshot
):
    settings.EXCHANGE_MAX_ATTEMPTS = 1  # the first failure makes a dead letter, to show the button
    assert simulator.push(routed_dossier(MaHoSo="G-UI-1"))["status"] == 200
    dossier = Dossier.objects.get(national_code="G-UI-1")
    simulator.stop()
    dossier_receive(actor=people["desk"], dossier=dossier)

    sign_in(page, people["admin"])
    page.goto(f"{live_server.url}{MONITOR}")
    assert "Mất kết nối: thông điệp đang chờ" in page.content()
    screenshot("exchange-monitor-outage")

    simulator.start()
    with page.expect_navigation():
        page.get_by_role("button", name="Gửi lại", exact=True).click()

    assert "Đã gửi thông điệp thành công." in page.content()
    assert "Hoạt động bình thường" in page.content()
    screenshot("exchange-monitor-recovered")
    assert not OutboxMessage.objects.exclude(state=OutboxMessage.State.DELIVERED).exists()
    assert simulator.state()["dossiers"]["G-UI-1"]["statuses"] == [1, 2]
