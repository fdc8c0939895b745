"""Officials sign in on their own page, with a lockout after repeated failures."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from egov.core.audit.models import AuditEvent
from egov.identity.models import OfficialSignInAttempt
from egov.identity.services import official_lockout_clear
from egov.identity.tests.factories import PASSWORD, CitizenFactory, OfficialFactory

OFFICIAL_SIGN_IN = "/can-bo/dang-nhap/"
NOW = timezone.make_aware(timezone.datetime(2026, 3, 2, 9, 0))  # 09:00 in Hà Nội


def _try(client: Client, username: str, password: str):
    return client.post(OFFICIAL_SIGN_IN, {"username": username, "password": password})


@pytest.mark.django_db
def test_an_official_signs_in_with_username_and_password():
    official = OfficialFactory(username="motcua")
    client = Client()

    response = _try(client, "motcua", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session["_auth_user_id"] == str(official.pk)
    assert AuditEvent.objects.get().action == "identity.official_signed_in"


@pytest.mark.django_db
def test_a_citizen_cannot_use_the_officials_sign_in():
    citizen = CitizenFactory()
    client = Client()

    response = _try(client, citizen.username, PASSWORD)

    assert response.status_code == 200
    assert (
        "Tài khoản này không phải tài khoản cán bộ, công chức. Người dân và doanh nghiệp vui lòng đăng nhập "
        "tại trang đăng nhập dành cho người dân." in response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get().action == "identity.official_sign_in_failed"


@pytest.mark.django_db
def test_five_failures_lock_the_username_even_for_the_right_password_and_say_until_when():
    OfficialFactory(username="motcua")
    client = Client()

    with time_machine.travel(NOW, tick=False):
        failures = [_try(client, "motcua", "sai").status_code for _ in range(5)]
        locked = _try(client, "MotCua", PASSWORD)

    assert failures == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert (
        "Tài khoản bị khóa 15 phút do đăng nhập sai 5 lần. Vui lòng thử lại sau 09:15 ngày 02/03/2026 hoặc "
        "đề nghị quản trị hệ thống mở khóa." in locked.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True)) == [
        "identity.official_sign_in_failed",
        "identity.official_sign_in_failed",
        "identity.official_sign_in_failed",
        "identity.official_sign_in_failed",
        "identity.official_sign_in_failed",
        "identity.official_locked",
        "identity.official_sign_in_refused",
    ]
    assert list(OfficialSignInAttempt.objects.order_by("pk").values_list("result", flat=True)) == [
        "bad_credentials"
    ] * 5 + ["locked"]


@pytest.mark.django_db
def test_the_lock_ends_after_fifteen_minutes():
    official = OfficialFactory(username="motcua")
    client = Client()

    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(5):
            _try(client, "motcua", "sai")
        traveller.shift(timedelta(minutes=14, seconds=59))
        still_locked = _try(client, "motcua", PASSWORD)
        traveller.shift(timedelta(seconds=2))
        unlocked = _try(client, "motcua", PASSWORD)
        session_user = client.session["_auth_user_id"]  # read while the session is not yet expired

    assert still_locked.status_code == 429
    assert unlocked.status_code == 302
    assert session_user == str(official.pk)


@pytest.mark.django_db
def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock():
    OfficialFactory(username="motcua")
    client = Client()

    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(4):
            _try(client, "motcua", "sai")
        traveller.shift(timedelta(minutes=16))
        _try(client, "motcua", "sai")
        response = _try(client, "motcua", PASSWORD)

    assert response.status_code == 302


@pytest.mark.django_db
def test_a_success_restarts_the_count():
    OfficialFactory(username="motcua")
    client = Client()

    with time_machine.travel(NOW, tick=False) as traveller:
        for _ in range(4):
            _try(client, "motcua", "sai")
        traveller.shift(timedelta(seconds=1))
        _try(Client(), "motcua", PASSWORD)
        traveller.shift(timedelta(seconds=1))
        for _ in range(4):
            _try(client, "motcua", "sai")
        response = _try(client, "motcua", PASSWORD)

    assert response.status_code == 302


@pytest.mark.django_db
def test_many_failures_from_one_address_refuse_that_address(settings):
    settings.OFFICIAL_SIGN_IN_IP_LIMIT = 3
    OfficialFactory(username="motcua")
    client = Client()

    with time_machine.travel(NOW, tick=False):
        for name in ("a", "b", "c"):
            _try(client, name, "sai")
        refused = _try(client, "motcua", PASSWORD)

    assert refused.status_code == 429
    assert (
        "Có quá nhiều lần đăng nhập không thành công từ mạng này. Vui lòng thử lại sau 09:15 ngày 02/03/2026."
        in (refused.content.decode())
    )
    assert OfficialSignInAttempt.objects.filter(result="address_limited").count() == 1


@pytest.mark.django_db
def test_an_administrator_can_unlock_early_and_it_is_audited():
    admin = OfficialFactory(username="quantri", is_superuser=True)
    OfficialFactory(username="motcua")
    client = Client()
    for _ in range(5):
        _try(client, "motcua", "sai")

    unlocked = official_lockout_clear(actor=admin, username="motcua")
    response = _try(client, "motcua", PASSWORD)

    assert unlocked is True
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="identity.official_unlocked", actor=admin).count() == 1


@pytest.mark.django_db
def test_the_admin_sign_in_page_sends_officials_to_theirs():
    response = Client().get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == "/can-bo/dang-nhap/?next=%2Fadmin%2F"
