"""Sessions and the signed-in user (egov.accounts.sessions): plain-SQL reads, Django's behaviour."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from egov.accounts.sessions import AccountBackend
from egov.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MINE = "/ca-nhan/ho-so/"


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_signed_in_citizen_reaches_their_page_and_the_user_is_complete() -> None:
    user = UserFactory(citizen=True, full_name="Trần Thị Bình")
    client = _signed_in(user)

    response = client.get(MINE)

    assert response.status_code == 200
    assert "Trần Thị Bình" in response.content.decode()
    loaded = response.wsgi_request.user
    assert loaded.pk == user.pk
    assert loaded.date_joined == user.date_joined  # an aware moment, as the ORM gives it
    assert loaded.personal_id == user.personal_id


def test_an_expired_session_signs_nobody_in() -> None:
    client = _signed_in(UserFactory(citizen=True))
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(MINE)

    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_a_session_ended_elsewhere_signs_nobody_in() -> None:
    client = _signed_in(UserFactory(citizen=True))
    Session.objects.all().delete()  # signed out in another browser, or by the administrator

    assert client.get(MINE).status_code == 302


def test_a_deactivated_account_is_signed_out_at_its_next_request() -> None:
    user = UserFactory(citizen=True)
    client = _signed_in(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    assert client.get(MINE).status_code == 302


def test_a_changed_password_ends_the_other_sessions() -> None:
    user = UserFactory(citizen=True)
    client = _signed_in(user)
    user.set_password("another-Secret-2026")
    user.save()

    assert client.get(MINE).status_code == 302


@pytest.mark.parametrize("given", [None, "", "abc", "999999"])
def test_an_unknown_user_id_gives_nobody(given) -> None:
    assert AccountBackend().get_user(given) is None
