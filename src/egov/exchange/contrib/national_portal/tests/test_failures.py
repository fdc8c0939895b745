"""The simulated portal misbehaving over real HTTP: down for a stretch of updates, answering 500, too slow,
delivering twice or out of order, signing wrongly. Nothing is lost, nothing changes twice, and the
monitoring page shows the outage while it lasts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from egov.dossiers.intake import dossier_receive, dossier_transfer
from egov.dossiers.models import Dossier, Status
from egov.exchange.contrib.national_portal import wire
from egov.exchange.contrib.national_portal.services import parked_release
from egov.exchange.contrib.national_portal.tests.conftest import routed_dossier
from egov.exchange.models import InboxMessage, OutboxMessage, SharingLogEntry
from egov.exchange.services import outbox_deliver

pytestmark = pytest.mark.django_db(transaction=True)
MONITOR = "/lien-thong/giam-sat/"


def deliver_later(minutes: int) -> None:
    """The scheduler's periodic job, ``minutes`` from now (instead of waiting for the retry to be due)."""
    outbox_deliver(peer_code="national_portal", now=timezone.now() + timedelta(minutes=minutes))


def received(simulator, people, national_code: str) -> Dossier:
    response = simulator.push(routed_dossier(MaHoSo=national_code))
    assert response["status"] == 200, response
    return Dossier.objects.get(national_code=national_code)


def test_while_the_portal_is_down_updates_wait_and_arrive_once_in_order_when_it_is_back(
    simulator, people, procedure, client
):
    dossier = received(simulator, people, "G-DOWN-1")
    simulator.stop()

    dossier_receive(actor=people["desk"], dossier=dossier)
    dossier_transfer(actor=people["desk"], dossier=dossier)

    waiting = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).order_by("sequence")
    assert [m.facts["status_code"] for m in waiting] == [2, 4]
    assert waiting[0].attempts == 1
    assert waiting[0].next_attempt_at > timezone.now()
    client.force_login(people["admin"])
    page = client.get(MONITOR).content.decode()
    assert "Mất kết nối: thông điệp đang chờ" in page
    assert '<td class="queue-depth">2</td>' in page

    deliver_later(1)  # still down: another failure, the wait doubles
    first = waiting[0]
    first.refresh_from_db()
    assert first.attempts == 2

    simulator.start()  # back, on the same address, with what it held before
    deliver_later(10)

    held = simulator.state()
    assert held["dossiers"]["G-DOWN-1"]["statuses"] == [1, 2, 4]
    assert (held["duplicates"], held["out_of_order"]) == (0, 0)
    assert not OutboxMessage.objects.exclude(state=OutboxMessage.State.DELIVERED).exists()
    assert "Hoạt động bình thường" in client.get(MONITOR).content.decode()
    outbound = SharingLogEntry.objects.filter(direction="out").order_by("id")
    assert [(row.response_status, row.is_success) for row in outbound] == [
        (200, True),  # 1
        (None, False),  # 2, down
        (None, False),  # 2 again, still down (4 waits behind it and is not tried)
        (200, True),  # 2
        (200, True),  # 4
    ]


def test_a_portal_that_applies_then_fails_gets_the_message_again_and_ignores_it(simulator, people, procedure):
    dossier = received(simulator, people, "G-TWICE-1")
    simulator.faults("accept_then_500", count=1)

    dossier_receive(actor=people["desk"], dossier=dossier)
    message = OutboxMessage.objects.get(facts__status_code=2)
    assert (message.state, message.last_status) == (OutboxMessage.State.PENDING, 500)
    deliver_later(5)

    held = simulator.state()
    assert held["dossiers"]["G-TWICE-1"]["statuses"] == [1, 2]
    assert held["duplicates"] == 1  # the same idempotency key arrived twice; the portal changed nothing
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.DELIVERED


def test_a_portal_too_slow_to_answer_is_tried_again_without_a_second_change(
    simulator, people, procedure, settings
):
    dossier = received(simulator, people, "G-SLOW-1")
    settings.EXCHANGE_PEERS["national_portal"]["timeout"] = 0.5
    simulator.faults("timeout", count=1, delay=1.5)

    dossier_receive(actor=people["desk"], dossier=dossier)
    message = OutboxMessage.objects.get(facts__status_code=2)
    assert message.last_error.startswith("timeout")
    settings.EXCHANGE_PEERS["national_portal"]["timeout"] = 5
    deliver_later(5)

    held = simulator.state()
    assert held["dossiers"]["G-SLOW-1"]["statuses"] == [1, 2]
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.DELIVERED


def test_after_every_retry_a_dead_letter_is_sent_again_from_the_monitoring_page(
    simulator, people, procedure, client, settings
):
    settings.EXCHANGE_MAX_ATTEMPTS = 3
    dossier = received(simulator, people, "G-DEAD-1")
    simulator.faults("error_500")
    dossier_receive(actor=people["desk"], dossier=dossier)
    deliver_later(5)
    deliver_later(60)
    message = OutboxMessage.objects.get(facts__status_code=2)
    assert (message.state, message.attempts) == (OutboxMessage.State.DEAD, 3)
    client.force_login(people["admin"])
    assert dossier.code in client.get(MONITOR).content.decode()

    simulator.faults("none")
    response = client.post(f"{MONITOR}thu-lai/{message.pk}/", follow=True)

    assert "Đã gửi thông điệp thành công." in response.content.decode()
    assert simulator.state()["dossiers"]["G-DEAD-1"]["statuses"] == [1, 2]


def test_a_refusal_by_the_portal_is_a_dead_letter_at_once(simulator, people, procedure):
    dossier = received(simulator, people, "G-422-1")
    simulator.faults("reject_422", count=1)
    dossier_receive(actor=people["desk"], dossier=dossier)
    message = OutboxMessage.objects.get(facts__status_code=2)
    assert (message.state, message.attempts, message.last_status) == (OutboxMessage.State.DEAD, 1, 422)


def test_duplicate_deliveries_from_the_portal_change_nothing_twice(simulator, people, procedure):
    data = routed_dossier(MaHoSo="G-DUP-1")

    responses = simulator.send(wire.SERVICE_DOSSIER, data, repeat=3)

    assert [r["status"] for r in responses] == [200, 200, 200]
    assert [r["body"].get("duplicate", False) for r in responses] == [False, True, True]
    assert Dossier.objects.filter(national_code="G-DUP-1").count() == 1
    assert InboxMessage.objects.get().duplicates == 2
    assert simulator.state()["dossiers"]["G-DUP-1"]["statuses"] == [1]
    # Every call is in the sharing log, the duplicates too.
    assert SharingLogEntry.objects.filter(direction="in").count() == 3


def test_out_of_order_deliveries_from_the_portal_are_applied_in_their_order(simulator, people, procedure):
    data = routed_dossier(MaHoSo="G-ORDER-1")
    withdrawal = {"MaHoSo": "G-ORDER-1", "LyDo": "Nộp nhầm thủ tục", "NgayYeuCau": data["NgayNopHoSo"]}

    responses = simulator.send_many(
        [
            {"service": wire.SERVICE_DOSSIER, "data": data},
            {"service": wire.SERVICE_WITHDRAWAL, "data": withdrawal},
        ],
        reverse=True,
    )

    assert [(r["status"], r["body"]["state"]) for r in responses] == [(202, "deferred"), (200, "applied")]
    dossier = Dossier.objects.get(national_code="G-ORDER-1")
    assert dossier.status == Status.WITHDRAWAL_REQUESTED
    assert simulator.state()["dossiers"]["G-ORDER-1"]["statuses"] == [1, 7]


def test_a_call_with_a_bad_signature_is_refused_with_a_vietnamese_error(simulator, people, procedure):
    (response,) = simulator.send(wire.SERVICE_DOSSIER, routed_dossier(MaHoSo="G-SIG-1"), tamper=True)

    assert response["status"] == 401
    assert response["body"]["code"] == "signature_mismatch"
    assert response["body"]["message"].startswith("Chữ ký của yêu cầu không hợp lệ")
    assert not Dossier.objects.exists()
    assert not InboxMessage.objects.exists()
    row = SharingLogEntry.objects.get()
    assert (row.direction, row.response_status, row.is_success) == ("in", 401, False)


def test_an_unmapped_procedure_is_parked_then_received_after_mapping(simulator, people, procedure):
    response = simulator.push(routed_dossier(MaHoSo="G-MAP-1", MaTTHC="1.004227"))

    assert (response["status"], response["body"]["state"], response["body"]["code"]) == (
        202,
        "parked",
        "unmapped_procedure",
    )
    assert not Dossier.objects.exists()
    assert "G-MAP-1" not in simulator.state()["dossiers"]

    from egov.exchange.contrib.national_portal.services import mappings_ensure

    mappings_ensure(
        actor=people["admin"], procedures={"1.004227": procedure.procedure.national_code}, agencies={}
    )
    assert parked_release(actor=people["admin"]) == 1

    dossier = Dossier.objects.get(national_code="G-MAP-1")
    assert dossier.status == Status.NEW
    assert simulator.state()["dossiers"]["G-MAP-1"]["statuses"] == [1]
