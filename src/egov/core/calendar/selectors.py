"""The province's working calendar: the statutory holidays (Labor Code 2019 Art. 112, with the
weekly-rest-day rule of Art. 111.3, as the ``holidays`` package computes them from the lunar calendar)
plus what administrators enter from the Prime Minister's yearly announcements (spec §9).

Every deadline in egov-vn is computed here and nowhere else.
"""

from __future__ import annotations

import threading
import time as monotonic_time
from datetime import date, datetime
from fractions import Fraction

import holidays
from django.conf import settings
from django.db.models import Count, Max

from egov.core.calendar.engine import Explanation, WorkingCalendar, parse_sessions
from egov.core.calendar.models import CalendarOverride

# A worker process rebuilds its calendar when the overrides changed, checking at most this often.
RECHECK_SECONDS = 30.0

_lock = threading.Lock()
_cached: WorkingCalendar | None = None
_cached_version: tuple[object, ...] | None = None
_checked_at = 0.0


def _overrides_version() -> tuple[object, ...]:
    summary = CalendarOverride.objects.aggregate(count=Count("id"), changed=Max("updated_at"))
    return (summary["count"], summary["changed"])


def build_calendar() -> WorkingCalendar:
    first, last = settings.CALENDAR_FIRST_YEAR, settings.CALENDAR_LAST_YEAR
    statutory = holidays.country_holidays("VN", years=range(first, last + 1), language="vi")
    days_off: dict[date, str] = {}
    working_days: dict[date, str] = {}
    for override in CalendarOverride.objects.all():
        target = days_off if override.kind == CalendarOverride.Kind.DAY_OFF else working_days
        target[override.date] = override.reason
    return WorkingCalendar(
        first_year=first,
        last_year=last,
        holidays=dict(statutory.items()),
        weekend_workdays=statutory.weekend_workdays,
        days_off=days_off,
        working_days=working_days,
        sessions=parse_sessions(settings.WORKING_SESSIONS),
    )


def get_calendar() -> WorkingCalendar:
    """The current calendar, rebuilt when administrators have changed the overrides."""
    global _cached, _cached_version, _checked_at
    now = monotonic_time.monotonic()
    if _cached is not None and now - _checked_at < RECHECK_SECONDS:
        return _cached
    with _lock:
        version = _overrides_version()
        if _cached is None or version != _cached_version:
            _cached, _cached_version = build_calendar(), version
        _checked_at = now
        return _cached


def invalidate_calendar() -> None:
    global _cached, _checked_at
    with _lock:
        _cached, _checked_at = None, 0.0


def is_working_day(day: date) -> bool:
    return get_calendar().is_working_day(day)


def add_working_days(moment: datetime, days: int) -> datetime:
    return get_calendar().add_working_days(moment, days)


def add_working_hours(moment: datetime, hours: Fraction | int | float) -> datetime:
    return get_calendar().add_working_hours(moment, hours)


def working_hours_between(start: datetime, end: datetime) -> Fraction:
    return get_calendar().working_hours_between(start, end)


def explain_deadline(moment: datetime, hours: Fraction | int | float) -> Explanation:
    return get_calendar().explain(moment, hours)
