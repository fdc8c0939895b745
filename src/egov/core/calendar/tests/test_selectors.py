"""The province's calendar as the rest of egov-vn reads it: the library's statutory days plus the
administrators' overrides from the database, cached per process."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from types import SimpleNamespace

import holidays
import pytest
from django.conf import settings

from egov.core.calendar import selectors
from egov.core.calendar.engine import SkippedDay
from egov.core.calendar.models import CalendarOverride
from egov.core.calendar.tests.helpers import at

# What holidays==0.109 lists for 2026 (stack.md pitfall 9). A version bump that changes it must fail here
# so that someone compares it with the Prime Minister's announcement and enters overrides where needed.
EXPECTED_2026_DAYS_OFF = [
    (date(2026, 1, 1), "Tết Dương lịch"),
    (date(2026, 2, 16), "Giao thừa Tết Nguyên Đán"),
    (date(2026, 2, 17), "Tết Nguyên Đán"),
    (date(2026, 2, 18), "Mùng hai Tết Nguyên Đán"),
    (date(2026, 2, 19), "Mùng ba Tết Nguyên Đán"),
    (date(2026, 2, 20), "Mùng bốn Tết Nguyên Đán"),
    (date(2026, 4, 26), "Ngày Giỗ Tổ Hùng Vương"),
    (date(2026, 4, 27), "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"),
    (date(2026, 4, 30), "Ngày Chiến thắng"),
    (date(2026, 5, 1), "Ngày Quốc tế Lao động"),
    (date(2026, 8, 31), "Ngày nghỉ (thay cho ngày 22/08/2026)"),
    (date(2026, 9, 1), "Quốc khánh"),
    (date(2026, 9, 2), "Quốc khánh"),
    (date(2026, 11, 24), "Ngày Văn hóa Việt Nam"),
]


def test_the_librarys_2026_days_off_are_the_ones_we_checked():
    """stack.md pitfall 9: ``holidays`` only knows what its maintainers added. Labor Code 2019 Art. 112.1
    gives 11 days; the list below is that, placed by Art. 111.3 and the 2026 announcements, plus
    24/11 (Vietnam Cultural Day). If this fails after upgrading ``holidays``, check the new list against the
    official announcement, update docs/calendar.md and this test, and enter any missing days as overrides."""
    library = holidays.country_holidays("VN", years=2026, language="vi")
    listed = sorted(library.items())
    weekend_workdays_2026 = sorted(day for day in library.weekend_workdays if day.year == 2026)
    print(f"holidays {holidays.__version__}, VN 2026:")
    for day, name in listed:
        print(f"  {day:%a %d/%m/%Y}  {name}")
    print(f"  weekend working days: {[f'{day:%d/%m/%Y}' for day in weekend_workdays_2026]}")

    assert holidays.__version__ == "0.109"
    assert listed == EXPECTED_2026_DAYS_OFF
    assert weekend_workdays_2026 == [date(2026, 8, 22)]


@pytest.mark.django_db
def test_get_calendar_without_overrides_is_the_statutory_calendar():
    calendar = selectors.get_calendar()

    assert (calendar.first_year, calendar.last_year) == (
        settings.CALENDAR_FIRST_YEAR,
        settings.CALENDAR_LAST_YEAR,
    )
    off_2026 = calendar.non_working_days(date(2026, 1, 1), date(2026, 12, 31))
    named = [(day.day, day.reason) for day in off_2026 if day.reason not in {"Thứ Bảy", "Chủ Nhật"}]
    assert named == EXPECTED_2026_DAYS_OFF
    assert calendar.is_working_day(date(2026, 8, 22)) is True


@pytest.mark.django_db
def test_the_selector_functions_read_the_current_calendar():
    received = at(2026, 2, 13, 16, 55)

    assert selectors.is_working_day(date(2026, 2, 16)) is False
    assert selectors.add_working_days(received, 5) == at(2026, 2, 27, 16, 55)
    assert selectors.add_working_hours(received, 8) == at(2026, 2, 23, 16, 55)
    assert selectors.working_hours_between(received, at(2026, 2, 23, 16, 55)) == Fraction(8)
    explanation = selectors.explain_deadline(received, 8)
    assert explanation.deadline == at(2026, 2, 23, 16, 55)
    assert explanation.skipped[2] == SkippedDay(date(2026, 2, 16), "Giao thừa Tết Nguyên Đán")


@pytest.mark.django_db
def test_the_calendar_is_cached_and_rebuilt_after_recheck_seconds_when_overrides_change(monkeypatch):
    """Another worker process changes the overrides: this process sees it within RECHECK_SECONDS."""
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(selectors, "monotonic_time", SimpleNamespace(monotonic=lambda: clock.now))
    first = selectors.get_calendar()
    # written straight to the table, as another process would: no invalidation in this one
    CalendarOverride.objects.create(
        date=date(2026, 1, 2), kind=CalendarOverride.Kind.DAY_OFF, reason="Nghỉ bù Tết Dương lịch"
    )

    clock.now += selectors.RECHECK_SECONDS - 1
    still_cached = selectors.get_calendar()
    clock.now += 1
    rebuilt = selectors.get_calendar()

    assert still_cached is first
    assert still_cached.is_working_day(date(2026, 1, 2)) is True
    assert rebuilt is not first
    assert rebuilt.is_working_day(date(2026, 1, 2)) is False
    assert rebuilt.reason_off(date(2026, 1, 2)) == "Nghỉ bù Tết Dương lịch"


@pytest.mark.django_db
def test_the_calendar_is_not_rebuilt_when_nothing_changed(monkeypatch):
    clock = SimpleNamespace(now=1000.0)
    monkeypatch.setattr(selectors, "monotonic_time", SimpleNamespace(monotonic=lambda: clock.now))
    first = selectors.get_calendar()

    clock.now += 10 * selectors.RECHECK_SECONDS

    assert selectors.get_calendar() is first
