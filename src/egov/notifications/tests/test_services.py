"""Sending by channel: e-mail through Django's mail API, text messages through the configured backend."""

import logging

import pytest
from django.core import mail
from django.core.checks import run_checks

from egov.notifications.channels import Channel
from egov.notifications.services import DeliveryError, notify
from egov.notifications.sms import (
    LoggingSmsBackend,
    SmsBackend,
    SmsMessage,
    get_sms_backend,
    register_sms_backend,
    unregister_sms_backend,
)


class RecordingBackend(SmsBackend):
    """A provider stand-in that does not log bodies."""

    sent: list = []

    def send(self, *, recipient: str, body: str) -> None:
        self.sent.append((recipient, body))


class BrokenBackend(SmsBackend):
    def send(self, *, recipient: str, body: str) -> None:
        raise ConnectionError("provider down")


@pytest.fixture(autouse=True)
def _clean_backends():
    LoggingSmsBackend.clear()
    RecordingBackend.sent = []
    yield
    LoggingSmsBackend.clear()
    unregister_sms_backend("recording")


def test_the_logging_backend_keeps_the_message_and_logs_it(caplog):
    caplog.set_level(logging.INFO)

    notify(Channel.SMS, "0912345678", "ignored for SMS", "Mã xác thực của bạn là 123456.")

    assert LoggingSmsBackend.outbox == [
        SmsMessage(recipient="0912345678", body="Mã xác thực của bạn là 123456.")
    ]
    assert any(
        "123456" in str(record.msg) for record in caplog.records if record.name == "egov.notifications.sms"
    )


def test_a_registered_backend_is_chosen_by_the_setting_and_nothing_is_logged(settings, caplog):
    caplog.set_level(logging.DEBUG)
    register_sms_backend("recording", RecordingBackend)
    settings.SMS_BACKEND = "recording"

    notify(Channel.SMS, "0912345678", "", "Mã 654321")

    assert RecordingBackend.sent == [("0912345678", "Mã 654321")]
    assert LoggingSmsBackend.outbox == []
    assert all("654321" not in str(record.msg) for record in caplog.records)


def test_a_backend_can_be_named_by_its_dotted_path(settings):
    settings.SMS_BACKEND = "egov.notifications.tests.test_services.RecordingBackend"

    assert isinstance(get_sms_backend(), RecordingBackend)


def test_a_provider_failure_is_a_delivery_error(settings):
    register_sms_backend("recording", BrokenBackend)
    settings.SMS_BACKEND = "recording"

    with pytest.raises(DeliveryError, match="provider down"):
        notify(Channel.SMS, "0912345678", "", "x")


def test_email_goes_through_django_mail_with_the_configured_sender(settings):
    settings.DEFAULT_FROM_EMAIL = "Cổng dịch vụ công <no-reply@dichvucong.example.gov.vn>"

    notify(Channel.EMAIL, "an.nguyen@example.vn", "Mã xác thực", "Mã của bạn là 123456.")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject, message.body, message.from_email) == (
        ["an.nguyen@example.vn"],
        "Mã xác thực",
        "Mã của bạn là 123456.",
        "Cổng dịch vụ công <no-reply@dichvucong.example.gov.vn>",
    )


def test_an_unknown_channel_is_refused():
    with pytest.raises(ValueError, match="zalo"):
        notify("zalo", "0912345678", "", "x")


def test_the_deploy_check_warns_about_the_logging_backend_without_debug(settings):
    settings.DEBUG = False
    settings.SMS_BACKEND = "logging"

    warned = [message.id for message in run_checks(include_deployment_checks=True)]

    assert "notifications.W001" in warned


def test_the_deploy_check_is_quiet_with_a_real_backend(settings):
    register_sms_backend("recording", RecordingBackend)
    settings.DEBUG = False
    settings.SMS_BACKEND = "recording"

    warned = [message.id for message in run_checks(include_deployment_checks=True)]

    assert "notifications.W001" not in warned
