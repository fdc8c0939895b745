"""Citizens sign in with phone or e-mail and password, then a one-time code; and sign out."""

import pytest
from django.core import mail
from django.test import Client

from egov.identity.tests.conftest import last_code
from egov.identity.tests.factories import PASSWORD, CitizenFactory, OfficialFactory

SIGN_IN = "/tai-khoan/dang-nhap/"
VERIFY = "/tai-khoan/xac-minh/"


@pytest.mark.django_db
def test_phone_and_password_then_the_sms_code_establish_the_session(sms_outbox):
    citizen = CitizenFactory(phone="0912345678")
    client = Client()

    first = client.post(SIGN_IN, {"identifier": "+84 912 345 678", "password": PASSWORD})

    assert first.status_code == 302
    assert first["Location"] == VERIFY
    assert "_auth_user_id" not in client.session
    assert client.get("/tai-khoan/").status_code == 302
    assert [message.recipient for message in sms_outbox] == ["0912345678"]

    second = client.post(VERIFY, {"code": last_code(sms_outbox[-1].body)})

    assert second.status_code == 302
    assert second["Location"] == "/tai-khoan/"
    assert client.session["_auth_user_id"] == str(citizen.pk)
    assert client.session["identity_method"] == "password_code"


@pytest.mark.django_db
def test_email_is_matched_without_regard_to_case_and_the_code_goes_by_email(sms_outbox):
    citizen = CitizenFactory(email="an.nguyen@example.vn")
    client = Client()

    client.post(SIGN_IN, {"identifier": "An.Nguyen@EXAMPLE.vn", "password": PASSWORD})
    client.post(VERIFY, {"code": last_code(mail.outbox[-1].body)})

    assert mail.outbox[-1].to == ["an.nguyen@example.vn"]
    assert sms_outbox == []
    assert client.session["_auth_user_id"] == str(citizen.pk)


@pytest.mark.django_db
def test_the_next_page_is_kept_through_both_steps(sms_outbox):
    CitizenFactory(phone="0912345678")
    client = Client()

    client.post(SIGN_IN + "?next=/ca-nhan/ho-so/", {"identifier": "0912345678", "password": PASSWORD})
    response = client.post(VERIFY, {"code": last_code(sms_outbox[-1].body)})

    assert response["Location"] == "/ca-nhan/ho-so/"


@pytest.mark.django_db
def test_a_foreign_next_page_is_ignored(sms_outbox):
    CitizenFactory(phone="0912345678")
    client = Client()

    client.post(SIGN_IN, {"identifier": "0912345678", "password": PASSWORD, "next": "https://evil.example/"})
    response = client.post(VERIFY, {"code": last_code(sms_outbox[-1].body)})

    assert response["Location"] == "/tai-khoan/"


@pytest.mark.django_db
@pytest.mark.parametrize("identifier", ["0912345678", "khong.co@example.vn"])
def test_a_wrong_password_or_unknown_account_gets_one_message_and_no_code(identifier, sms_outbox):
    CitizenFactory(phone="0912345678")
    client = Client()

    response = client.post(SIGN_IN, {"identifier": identifier, "password": "sai-mat-khau"})
    html = response.content.decode()

    assert response.status_code == 200
    assert "Số điện thoại, thư điện tử hoặc mật khẩu không đúng; vui lòng kiểm tra và nhập lại." in html
    assert f'value="{identifier}"' in html
    assert "sai-mat-khau" not in html
    assert sms_outbox == []
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_official_cannot_use_the_citizen_sign_in(sms_outbox):
    OfficialFactory(username="motcua", email="motcua@example.gov.vn")
    client = Client()

    response = client.post(SIGN_IN, {"identifier": "motcua@example.gov.vn", "password": PASSWORD})

    assert "Đây là tài khoản cán bộ, công chức. Vui lòng đăng nhập tại trang đăng nhập dành cho cán bộ." in (
        response.content.decode()
    )
    assert mail.outbox == []
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_second_step_code_must_be_right(sms_outbox):
    CitizenFactory(phone="0912345678")
    client = Client()
    client.post(SIGN_IN, {"identifier": "0912345678", "password": PASSWORD})
    wrong = "000000" if last_code(sms_outbox[-1].body) != "000000" else "111111"

    response = client.post(VERIFY, {"code": wrong})

    assert "Mã xác thực không đúng. Bạn còn 4 lần thử." in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_sign_out_ends_the_session():
    citizen = CitizenFactory()
    client = Client()
    client.force_login(citizen)

    response = client.post("/tai-khoan/dang-xuat/", follow=True)

    assert "_auth_user_id" not in client.session
    assert "Bạn đã đăng xuất." in response.content.decode()


@pytest.mark.django_db
def test_the_sign_in_page_is_rate_limited_per_address(settings):
    settings.SIGN_IN_RATE_LIMIT_PER_IP = 2
    CitizenFactory(phone="0912345678")
    client = Client()

    statuses = [
        client.post(SIGN_IN, {"identifier": f"09120000{n:02d}", "password": "x"}).status_code
        for n in range(3)
    ]
    refused = client.post(SIGN_IN, {"identifier": "0912345678", "password": PASSWORD})

    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert "Bạn đã thử quá nhiều lần." in refused.content.decode()
    assert 'value="0912345678"' in refused.content.decode()


@pytest.mark.django_db
def test_the_code_page_is_rate_limited_per_address(settings, sms_outbox):
    settings.SIGN_IN_RATE_LIMIT_PER_IP = 3
    CitizenFactory(phone="0912345678")
    client = Client()
    client.post(SIGN_IN, {"identifier": "0912345678", "password": PASSWORD})

    statuses = [client.post(VERIFY, {"code": "000000"}).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "expected_status"),
    [("anonymous", 302), ("citizen", 200), ("business", 200), ("official", 200)],
)
def test_the_account_page_needs_a_signed_in_user(who, expected_status):
    client = Client()
    users = {
        "citizen": lambda: CitizenFactory(),
        "business": lambda: CitizenFactory(business=True),
        "official": lambda: OfficialFactory(),
    }
    if who in users:
        client.force_login(users[who]())

    response = client.get("/tai-khoan/")

    assert response.status_code == expected_status
    if who == "anonymous":
        assert response["Location"] == "/tai-khoan/dang-nhap/?next=/tai-khoan/"


@pytest.mark.django_db
def test_an_empty_submission_lists_every_missing_field():
    response = Client().post(SIGN_IN, {})
    html = response.content.decode()

    assert '<a href="#id_identifier">Nhập số điện thoại, thư điện tử hoặc số định danh cá nhân.</a>' in html
    assert '<a href="#id_password">Nhập mật khẩu.</a>' in html
