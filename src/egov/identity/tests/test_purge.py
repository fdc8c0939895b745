"""Housekeeping deletes what the sign-in rules no longer need."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from egov.identity.models import OfficialLockout, OfficialSignInAttempt, OneTimeCode, PendingSignUp
from egov.identity.services import identity_records_purge
from egov.identity.tests.factories import OfficialFactory

PASSWORD = "Hoa-sen-no-2026"


@pytest.mark.django_db
def test_purge_removes_old_sign_ups_codes_and_attempts_but_keeps_current_ones():
    OfficialFactory(username="motcua")
    started = timezone.now() - timedelta(days=100)
    with time_machine.travel(started, tick=False):
        Client().post(
            "/tai-khoan/dang-ky/",
            {
                "full_name": "Phạm Thị Hồng",
                "personal_id": "037190004567",
                "phone": "0912000111",
                "channel": "sms",
                "password": PASSWORD,
                "password_again": PASSWORD,
            },
        )
        Client().post("/can-bo/dang-nhap/", {"username": "motcua", "password": "sai"})
    Client().post("/can-bo/dang-nhap/", {"username": "motcua", "password": "sai"})

    counts = identity_records_purge()

    assert counts["sign_ups"] == 1
    assert counts["attempts"] == 1
    assert PendingSignUp.objects.count() == 0
    assert OneTimeCode.objects.count() == 0
    assert OfficialSignInAttempt.objects.count() == 1
    assert OfficialLockout.objects.filter(username="motcua").exists()
