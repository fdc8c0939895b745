"""Administrators enter the Prime Minister's yearly announcements (Labor Code 2019 Art. 112.3): extra days
off and make-up working days. Each change is audited and the calendar changes as soon as it commits.

The dates below are an illustrative swap (Fri 2/1/2026 off, Sat 10/1/2026 worked), not the real 2026
schedule. ``django_capture_on_commit_callbacks(execute=True)`` plays the commit that the ``db`` fixture's
enclosing transaction otherwise holds back.
"""

from __future__ import annotations

from datetime import date

import pytest

from egov.accounts.tests.factories import UserFactory
from egov.core.audit.models import AuditEvent
from egov.core.calendar.models import CalendarOverride
from egov.core.calendar.selectors import add_working_days, explain_deadline, get_calendar, is_working_day
from egov.core.calendar.services import calendar_override_remove, calendar_override_set
from egov.core.calendar.tests.helpers import at

pytestmark = pytest.mark.django_db


def test_an_admin_entered_make_up_saturday_counts_at_once(django_capture_on_commit_callbacks):
    """Labor Code 2019 Art. 112.3: a Saturday announced as a working day in exchange for a day off."""
    admin = UserFactory(official=True)
    received = at(2026, 1, 9, 10, 0)  # Friday
    assert is_working_day(date(2026, 1, 10)) is False
    assert add_working_days(received, 1) == at(2026, 1, 12, 10, 0)

    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_set(
            actor=admin,
            day=date(2026, 1, 10),
            kind=CalendarOverride.Kind.WORKING_DAY,
            reason="Làm bù cho ngày 02/01/2026",
            legal_basis="Thông báo nghỉ Tết Dương lịch 2026 (ví dụ)",
        )

    assert is_working_day(date(2026, 1, 10)) is True
    assert add_working_days(received, 1) == at(2026, 1, 10, 10, 0)
    # Sat 10 (1), Mon 12 (2), Tue 13 (3)
    assert add_working_days(received, 3) == at(2026, 1, 13, 10, 0)


def test_an_admin_entered_day_off_is_skipped_at_once_with_its_reason(django_capture_on_commit_callbacks):
    """Labor Code 2019 Art. 112.3: an extra day off announced for the year."""
    admin = UserFactory(official=True)
    received = at(2025, 12, 31, 10, 0)  # Wednesday; Thu 1/1/2026 is New Year's Day (Art. 112.1(a))
    assert add_working_days(received, 1) == at(2026, 1, 2, 10, 0)

    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_set(
            actor=admin,
            day=date(2026, 1, 2),
            kind=CalendarOverride.Kind.DAY_OFF,
            reason="Nghỉ bù Tết Dương lịch",
        )

    assert is_working_day(date(2026, 1, 2)) is False
    assert add_working_days(received, 1) == at(2026, 1, 5, 10, 0)
    assert [(day.day, day.reason) for day in explain_deadline(received, 8).skipped] == [
        (date(2026, 1, 1), "Tết Dương lịch"),
        (date(2026, 1, 2), "Nghỉ bù Tết Dương lịch"),
        (date(2026, 1, 3), "Thứ Bảy"),
        (date(2026, 1, 4), "Chủ Nhật"),
    ]


def test_an_override_can_cancel_the_librarys_make_up_saturday(django_capture_on_commit_callbacks):
    """If the announcement differs from the library (stack.md pitfall 9), an override wins."""
    admin = UserFactory(official=True)
    assert is_working_day(date(2026, 8, 22)) is True

    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_set(
            actor=admin, day=date(2026, 8, 22), kind=CalendarOverride.Kind.DAY_OFF, reason="Không làm bù"
        )
        calendar_override_set(
            actor=admin,
            day=date(2026, 8, 31),
            kind=CalendarOverride.Kind.WORKING_DAY,
            reason="Không nghỉ thay",
        )

    assert is_working_day(date(2026, 8, 22)) is False
    assert get_calendar().reason_off(date(2026, 8, 22)) == "Không làm bù"
    assert is_working_day(date(2026, 8, 31)) is True


def test_removing_an_override_restores_the_statutory_day_at_once(django_capture_on_commit_callbacks):
    admin = UserFactory(official=True)
    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_set(
            actor=admin,
            day=date(2026, 1, 2),
            kind=CalendarOverride.Kind.DAY_OFF,
            reason="Nghỉ bù Tết Dương lịch",
        )
    assert is_working_day(date(2026, 1, 2)) is False

    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_remove(actor=admin, day=date(2026, 1, 2))

    assert is_working_day(date(2026, 1, 2)) is True
    assert CalendarOverride.objects.count() == 0


def test_setting_the_same_day_again_updates_it_and_audits_old_and_new(django_capture_on_commit_callbacks):
    admin = UserFactory(official=True)

    with django_capture_on_commit_callbacks(execute=True):
        calendar_override_set(
            actor=admin, day=date(2026, 1, 10), kind=CalendarOverride.Kind.DAY_OFF, reason="Nhập nhầm"
        )
        calendar_override_set(
            actor=admin, day=date(2026, 1, 10), kind=CalendarOverride.Kind.WORKING_DAY, reason="Làm bù"
        )
        calendar_override_remove(actor=admin, day=date(2026, 1, 10))

    events = list(AuditEvent.objects.order_by("sequence").values_list("action", "actor_id", "changes"))
    assert events == [
        ("calendar.override_set", admin.pk, {"kind": [None, "day_off"], "reason": [None, "Nhập nhầm"]}),
        (
            "calendar.override_set",
            admin.pk,
            {"kind": ["day_off", "working_day"], "reason": ["Nhập nhầm", "Làm bù"]},
        ),
        ("calendar.override_removed", admin.pk, {"kind": ["working_day", None], "reason": ["Làm bù", None]}),
    ]
    assert is_working_day(date(2026, 1, 10)) is False


def test_removing_a_day_without_an_override_changes_and_audits_nothing():
    calendar_override_remove(actor=None, day=date(2026, 1, 2))

    assert AuditEvent.objects.count() == 0
