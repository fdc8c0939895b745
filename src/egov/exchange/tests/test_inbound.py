"""Incoming calls at POST /api/v1/lienthong/<peer>/: authenticated, checked, kept once per idempotency key,
applied, logged; every refusal explained in Vietnamese with the right status and nothing changed."""

from __future__ import annotations

import json
import time

import pytest

from egov.core.audit.models import AuditEvent
from egov.exchange.models import InboxMessage, Peer, SharingLogEntry
from egov.exchange.services import inbox_reprocess, peer_suspend
from egov.exchange.signing import signed_headers
from egov.exchange.tests.conftest import INBOUND_KEY_ID, INBOUND_SECRET, EchoConnector

PATH = "/api/v1/lienthong/echo/"


def call(
    client, data, *, key="k-1", secret=INBOUND_SECRET, key_id=INBOUND_KEY_ID, path=PATH, now=None, raw=None
):
    body = raw if raw is not None else json.dumps({"service": "Echo", "data": data}).encode()
    headers = signed_headers(
        key_id=key_id, secret=secret, method="POST", path=path, idempotency_key=key, body=body, now=now
    )
    return client.post(
        path,
        data=body,
        content_type="application/json",
        headers=headers,
    )


def test_a_signed_message_is_applied_once_and_logged(client, echo):
    response = call(client, {"subject": "HS-1"})

    assert response.status_code == 200
    assert response.json() == {
        "error_code": 0,
        "state": "applied",
        "message": "Đã áp dụng",
        "data": {"done": "HS-1"},
    }
    message = InboxMessage.objects.get()
    assert (message.subject, message.state, message.idempotency_key) == ("HS-1", "applied", "k-1")
    row = SharingLogEntry.objects.get()
    assert (row.direction, row.requester, row.service, row.subject, row.response_status, row.data_shared) == (
        "in",
        INBOUND_KEY_ID,
        "Echo",
        "HS-1",
        200,
        ["test data"],
    )


def test_the_same_key_again_is_acknowledged_and_changes_nothing(client, echo):
    call(client, {"subject": "HS-1"})

    again = call(client, {"subject": "HS-1"})

    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert again.json()["data"] == {"done": "HS-1"}
    assert EchoConnector.applied == ["HS-1"]
    message = InboxMessage.objects.get()
    assert message.duplicates == 1
    assert SharingLogEntry.objects.count() == 2
    assert SharingLogEntry.objects.order_by("id").last().data_shared == []


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        (
            {"secret": "not-the-secret"},
            "signature_mismatch",
            "Chữ ký của yêu cầu không hợp lệ: hãy kiểm tra khóa bí mật của tài khoản kết nối và bảo đảm nội "
            "dung được gửi nguyên vẹn.",
        ),
        ({"key_id": "intruder"}, "unknown_key", "Tài khoản kết nối này không được đăng ký tại đây."),
        (
            {"now": time.time() - 3600},
            "timestamp_out_of_window",
            "Thời gian của yêu cầu lệch quá 300 giây so với hệ thống: hãy kiểm tra đồng hồ (NTP) rồi gửi "
            "lại.",
        ),
        (
            {"path": "/api/v1/lienthong/echo/?x=1"},
            "signature_mismatch",
            None,
        ),
    ],
)
def test_an_unauthenticated_call_is_refused_in_vietnamese_and_changes_nothing(
    client, echo, options, code, message
):
    path = options.pop("path", None)
    if path:  # signed for another address than the one called
        body = json.dumps({"service": "Echo", "data": {"subject": "HS-1"}}).encode()
        headers = signed_headers(
            key_id=INBOUND_KEY_ID,
            secret=INBOUND_SECRET,
            method="POST",
            path=path,
            idempotency_key="k",
            body=body,
        )
        response = client.post(PATH, data=body, content_type="application/json", headers=headers)
    else:
        response = call(client, {"subject": "HS-1"}, **options)

    assert response.status_code == 401
    assert response.json()["code"] == code
    if message:
        assert response.json()["message"] == message
    assert not InboxMessage.objects.exists()
    assert EchoConnector.applied == []
    row = SharingLogEntry.objects.get()
    assert (row.response_status, row.is_success, row.error) == (401, False, code)


def test_a_call_without_credentials_is_refused(client, echo):
    response = client.post(PATH, data=b"{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "credentials_missing"


def test_an_unknown_system_is_not_found(client, echo):
    response = call(client, {"subject": "HS-1"}, path="/api/v1/lienthong/nobody/")
    assert response.status_code == 404
    assert response.json()["message"] == "Không có hệ thống kết nối nào tại địa chỉ này."


def test_a_suspended_system_is_refused(client, echo):
    peer_suspend(
        actor=None,
        peer=Peer.objects.get_or_create(code="echo", defaults={"name": "Echo"})[0],
        is_suspended=True,
    )
    response = call(client, {"subject": "HS-1"})
    assert response.status_code == 403
    assert response.json()["message"] == "Kết nối với hệ thống này đang tạm dừng."
    assert not InboxMessage.objects.exists()


@pytest.mark.parametrize(
    ("key", "raw", "status", "code"),
    [
        ("", None, 400, "idempotency_key"),
        ("k" * 129, None, 400, "idempotency_key"),
        ("k-1", b"not json", 400, "not_json"),
        ("k-1", b"[1, 2]", 400, "envelope"),
    ],
)
def test_malformed_calls_are_refused_with_what_to_fix(client, echo, key, raw, status, code):
    response = call(client, {"subject": "HS-1"}, key=key, raw=raw)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert not InboxMessage.objects.exists()


def test_an_invalid_message_is_not_kept_so_it_can_be_corrected_and_sent_again_under_its_key(client, echo):
    refused = call(client, {"subject": ""})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "subject", "message": "required"}]
    assert not InboxMessage.objects.exists()

    corrected = call(client, {"subject": "HS-1"})
    assert corrected.status_code == 200
    assert EchoConnector.applied == ["HS-1"]


def test_a_message_that_fails_is_kept_and_can_be_processed_again(client, echo, admin_user):
    response = call(client, {"subject": "HS-1", "action": "fail"})

    assert response.status_code == 202
    assert response.json()["state"] == "failed"
    assert response.json()["message"] == "Xử lý không thành công: the connector broke"
    message = InboxMessage.objects.get()
    message.payload["data"]["action"] = "apply"  # the cause is fixed (here: by hand)
    message.save()

    processed = inbox_reprocess(actor=admin_user, message=message)

    assert processed.state == InboxMessage.State.APPLIED
    assert processed.attempts == 2
    assert AuditEvent.objects.filter(action="exchange.inbox_reprocessed").count() == 1


def test_parked_and_refused_messages_answer_202_and_409(client, echo):
    parked = call(client, {"subject": "HS-1", "action": "park"}, key="k-1")
    refused = call(client, {"subject": "HS-2", "action": "reject"}, key="k-2")

    assert (parked.status_code, parked.json()["state"], parked.json()["message"]) == (202, "parked", "map it")
    assert (refused.status_code, refused.json()["error_code"], refused.json()["message"]) == (
        409,
        1,
        "refused",
    )


def test_a_message_that_came_before_the_one_it_needs_waits_and_follows_it(client, echo):
    early = call(client, {"subject": "PAY-1", "action": "defer", "after": "HS-1"}, key="k-2")
    assert (early.status_code, early.json()["state"]) == (202, "deferred")

    call(client, {"subject": "HS-1"}, key="k-1")

    assert InboxMessage.objects.get(idempotency_key="k-2").state == InboxMessage.State.APPLIED
    assert EchoConnector.applied == ["HS-1", "PAY-1"]


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, echo, settings):
    settings.EXCHANGE_MAX_BODY_BYTES = 100
    response = call(client, {"subject": "HS-1", "padding": "x" * 200})
    assert response.status_code == 413
    assert not InboxMessage.objects.exists()


def test_the_previous_secret_is_accepted_while_the_secret_is_rotated(client, echo):
    response = call(client, {"subject": "HS-1"}, secret="old-secret-" + "e" * 32)
    assert response.status_code == 200


def test_the_door_is_in_the_openapi_document_with_its_headers(client, db):
    operation = client.get("/api/v1/openapi.json").json()["paths"]["/api/v1/lienthong/{peer}/"]["post"]
    headers = {parameter["name"] for parameter in operation["parameters"] if parameter["in"] == "header"}
    assert headers == {"X-Egov-Key-Id", "X-Egov-Timestamp", "X-Egov-Signature", "Idempotency-Key"}
    assert operation["requestBody"]["content"]["application/json"]["schema"]["required"] == [
        "service",
        "data",
    ]
