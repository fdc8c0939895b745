"""Outgoing messages: written with the change, delivered after it, in order per key, signed and carrying
their idempotency key; retried with exponential backoff; dead letters sent again on request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from egov.core.audit.models import AuditEvent
from egov.exchange.models import OutboxMessage, Peer, SharingLogEntry
from egov.exchange.services import (
    backoff_delay,
    outbox_deliver,
    outbox_discard,
    outbox_enqueue,
    outbox_retry,
    peer_suspend,
)


def enqueue(key: str = "dossier:1", **facts) -> OutboxMessage:
    with transaction.atomic():
        message = outbox_enqueue(
            peer_code="echo", message_type="test", ordering_key=key, subject=key, facts=facts or {"n": 1}
        )
    assert message is not None
    return message


def test_nothing_is_queued_for_a_system_that_is_not_configured(settings, db):
    settings.EXCHANGE_PEERS = {"echo": {"connector": "echo", "url": ""}}
    with transaction.atomic():
        queued = outbox_enqueue(peer_code="echo", message_type="t", ordering_key="k", subject="s", facts={})
    assert queued is None
    assert not OutboxMessage.objects.exists()


def test_a_message_must_be_written_inside_the_transaction_of_its_change(transactional_db, echo):
    with pytest.raises(RuntimeError):
        outbox_enqueue(peer_code="echo", message_type="t", ordering_key="k", subject="s", facts={})


def test_the_commit_queues_delivery_and_a_rollback_queues_nothing(echo, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue(n=1)
    assert len(callbacks) == 1
    assert [request["body"]["data"]["n"] for request in echo.requests] == [1]

    def change_that_fails() -> None:
        with transaction.atomic():
            enqueue(n=2)
            raise ZeroDivisionError  # the change fails after the message was written

    with pytest.raises(ZeroDivisionError):
        change_that_fails()
    assert OutboxMessage.objects.count() == 1


def test_messages_are_delivered_in_order_signed_with_their_keys_and_logged(echo):
    first, second = enqueue("dossier:1", n=1), enqueue("dossier:1", n=2)

    report = outbox_deliver(peer_code="echo")

    assert report.delivered == 2
    assert [(r["body"]["data"]["sequence"], r["key"], r["signed"]) for r in echo.requests] == [
        (1, first.idempotency_key, True),
        (2, second.idempotency_key, True),
    ]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {OutboxMessage.State.DELIVERED}
    log = list(SharingLogEntry.objects.order_by("id"))
    assert [(row.direction, row.service, row.response_status, row.is_success) for row in log] == [
        ("out", "Echo", 200, True),
        ("out", "Echo", 200, True),
    ]
    assert (log[0].requester, log[0].idempotency_key, log[0].data_shared) == (
        "egov",
        first.idempotency_key,
        ["facts"],
    )
    assert outbox_deliver(peer_code="echo").delivered == 0  # nothing is sent twice


def test_a_failure_is_retried_after_a_growing_wait_and_never_overtaken_within_its_key(echo):
    echo.responses = [(500, {"message": "down"}), (503, {}), (200, {"ok": False, "message": "busy"})]
    first, second = enqueue("dossier:1", n=1), enqueue("dossier:1", n=2)
    other = enqueue("dossier:2", n=3)
    now = timezone.now()

    outbox_deliver(peer_code="echo", now=now)
    first.refresh_from_db()
    # The first failed: it waits 30 s (plus up to 10 %); the second waits behind it; another key goes on.
    assert first.state == OutboxMessage.State.PENDING
    assert first.last_error == "HTTP 500: down"
    assert now + timedelta(seconds=30) <= first.next_attempt_at <= now + timedelta(seconds=33)
    sent = [request["body"]["data"]["n"] for request in echo.requests]
    assert sent == [1, 3]  # n=3 got the 503 and waits too
    other.refresh_from_db()
    assert other.attempts == 1

    # Not due yet: nothing is sent.
    outbox_deliver(peer_code="echo", now=now + timedelta(seconds=29))
    assert len(echo.requests) == 2

    # The second attempt of the first is refused by the peer's own error code; the wait doubles.
    outbox_deliver(peer_code="echo", now=now + timedelta(seconds=34))
    first.refresh_from_db()
    assert first.attempts == 2
    assert first.last_error == "busy"
    waited = first.next_attempt_at - (now + timedelta(seconds=34))
    assert timedelta(seconds=60) <= waited <= timedelta(seconds=66)

    outbox_deliver(peer_code="echo", now=now + timedelta(minutes=5))
    assert [request["body"]["data"]["n"] for request in echo.requests][-3:] == [3, 1, 2]
    assert not OutboxMessage.objects.exclude(state=OutboxMessage.State.DELIVERED).exists()
    second.refresh_from_db()
    assert second.attempts == 1  # it was never sent before the first got through
    assert SharingLogEntry.objects.filter(is_success=False).count() == 3


def test_backoff_doubles_up_to_the_ceiling(settings):
    settings.EXCHANGE_RETRY_BASE_SECONDS = 30
    settings.EXCHANGE_RETRY_MAX_SECONDS = 3600
    assert [backoff_delay(n, jitter=0).total_seconds() for n in range(1, 10)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]  # fmt: skip
    assert backoff_delay(1, jitter=1).total_seconds() == 33


def test_after_the_last_attempt_a_dead_letter_waits_for_the_retry_button(
    echo, django_capture_on_commit_callbacks
):
    echo.responses = [(500, {})] * 4
    message = enqueue("dossier:1", n=1)
    behind = enqueue("dossier:1", n=2)
    moment = timezone.now()
    for _attempt in range(4):
        outbox_deliver(peer_code="echo", now=moment)
        moment += timedelta(hours=2)
    message.refresh_from_db()
    assert (message.state, message.attempts) == (OutboxMessage.State.DEAD, 4)
    # The later message about the same dossier waits behind the dead letter: nothing out of order.
    outbox_deliver(peer_code="echo", now=moment)
    behind.refresh_from_db()
    assert (behind.state, behind.attempts) == (OutboxMessage.State.PENDING, 0)

    with django_capture_on_commit_callbacks(execute=True):
        outbox_retry(actor=None, message=message)

    message.refresh_from_db()
    behind.refresh_from_db()
    assert (message.state, behind.state) == (OutboxMessage.State.DELIVERED, OutboxMessage.State.DELIVERED)
    keys = [request["key"] for request in echo.requests]
    assert keys == [message.idempotency_key] * 5 + [behind.idempotency_key]  # the same key every time
    assert AuditEvent.objects.filter(action="exchange.message_retried", target_id=str(message.pk)).exists()


def test_a_refusal_that_retrying_cannot_cure_is_a_dead_letter_at_once(echo):
    echo.responses = [(422, {"message": "MaTTHC không hợp lệ"})]
    message = enqueue()

    outbox_deliver(peer_code="echo")

    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_status) == (OutboxMessage.State.DEAD, 1, 422)
    assert message.last_error == "HTTP 422: MaTTHC không hợp lệ"


def test_a_discarded_dead_letter_no_longer_holds_back_its_key(echo):
    echo.responses = [(422, {})]
    dead, behind = enqueue(n=1), enqueue(n=2)
    outbox_deliver(peer_code="echo")

    outbox_discard(actor=None, message=dead, reason="Đã đồng bộ thủ công")
    outbox_deliver(peer_code="echo")

    behind.refresh_from_db()
    assert behind.state == OutboxMessage.State.DELIVERED
    assert OutboxMessage.objects.get(pk=dead.pk).state == OutboxMessage.State.DISCARDED


def test_a_message_being_sent_by_one_worker_is_left_alone_by_another(echo):
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(locked_until=timezone.now() + timedelta(seconds=60))

    assert outbox_deliver(peer_code="echo").delivered == 0
    # A worker that died lets the message go when its lease ends.
    assert outbox_deliver(peer_code="echo", now=timezone.now() + timedelta(seconds=61)).delivered == 1
    assert len(echo.requests) == 1


def test_an_unreachable_peer_stops_the_round_and_everything_waits(echo, settings):
    settings.EXCHANGE_PEERS = {**settings.EXCHANGE_PEERS}
    settings.EXCHANGE_PEERS["echo"] = {**settings.EXCHANGE_PEERS["echo"], "url": "http://127.0.0.1:9/echo/"}
    enqueue("dossier:1"), enqueue("dossier:2")

    report = outbox_deliver(peer_code="echo")

    assert (report.delivered, report.retrying) == (0, 1)
    failed = SharingLogEntry.objects.get()
    assert (failed.response_status, failed.is_success) == (None, False)
    assert failed.error.startswith("connection failed")


def test_nothing_is_sent_to_a_suspended_system(echo):
    enqueue()
    peer_suspend(actor=None, peer=Peer.objects.get(code="echo"), is_suspended=True, reason="Bảo trì")

    assert outbox_deliver(peer_code="echo").skipped == "suspended"
    assert echo.requests == []
