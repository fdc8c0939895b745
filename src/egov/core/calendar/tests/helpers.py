"""Shared by the calendar tests: Vietnam-time moments and a calendar built without the database."""

from __future__ import annotations

from datetime import datetime

import holidays

from egov.core.calendar.engine import VIETNAM, WorkingCalendar


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A moment in Vietnam time (UTC+7, no daylight saving)."""
    return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM)


def statutory_calendar(first_year: int, last_year: int) -> WorkingCalendar:
    """What ``selectors.build_calendar`` builds when administrators have entered no overrides."""
    statutory = holidays.country_holidays("VN", years=range(first_year, last_year + 1), language="vi")
    return WorkingCalendar(
        first_year=first_year,
        last_year=last_year,
        holidays=dict(statutory.items()),
        weekend_workdays=statutory.weekend_workdays,
    )
