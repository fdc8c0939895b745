"""Citizens and businesses sign up, confirm a one-time code, and the account becomes active."""

import email
import email.policy
import logging
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from egov.accounts.models import User
from egov.core.audit.models import AuditEvent
from egov.identity.models import Identity, OneTimeCode, PendingSignUp
from egov.identity.tests.conftest import last_code
from egov.identity.tests.factories import CitizenFactory

SIGN_UP = "/tai-khoan/dang-ky/"
VERIFY = "/tai-khoan/xac-minh/"
RESEND = "/tai-khoan/xac-minh/gui-lai/"
PASSWORD = "Hoa-sen-no-2026"

CITIZEN = {
    "full_name": "Phạm Thị Hồng",
    "personal_id": "037190004567",
    "phone": "+84 912 000 111",
    "email": "",
    "channel": "sms",
    "password": PASSWORD,
    "password_again": PASSWORD,
}


def _sign_up(client: Client, **changes) -> object:
    return client.post(SIGN_UP, {**CITIZEN, **changes})


@pytest.mark.django_db
def test_sign_up_then_code_by_sms_activates_the_account_and_signs_in(sms_outbox):
    client = Client()

    response = _sign_up(client)

    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert not User.objects.filter(username="037190004567").exists()
    assert [message.recipient for message in sms_outbox] == ["0912000111"]
    page = client.get(VERIFY)
    assert "09******11" in page.content.decode()

    confirmed = client.post(VERIFY, {"code": last_code(sms_outbox[-1].body)})

    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/tai-khoan/"
    user = User.objects.get(username="037190004567")
    assert (user.kind, user.full_name, user.personal_id, user.phone, user.is_active) == (
        User.Kind.CITIZEN,
        "Phạm Thị Hồng",
        "037190004567",
        "0912000111",
        True,
    )
    assert user.check_password(PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)
    assert Identity.objects.get(user=user).phone_verified_at is not None
    assert PendingSignUp.objects.count() == 0
    assert list(AuditEvent.objects.filter(target_id=str(user.pk)).values_list("action", flat=True)) == [
        "identity.signed_up",
        "user.created",
    ]
    assert "Phạm Thị Hồng" in client.get("/tai-khoan/").content.decode()


@pytest.mark.django_db
def test_a_business_signs_up_with_its_tax_code_and_an_email_code():
    client = Client()

    response = client.post(
        "/tai-khoan/dang-ky/doanh-nghiep/",
        {
            "organisation_name": "Công ty TNHH Du lịch Hoa Lư",
            "tax_code": "0100112437",
            "full_name": "Đỗ Minh Khoa",
            "phone": "",
            "email": "Khoa.Do@Example.vn",
            "channel": "email",
            "password": PASSWORD,
            "password_again": PASSWORD,
        },
    )
    client.post(VERIFY, {"code": last_code(mail.outbox[-1].body)})

    assert response.status_code == 302
    assert mail.outbox[-1].to == ["khoa.do@example.vn"]
    user = User.objects.get(username="0100112437")
    assert (user.kind, user.tax_code, user.organisation_name, user.email, user.personal_id) == (
        User.Kind.BUSINESS,
        "0100112437",
        "Công ty TNHH Du lịch Hoa Lư",
        "khoa.do@example.vn",
        None,
    )
    assert Identity.objects.get(user=user).email_verified_at is not None


@pytest.mark.django_db
def test_errors_are_listed_at_the_top_in_vietnamese_and_typed_values_kept_except_passwords():
    response = _sign_up(Client(), personal_id="12345", phone="", email="", password_again="khac")
    html = response.content.decode()

    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert '<a href="#id_personal_id">Số định danh cá nhân phải gồm đúng 12 chữ số.</a>' in html
    assert (
        '<a href="#id_phone">Nhập số điện thoại di động hoặc địa chỉ thư điện tử (ít nhất một).</a>' in html
    )
    assert '<a href="#id_password_again">Hai mật khẩu không giống nhau.</a>' in html
    assert 'value="Phạm Thị Hồng"' in html
    assert 'value="12345"' in html
    assert PASSWORD not in html
    assert PendingSignUp.objects.count() == 0


@pytest.mark.django_db
def test_the_chosen_channel_needs_its_contact():
    response = _sign_up(Client(), channel="email")

    assert (
        '<a href="#id_channel_0">Để nhận mã qua thư điện tử, hãy nhập địa chỉ thư điện tử.</a>'
        in response.content.decode()
    )


@pytest.mark.django_db
def test_a_weak_password_is_refused_by_django_validators():
    response = _sign_up(Client(), password="12345678", password_again="12345678")

    html = response.content.decode()
    assert "Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác." in html
    assert "Mật khẩu không được chỉ gồm chữ số; hãy thêm chữ cái hoặc ký hiệu." in html


@pytest.mark.django_db
def test_a_short_password_is_refused_in_vietnamese():
    response = _sign_up(Client(), password="Ab1-x", password_again="Ab1-x")

    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in response.content.decode()
    assert PendingSignUp.objects.count() == 0


@pytest.mark.django_db
def test_a_personal_id_or_phone_already_registered_is_refused():
    CitizenFactory(personal_id="037190004567", phone="0912000111")

    html = _sign_up(Client()).content.decode()

    assert "Đã có tài khoản với số định danh cá nhân này." in html
    assert "Số điện thoại này đã được dùng cho một tài khoản. Hãy đăng nhập." in html


@pytest.mark.django_db
def test_a_wrong_code_says_how_many_tries_are_left_and_the_fifth_ends_the_code(sms_outbox):
    client = Client()
    _sign_up(client)
    right = last_code(sms_outbox[-1].body)
    wrong = "000000" if right != "000000" else "111111"

    first = client.post(VERIFY, {"code": wrong})
    for _ in range(4):
        last = client.post(VERIFY, {"code": wrong})
    after = client.post(VERIFY, {"code": right})

    assert "Mã xác thực không đúng. Bạn còn 4 lần thử." in first.content.decode()
    assert "Mã xác thực đã bị nhập sai 5 lần và không còn dùng được." in last.content.decode()
    assert "Mã xác thực đã bị nhập sai 5 lần và không còn dùng được." in after.content.decode()
    assert OneTimeCode.objects.get().attempts == 5
    assert not User.objects.filter(username="037190004567").exists()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_code_expires_after_five_minutes(sms_outbox):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _sign_up(client)
        traveller.shift(timedelta(minutes=5, seconds=1))

        response = client.post(VERIFY, {"code": last_code(sms_outbox[-1].body)})

    assert "Mã xác thực đã hết hạn (mã có hiệu lực trong 5 phút)." in response.content.decode()
    assert not User.objects.filter(username="037190004567").exists()


@pytest.mark.django_db
def test_a_new_code_waits_a_minute_and_replaces_the_old_one(sms_outbox):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _sign_up(client)
        first_code = last_code(sms_outbox[-1].body)

        too_soon = client.post(RESEND, follow=True)
        traveller.shift(timedelta(seconds=61))
        again = client.post(RESEND, follow=True)
        second_code = last_code(sms_outbox[-1].body)
        old = client.post(VERIFY, {"code": first_code}) if first_code != second_code else None
        new = client.post(VERIFY, {"code": second_code})

    assert "Bạn có thể yêu cầu mã mới sau 60 giây." in too_soon.content.decode()
    assert len(sms_outbox) == 2
    assert "Đã gửi mã mới tới 09******11." in again.content.decode()
    if old is not None:
        assert "Mã xác thực không đúng." in old.content.decode()
    assert new.status_code == 302
    assert User.objects.filter(username="037190004567", is_active=True).exists()


@pytest.mark.django_db
def test_codes_are_stored_hashed_and_not_logged_outside_the_logging_sms_backend(caplog):
    client = Client()
    caplog.set_level(logging.DEBUG)

    _sign_up(client, email="hong.pham@example.vn", channel="email")
    code = last_code(mail.outbox[-1].body)

    row = OneTimeCode.objects.get()
    assert row.code_hash != code
    assert code not in row.code_hash
    assert all(code not in str(record.msg) and code not in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_the_code_page_without_a_sign_up_sends_back_to_sign_in():
    response = Client().get(VERIFY)

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/dang-nhap/"


@pytest.mark.django_db
def test_a_code_arrives_by_smtp_at_a_local_mail_server(smtp_server):
    client = Client()

    _sign_up(client, phone="", email="hong.pham@example.vn", channel="email")

    assert len(smtp_server.messages) == 1
    envelope = smtp_server.messages[0]
    assert envelope.rcpt_tos == ["hong.pham@example.vn"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    body = message.get_content()
    assert "Mã xác thực của bạn là" in body
    code = last_code(body)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    assert User.objects.filter(username="037190004567", email="hong.pham@example.vn").exists()


@pytest.mark.django_db
def test_when_the_mail_server_is_down_the_person_is_told_and_may_ask_again_at_once(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    client = Client()

    response = _sign_up(client, phone="", email="hong.pham@example.vn", channel="email")
    page = client.get(VERIFY)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    resent = client.post(RESEND, follow=True)

    assert response.status_code == 302
    assert "Hiện chưa gửi được mã xác thực. Vui lòng bấm “Gửi lại mã” sau ít phút." in page.content.decode()
    assert "Đã gửi mã mới tới h***@example.vn." in resent.content.decode()
    assert len(mail.outbox) == 1
