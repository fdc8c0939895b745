"""Messages to the applicant at receipt, supplement request, refusal and stop (Decree 118/2025 Art. 17.2):
queued after the commit, sent once, retried on failure, texts editable in the admin."""

from __future__ import annotations

import importlib
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core import mail
from django.db import transaction
from django.test import override_settings
from django.utils import translation
from django_tasks import task_backends

from egov.accounts.models import Agency, Membership, User
from egov.catalog.services import procedure_version_write
from egov.core.permissions import Role
from egov.dossiers import notify
from egov.dossiers.admin_notifications import NotificationTemplateForm
from egov.dossiers.intake import (
    dossier_receive,
    dossier_refuse,
    dossier_request_supplement,
    dossier_stop,
    dossier_supplement,
)
from egov.dossiers.models import Dossier, Notification, NotificationTemplate, Status
from egov.dossiers.services import dossier_create
from egov.dossiers.tasks import send_dossier_notification
from egov.notifications.sms import LoggingSmsBackend, SmsBackend, register_sms_backend, unregister_sms_backend

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MORNING = datetime(2026, 11, 26, 8, 30, tzinfo=VIETNAM)  # Thursday, a working day
PHONE = "0912345678"
EMAIL = "ngoc.tran@example.vn"
DEFERRING_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.dummy.DummyBackend",
        "QUEUES": ["default", "notifications", "exchange"],
    }
}


class FailingSmsBackend(SmsBackend):
    def send(self, *, recipient: str, body: str) -> None:
        raise ConnectionError("provider unreachable")


@pytest.fixture(autouse=True)
def outboxes():
    LoggingSmsBackend.clear()
    register_sms_backend("failing", FailingSmsBackend)
    yield
    LoggingSmsBackend.clear()
    unregister_sms_backend("failing")


@pytest.fixture
def frozen():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


@pytest.fixture
def desk(db, frozen):
    root = Agency.objects.create(code="H99", name="Ủy ban nhân dân tỉnh Thử", level=Agency.Level.PROVINCE)
    centre = Agency.objects.create(
        code="H99.01", name="Trung tâm Phục vụ hành chính công tỉnh", level="one_stop_centre", parent=root
    )
    justice = Agency.objects.create(code="H99.03", name="Sở Tư pháp", level="department", parent=root)
    officer = User.objects.create_user("motcua", password="x", kind=User.Kind.OFFICIAL, full_name="Cán bộ")
    Membership.objects.create(user=officer, agency=centre, role=Role.ONE_STOP_OFFICER)
    version = procedure_version_write(
        actor=None,
        national_code="3.000333",
        field_name="Lý lịch tư pháp",
        data={
            "name": "Cấp Phiếu lý lịch tư pháp",
            "level": "province",
            "processing_days": 5,
            "result_type": "Phiếu lý lịch tư pháp",
        },
        papers=[{"order": 1, "name": "Tờ khai"}],
        steps=[
            {
                "order": 1,
                "name": "Thẩm định",
                "agency_id": justice.pk,
                "role": "specialist",
                "quota_hours": Decimal(40),
            },
        ],
        agency_ids=[justice.pk],
        publish=True,
    )
    return {"centre": centre, "officer": officer, "version": version}


def _dossier(desk, *, phone: str = PHONE, email: str = EMAIL) -> Dossier:
    return dossier_create(
        actor=None,
        version=desk["version"],
        receiving_agency=desk["centre"],
        channel=Dossier.Channel.DIRECT,
        applicant=None,
        applicant_name="Trần Thị Bích Ngọc",
        applicant_personal_id="037190004321",
        applicant_phone=phone,
        applicant_email=email,
    )


def _receive(desk, dossier: Dossier) -> Dossier:
    return dossier_receive(
        actor=desk["officer"], dossier=dossier, at=datetime(2026, 11, 26, 9, 0, tzinfo=VIETNAM)
    )


def test_receipt_is_told_once_by_sms_and_email_after_the_commit(desk, django_capture_on_commit_callbacks):
    # Given a dossier waiting at the desk
    dossier = _dossier(desk)
    # When the officer receives it
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _receive(desk, dossier)
    # Then nothing is sent before the commit
    assert (len(mail.outbox), len(LoggingSmsBackend.outbox)) == (0, 0)
    # and after it, one text message and one e-mail with the code and the appointment
    for callback in callbacks:
        callback()
    assert [message.recipient for message in LoggingSmsBackend.outbox] == [PHONE]
    assert LoggingSmsBackend.outbox[0].body == (
        f"Hồ sơ {dossier.code} đã được tiếp nhận. Hẹn trả kết quả: 09:00 03/12/2026. "
        f"Tra cứu: http://127.0.0.1:8000/tra-cuu/?ma={dossier.code}"
    )
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    assert mail.outbox[0].subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert "Thủ tục: Cấp Phiếu lý lịch tư pháp" in mail.outbox[0].body
    assert "Hẹn trả kết quả: 09:00 03/12/2026" in mail.outbox[0].body
    rows = Notification.objects.filter(dossier=dossier).order_by("channel")
    assert [(row.channel, row.status, row.attempts, row.sent_at) for row in rows] == [
        ("email", "sent", 1, MORNING),
        ("sms", "sent", 1, MORNING),
    ]


def _receive_then_fail(desk, dossier: Dossier) -> None:
    with transaction.atomic():
        _receive(desk, dossier)
        raise RuntimeError("the officer's request failed after the receipt")


def test_nothing_is_queued_when_the_transaction_rolls_back(desk, django_capture_on_commit_callbacks):
    dossier = _dossier(desk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        _receive_then_fail(desk, dossier)
    assert callbacks == []
    assert (len(mail.outbox), len(LoggingSmsBackend.outbox)) == (0, 0)
    assert not Notification.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.NEW


def test_a_second_enqueue_of_the_same_event_sends_nothing_more(desk, django_capture_on_commit_callbacks):
    dossier = _dossier(desk)
    with django_capture_on_commit_callbacks(execute=True):
        _receive(desk, dossier)
    key = Notification.objects.filter(dossier=dossier).values_list("dedupe_key", flat=True).first()
    # When the same occurrence is queued again (a worker retried the task, or a service ran twice)
    result = send_dossier_notification.enqueue(dossier.pk, "received", key)
    # Then nothing more goes out
    assert result.return_value == []
    assert (len(mail.outbox), len(LoggingSmsBackend.outbox)) == (1, 1)
    assert Notification.objects.filter(dossier=dossier).count() == 2


def test_each_request_to_supplement_is_its_own_occurrence(desk, django_capture_on_commit_callbacks):
    dossier = _dossier(desk, email="")
    with django_capture_on_commit_callbacks(execute=True):
        dossier_request_supplement(
            actor=desk["officer"], dossier=dossier, items=["Tờ khai có chữ ký", "Bản sao giấy khai sinh"]
        )
    assert LoggingSmsBackend.outbox[0].body == (
        f"Hồ sơ {dossier.code} cần bổ sung: Tờ khai có chữ ký; Bản sao giấy khai sinh. "
        f"Hạn bổ sung: 11/12/2026. Chi tiết: http://127.0.0.1:8000/tra-cuu/?ma={dossier.code}"
    )
    # A later request (after the first was met) is told too; the first is not told again
    with django_capture_on_commit_callbacks(execute=True):
        dossier_supplement(actor=desk["officer"], dossier=dossier)
        dossier_request_supplement(actor=desk["officer"], dossier=dossier, items=["Ảnh 4x6"])
    assert len(LoggingSmsBackend.outbox) == 2
    assert LoggingSmsBackend.outbox[1].body.startswith(f"Hồ sơ {dossier.code} cần bổ sung: Ảnh 4x6. ")
    assert len(mail.outbox) == 0  # no e-mail address, no e-mail


def test_a_refusal_is_told_with_its_reasons(desk, django_capture_on_commit_callbacks):
    dossier = _dossier(desk)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_refuse(
            actor=desk["officer"], dossier=dossier, reasons=["Không thuộc thẩm quyền", "Hồ sơ giả mạo"]
        )
    assert [message.body for message in LoggingSmsBackend.outbox] == [
        f"Hồ sơ {dossier.code} không đủ điều kiện giải quyết. Lý do: Không thuộc thẩm quyền; Hồ sơ giả mạo. "
        "Liên hệ Trung tâm Phục vụ hành chính công tỉnh để được hướng dẫn."
    ]
    assert mail.outbox[0].subject == f"Hồ sơ {dossier.code} không đủ điều kiện giải quyết"
    assert "- Không thuộc thẩm quyền\n- Hồ sơ giả mạo\n" in mail.outbox[0].body


def test_a_stop_is_told_with_its_reason(desk, django_capture_on_commit_callbacks):
    dossier = _dossier(desk)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_stop(actor=desk["officer"], dossier=dossier, reason="Người nộp xin rút hồ sơ")
    assert len(LoggingSmsBackend.outbox) == 1
    assert "Lý do: Người nộp xin rút hồ sơ." in LoggingSmsBackend.outbox[0].body
    assert mail.outbox[0].subject == f"Thông báo dừng giải quyết hồ sơ {dossier.code}"
    assert "Lý do: Người nộp xin rút hồ sơ\n" in mail.outbox[0].body


def test_an_edited_template_changes_the_text(desk, django_capture_on_commit_callbacks):
    NotificationTemplate.objects.filter(event="received", channel="sms").update(
        body="UBND tỉnh Thử: hồ sơ {{ code }} hẹn trả {{ due_at }}."
    )
    NotificationTemplate.objects.filter(event="received", channel="email").update(is_active=False)
    dossier = _dossier(desk)
    with django_capture_on_commit_callbacks(execute=True):
        _receive(desk, dossier)
    assert [message.body for message in LoggingSmsBackend.outbox] == [
        f"UBND tỉnh Thử: hồ sơ {dossier.code} hẹn trả 09:00 03/12/2026."
    ]
    assert mail.outbox == []  # the e-mail was switched off


def test_a_failing_provider_is_recorded_and_retried_later(desk, frozen, django_capture_on_commit_callbacks):
    dossier = _dossier(desk, email="")
    # Given a provider that is down and a queue that runs tasks later (as the database queue does)
    with override_settings(SMS_BACKEND="failing", TASKS=DEFERRING_TASKS):
        queue = task_backends["default"]
        with django_capture_on_commit_callbacks(execute=True):
            _receive(desk, dossier)
        [queued] = queue.results
        queue.clear()
        # When the worker runs the queued task
        outcomes = queued.task.call(*queued.args, **queued.kwargs)
        # Then the failure is recorded and a retry is queued for a minute later
        notification = Notification.objects.get(dossier=dossier)
        assert outcomes == ["retry_scheduled"]
        assert (notification.status, notification.attempts) == ("pending", 1)
        assert notification.last_error == "provider unreachable"
        assert notification.next_attempt_at == MORNING + timedelta(minutes=1)
        assert [(r.task.name, tuple(r.args), r.task.run_after) for r in queue.results] == [
            ("deliver_notification", (notification.pk,), MORNING + timedelta(minutes=1))
        ]
        # and a duplicate run before then does not jump the queue
        assert notify.notification_deliver(notification_id=notification.pk) == notify.DeliveryOutcome.NOT_DUE
        # and the retries come after 5 and 30 minutes, then it is given up
        runs = []
        for _ in range(3):
            frozen.move_to(notification.next_attempt_at)
            runs.append(notify.notification_deliver(notification_id=notification.pk))
            notification.refresh_from_db()
        assert runs == ["retry_scheduled", "retry_scheduled", "failed"]
        assert [r.task.run_after - r.enqueued_at for r in queue.results] == [
            timedelta(minutes=1),
            timedelta(minutes=5),
            timedelta(minutes=30),
        ]
        assert (notification.status, notification.attempts, notification.next_attempt_at) == (
            "failed",
            4,
            None,
        )
    assert LoggingSmsBackend.outbox == []


def test_a_retry_that_succeeds_sends_the_frozen_text_once(desk, frozen, django_capture_on_commit_callbacks):
    dossier = _dossier(desk, email="")
    with override_settings(SMS_BACKEND="failing"), django_capture_on_commit_callbacks(execute=True):
        _receive(desk, dossier)
    notification = Notification.objects.get(dossier=dossier)
    assert (notification.status, notification.attempts) == ("pending", 1)
    NotificationTemplate.objects.filter(event="received", channel="sms").update(body="changed {{ code }}")
    frozen.move_to(notification.next_attempt_at)
    assert notify.notifications_retry_due() == [notification.pk]
    assert [message.body for message in LoggingSmsBackend.outbox] == [notification.body]
    assert notify.notifications_retry_due() == []
    assert len(LoggingSmsBackend.outbox) == 1


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, None), (1, timedelta(minutes=1)), (2, timedelta(minutes=5)), (3, timedelta(minutes=30)), (4, None)],
)
def test_the_retry_delays(failures, delay):
    assert notify.retry_delay(failures) == delay


def test_the_seeding_migration_writes_every_text_and_keeps_edited_ones(db):
    migration = importlib.import_module("egov.dossiers.migrations.0005_seed_notification_templates")
    NotificationTemplate.objects.all().delete()
    migration.seed_notification_templates(django_apps, None)
    assert sorted(NotificationTemplate.objects.values_list("event", "channel")) == sorted(
        (event, channel)
        for event in ("received", "supplement_requested", "refused", "result_ready", "stopped")
        for channel in ("email", "sms")
    )
    for template in NotificationTemplate.objects.all():
        assert notify.notification_template_check(template.body) is None
        assert notify.notification_template_check(template.subject) is None
        assert "{{ code }}" in template.body
    NotificationTemplate.objects.filter(event="received", channel="sms").update(body="edited")
    migration.seed_notification_templates(django_apps, None)
    assert NotificationTemplate.objects.get(event="received", channel="sms").body == "edited"
    assert NotificationTemplate.objects.count() == 10


def test_the_admin_refuses_a_template_that_cannot_be_rendered(db):
    template = NotificationTemplate.objects.get(event="received", channel="sms")
    form = NotificationTemplateForm(
        data={
            "event": "received",
            "channel": "sms",
            "subject": "",
            "body": "{% if code %}no end",
            "is_active": True,
        },
        instance=template,
    )
    with translation.override("vi"):
        assert not form.is_valid()
    assert list(form.errors) == ["body"]
    assert form.errors["body"][0].startswith("Không dùng được nội dung này:")


def test_a_template_cannot_load_tag_libraries(db):
    assert notify.notification_template_check("{% load static %}{% static 'x' %}") is not None
