"""Working-day arithmetic on the real 2025–2027 Vietnamese calendar (no database).

Expected values are worked out by hand from the days off the ``holidays`` package lists (see
test_selectors.py for the pinned 2026 list). In 2026 the weekdays off are: Thu 1/1; Mon–Fri 16–20/2 (Tết);
Mon 27/4 (Hùng Kings falls on Sun 26/4); Thu 30/4; Fri 1/5; Mon 31/8 (swapped with the working Saturday
22/8); Tue 1/9 and Wed 2/9; Tue 24/11. Default sessions 07:30–11:30 and 13:30–17:00 make 7.5 clock hours,
which count as 8 working hours, so one working hour is 56 min 15 s of clock time.
"""

from __future__ import annotations

import pickle
import random
from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction

import holidays
import pytest

from egov.core.calendar.engine import (
    CalendarRangeError,
    SkippedDay,
    WorkingCalendar,
    parse_sessions,
)
from egov.core.calendar.tests.helpers import at, statutory_calendar

# -- statutory holidays -------------------------------------------------------------------------------


def test_five_working_days_across_tet_2026_end_after_the_break(calendar):
    """Labor Code 2019 Art. 112.1(b): five days off for Tết; Art. 112.3: the Prime Minister fixes which.
    The 2026 break ran Sat 14/2 – Sun 22/2, i.e. the weekdays 16–20/2 the library lists."""
    received = at(2026, 2, 13, 10, 0)  # Friday before Tết

    deadline = calendar.add_working_days(received, 5)

    # 23, 24, 25, 26, 27 February are working days 1–5
    assert deadline == at(2026, 2, 27, 10, 0)
    assert calendar.nth_working_day_after(date(2026, 2, 13), 5) == date(2026, 2, 27)


def test_explanation_lists_every_skipped_day_with_its_reason(calendar):
    """Labor Code 2019 Art. 112.1(b): the Tết days, named as the library names them, plus the weekends."""
    received = at(2026, 2, 13, 10, 0)

    explanation = calendar.explain(received, 5 * 8)

    assert explanation.start == received
    assert explanation.clock_starts == received
    assert explanation.deadline == at(2026, 2, 27, 10, 0)
    assert explanation.working_hours == 40
    assert explanation.skipped == (
        SkippedDay(date(2026, 2, 14), "Thứ Bảy"),
        SkippedDay(date(2026, 2, 15), "Chủ Nhật"),
        SkippedDay(date(2026, 2, 16), "Giao thừa Tết Nguyên Đán"),
        SkippedDay(date(2026, 2, 17), "Tết Nguyên Đán"),
        SkippedDay(date(2026, 2, 18), "Mùng hai Tết Nguyên Đán"),
        SkippedDay(date(2026, 2, 19), "Mùng ba Tết Nguyên Đán"),
        SkippedDay(date(2026, 2, 20), "Mùng bốn Tết Nguyên Đán"),
        SkippedDay(date(2026, 2, 21), "Thứ Bảy"),
        SkippedDay(date(2026, 2, 22), "Chủ Nhật"),
    )
    assert [day.weekday_name for day in explanation.skipped[:3]] == ["Thứ Bảy", "Chủ Nhật", "Thứ Hai"]


def test_five_working_days_across_30_april_and_1_may_2026(calendar):
    """Labor Code 2019 Art. 112.1(c) and (d): 30/4 (Thursday in 2026) and 1/5 (Friday) are days off."""
    received = at(2026, 4, 29, 9, 0)  # Wednesday

    deadline = calendar.add_working_days(received, 5)

    # Thu 30/4 and Fri 1/5 off, Sat–Sun; then Mon 4/5 … Fri 8/5 are working days 1–5
    assert deadline == at(2026, 5, 8, 9, 0)
    assert [day.day for day in calendar.explain(received, 40).skipped] == [
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 5, 2),
        date(2026, 5, 3),
    ]


def test_hung_kings_day_on_a_sunday_makes_the_monday_a_day_off_2026(calendar):
    """Labor Code 2019 Art. 112.1(e) (10/3 lunar, Sun 26/4/2026) with Art. 111.3: a holiday falling on
    the weekly rest day is taken on the next working day, so Mon 27/4/2026 is off."""
    received = at(2026, 4, 24, 14, 0)  # Friday

    deadline = calendar.add_working_days(received, 5)

    # 25–26 weekend, 27 off, Tue 28 (1), Wed 29 (2), 30/4 and 1/5 off, weekend, Mon 4 (3), Tue 5 (4),
    # Wed 6 (5)
    assert deadline == at(2026, 5, 6, 14, 0)
    assert calendar.is_working_day(date(2026, 4, 27)) is False
    assert calendar.reason_off(date(2026, 4, 27)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"
    assert calendar.reason_off(date(2026, 4, 26)) == "Ngày Giỗ Tổ Hùng Vương"


def test_five_working_days_across_national_day_2026(calendar):
    """Labor Code 2019 Art. 112.1(đ): 2/9 plus the day before or after (1/9/2026); Art. 112.3: the 2026
    schedule also gives Mon 31/8 off in exchange for working Saturday 22/8."""
    received = at(2026, 8, 28, 15, 0)  # Friday

    deadline = calendar.add_working_days(received, 5)

    # 29–30 weekend, Mon 31/8, Tue 1/9, Wed 2/9 off; Thu 3 (1), Fri 4 (2), Mon 7 (3), Tue 8 (4), Wed 9 (5)
    assert deadline == at(2026, 9, 9, 15, 0)
    assert calendar.reason_off(date(2026, 8, 31)) == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    assert calendar.reason_off(date(2026, 9, 2)) == "Quốc khánh"


def test_the_make_up_saturday_22_august_2026_is_a_working_day(calendar):
    """Labor Code 2019 Art. 112.3: the announced swap makes Saturday 22/8/2026 a working day
    (the library's ``weekend_workdays``)."""
    received = at(2026, 8, 21, 10, 0)  # Friday

    next_day = calendar.add_working_days(received, 1)
    five_days = calendar.add_working_days(received, 5)

    assert calendar.is_working_day(date(2026, 8, 22)) is True
    assert calendar.reason_off(date(2026, 8, 22)) == ""
    assert next_day == at(2026, 8, 22, 10, 0)
    # Sat 22 (1), Sun 23 off, Mon 24 (2), Tue 25 (3), Wed 26 (4), Thu 27 (5)
    assert five_days == at(2026, 8, 27, 10, 0)
    assert calendar.is_working_day(date(2026, 8, 29)) is False  # an ordinary Saturday


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # 2025: Sat 26/4 worked in exchange for Fri 2/5 off; 30/4, 1/5 off (Labor Code Art. 112.1(c),(d),
        # Art. 112.3)
        (date(2025, 4, 25), 1, date(2025, 4, 26)),
        (date(2025, 4, 25), 5, date(2025, 5, 6)),
        # 2025 → 2026: New Year's Day, Thu 1/1/2026 (Art. 112.1(a))
        (date(2025, 12, 31), 1, date(2026, 1, 2)),
        # 2026: Vietnam Cultural Day, Tue 24/11, as the library lists it
        (date(2026, 11, 23), 1, date(2026, 11, 25)),
        # 2027: Tết Thu 4/2 – Wed 10/2 (weekend inside the break); Thu 11 (1), Fri 12 (2), Mon 15 … Wed 17 (5)
        (date(2027, 2, 3), 5, date(2027, 2, 17)),
        # 2027: 1/5 on a Saturday → Mon 3/5 off (Art. 111.3); 30/4 is a Friday
        (date(2027, 4, 29), 1, date(2027, 5, 4)),
        # 2027: National Day Thu 2/9 – Fri 3/9
        (date(2027, 9, 1), 1, date(2027, 9, 6)),
        # an ordinary week, and starting from a day off
        (date(2026, 3, 9), 5, date(2026, 3, 16)),
        (date(2026, 3, 8), 5, date(2026, 3, 13)),
    ],
)
def test_nth_working_day_after_on_hand_checked_dates(calendar, start, n, expected):
    assert calendar.nth_working_day_after(start, n) == expected


def test_a_calendar_survives_pickling_with_its_fast_path(calendar):
    """The benchmark generator sends calendars to worker processes."""
    copy = pickle.loads(pickle.dumps(calendar))

    assert copy.nth_working_day_after(date(2026, 2, 13), 5) == date(2026, 2, 27)
    assert copy.add_working_days(at(2026, 2, 13, 9), 5) == calendar.add_working_days(at(2026, 2, 13, 9), 5)


def test_nth_working_day_after_takes_the_date_of_a_datetime(calendar):
    """The fast path looks days up by date; a datetime (a date subclass) takes the checked path."""
    assert calendar.nth_working_day_after(datetime(2026, 2, 13, 16, 55), 5) == date(2026, 2, 27)


# -- moments: the clock inside a day ------------------------------------------------------------------


def test_received_at_16_55_is_due_at_16_55_n_working_days_later(calendar):
    """Adding N working days keeps the clock time; 8 working hours are one working day."""
    received = at(2026, 3, 9, 16, 55)  # Monday, no holiday nearby

    assert calendar.add_working_days(received, 5) == at(2026, 3, 16, 16, 55)
    assert calendar.add_working_hours(received, 8) == at(2026, 3, 10, 16, 55)
    assert calendar.add_working_days(received, 1) == at(2026, 3, 10, 16, 55)
    # one working hour = 56 min 15 s of clock: 5 min on Monday, 51 min 15 s from Tuesday 07:30
    assert calendar.add_working_hours(received, 1) == at(2026, 3, 10, 8, 21, 15)


def test_received_at_16_55_before_tet_is_due_at_16_55_after_it(calendar):
    received = at(2026, 2, 13, 16, 55)

    assert calendar.add_working_hours(received, 8) == at(2026, 2, 23, 16, 55)
    assert calendar.add_working_days(received, 5) == at(2026, 2, 27, 16, 55)


def test_received_on_a_sunday_the_clock_starts_monday_07_30(calendar):
    received = at(2026, 3, 8, 10, 0)  # Sunday

    assert calendar.clock_start(received) == at(2026, 3, 9, 7, 30)
    # five full working days Mon–Fri end on a day boundary, shown as 17:00 of the Friday
    assert calendar.add_working_days(received, 5) == at(2026, 3, 13, 17, 0)
    assert calendar.explain(received, 40).skipped == (SkippedDay(date(2026, 3, 8), "Chủ Nhật"),)


def test_received_at_lunch_the_clock_starts_at_13_30(calendar):
    """A deadline landing on the lunch break is shown at the end of the morning session (11:30), the
    same working moment as 13:30, just as a day boundary is shown as 17:00 of the earlier day."""
    received = at(2026, 3, 9, 12, 0)  # Monday lunch

    assert calendar.clock_start(received) == at(2026, 3, 9, 13, 30)
    assert calendar.add_working_days(received, 5) == at(2026, 3, 16, 11, 30)
    assert calendar.add_working_hours(received, 8) == at(2026, 3, 10, 11, 30)
    assert calendar.add_working_hours(received, 1) == at(2026, 3, 9, 14, 26, 15)
    assert calendar.working_hours_between(received, at(2026, 3, 9, 13, 30)) == 0


def test_a_deadline_on_a_day_boundary_is_shown_as_17_00_of_the_earlier_working_day(calendar):
    assert calendar.add_working_days(at(2026, 3, 9, 7, 30), 1) == at(2026, 3, 9, 17, 0)
    # received before opening on the Friday before Tết: due that Friday at 17:00, not at 07:30 on 23/2
    assert calendar.add_working_days(at(2026, 2, 13, 7, 0), 1) == at(2026, 2, 13, 17, 0)


@pytest.mark.parametrize(
    ("received", "clock_starts"),
    [
        (at(2026, 3, 9, 10, 0), at(2026, 3, 9, 10, 0)),  # inside the morning session
        (at(2026, 3, 9, 7, 0), at(2026, 3, 9, 7, 30)),  # before opening
        (at(2026, 3, 9, 11, 30), at(2026, 3, 9, 13, 30)),  # the morning session has just ended
        (at(2026, 3, 9, 17, 0), at(2026, 3, 10, 7, 30)),  # closing time
        (at(2026, 3, 13, 17, 30), at(2026, 3, 16, 7, 30)),  # Friday evening
        (at(2026, 8, 22, 8, 0), at(2026, 8, 22, 8, 0)),  # the make-up Saturday
        (at(2026, 2, 15, 9, 0), at(2026, 2, 23, 7, 30)),  # during Tết
    ],
)
def test_clock_start_is_the_moment_itself_or_the_next_session_start(calendar, received, clock_starts):
    assert calendar.clock_start(received) == clock_starts


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2026, 3, 9, 10, 0), at(2026, 3, 9, 10, 0)),
        (at(2026, 3, 9, 12, 0), at(2026, 3, 9, 13, 30)),
        (at(2026, 3, 8, 10, 0), at(2026, 3, 9, 7, 30)),
    ],
)
def test_zero_working_days_are_due_when_the_clock_starts_never_before_arrival(calendar, received, due):
    """Regression: zero hours used to fall back to the end of the previous session (Friday 17:00 for a
    Sunday arrival), a deadline earlier than the dossier itself."""
    assert calendar.add_working_days(received, 0) == due
    assert calendar.add_working_hours(received, 0) == due


def test_working_time_is_spread_proportionally_over_the_sessions(calendar):
    """1 working day = 8 h whatever the sessions add up to (7.5 h by default): half a working day from
    opening is 3 h 45 min of clock time."""
    assert calendar.add_working_hours(at(2026, 3, 9, 7, 30), 4) == at(2026, 3, 9, 11, 15)
    assert calendar.add_working_hours(at(2026, 3, 9, 7, 30), Fraction(1, 2)) == at(2026, 3, 9, 7, 58, 8)
    assert calendar.working_hours_between(at(2026, 3, 9, 7, 30), at(2026, 3, 9, 17, 0)) == 8


def test_with_eight_hour_sessions_one_working_hour_is_one_clock_hour():
    custom = WorkingCalendar(
        first_year=2026,
        last_year=2026,
        holidays={},
        sessions=parse_sessions(["08:00-12:00", "13:00-17:00"]),
    )

    assert custom.add_working_hours(at(2026, 3, 9, 11, 0), 2) == at(2026, 3, 9, 14, 0)
    assert custom.clock_start(at(2026, 3, 9, 12, 30)) == at(2026, 3, 9, 13, 0)


@pytest.mark.parametrize(
    "specs",
    [[], ["11:30-07:30"], ["07:30-11:30", "11:00-17:00"], ["13:30-17:00", "07:30-11:30"]],
)
def test_parse_sessions_rejects_empty_reversed_or_overlapping_sessions(specs):
    with pytest.raises(ValueError):
        parse_sessions(specs)


def test_working_hours_between_across_a_weekend_and_a_holiday(calendar):
    """Labor Code 2019 Art. 112.1(c),(d): Thu 30/4 and Fri 1/5/2026 do not count, nor does the weekend."""
    start, end = at(2026, 4, 29, 15, 0), at(2026, 5, 4, 9, 0)

    hours = calendar.working_hours_between(start, end)

    # 2 h of clock on Wednesday + 1.5 h on Monday = 3.5 clock hours = 3.5 × 8 / 7.5 working hours
    assert hours == Fraction(56, 15)
    assert calendar.working_hours_between(end, start) == Fraction(-56, 15)
    # Fri 28/8 → Thu 3/9/2026 skips the weekend, 31/8, 1/9 and 2/9: exactly one working day
    assert calendar.working_hours_between(at(2026, 8, 28, 10, 0), at(2026, 9, 3, 10, 0)) == 8


def test_moments_in_another_time_zone_are_converted_to_vietnam_time(calendar):
    received = datetime(2026, 2, 13, 9, 55, tzinfo=UTC)  # 16:55 in Hà Nội

    deadline = calendar.add_working_days(received, 5)

    assert deadline == at(2026, 2, 27, 16, 55)
    assert deadline.utcoffset() == timedelta(hours=7)


# -- properties over many moments ---------------------------------------------------------------------


def _random_moments(count: int, seed: int) -> list[datetime]:
    """Whole-second moments over 2025 – September 2027, so that +60 working days stays in 2027."""
    rng = random.Random(seed)
    first = at(2025, 1, 1)
    span = int((at(2027, 10, 1) - first).total_seconds())
    return [first + timedelta(seconds=rng.randrange(span)) for _ in range(count)]


def _strictly_inside_a_session(calendar: WorkingCalendar, moment: datetime) -> bool:
    if not calendar.is_working_day(moment.date()):
        return False
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
    return any(s.start_seconds < seconds < s.end_seconds for s in calendar.sessions)


def test_adding_8n_working_hours_is_adding_n_working_days(calendar):
    """For any moment and N: +8·N hours == +N days, exactly N working days of time lie between the
    moment and the result, and inside a session the result keeps the clock time on the N-th working day."""
    rng = random.Random(112)
    inside = 0
    for moment in _random_moments(3000, seed=2019):
        days = rng.randrange(0, 61)

        by_days = calendar.add_working_days(moment, days)

        assert calendar.add_working_hours(moment, 8 * days) == by_days, (moment, days)
        assert calendar.working_hours_between(moment, by_days) == 8 * days, (moment, days)
        assert by_days >= calendar.clock_start(moment), (moment, days)
        if days and _strictly_inside_a_session(calendar, moment):
            inside += 1
            assert by_days.time() == moment.time(), (moment, days)
            assert by_days.date() == calendar.nth_working_day_after(moment.date(), days), (moment, days)
    assert inside > 500  # the sample really exercised moments inside sessions


def test_nth_working_day_after_agrees_with_holidays_get_nth_working_day_on_every_date():
    """Our precomputed table against the library's own day-by-day walk, every day of 2025–2027."""
    ours = statutory_calendar(2025, 2028)
    theirs = holidays.country_holidays("VN", years=range(2025, 2029))
    day, last = date(2025, 1, 1), date(2027, 12, 31)
    checked = 0
    while day <= last:
        for n in (1, 2, 5, 15, 30):
            assert ours.nth_working_day_after(day, n) == theirs.get_nth_working_day(day, n), (day, n)
            checked += 1
        day += timedelta(days=1)
    assert checked == 1095 * 5


# -- refusals -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c: c.is_working_day(date(2024, 12, 31)), id="day-before"),
        pytest.param(lambda c: c.is_working_day(date(2028, 1, 1)), id="day-after"),
        pytest.param(lambda c: c.reason_off(date(2028, 1, 1)), id="reason-after"),
        # regression: a date just before the calendar used to wrap round to the end of 2027
        pytest.param(lambda c: c.nth_working_day_after(date(2024, 12, 30), 1), id="nth-from-before"),
        pytest.param(lambda c: c.nth_working_day_after(date(2027, 12, 31), 1), id="nth-beyond"),
        pytest.param(lambda c: c.nth_working_day_after(date(2030, 1, 1), 1), id="nth-from-after"),
        pytest.param(lambda c: c.add_working_days(at(2027, 12, 30, 10), 5), id="deadline-beyond"),
        pytest.param(lambda c: c.add_working_hours(at(2024, 12, 31, 10), 1), id="moment-before"),
        pytest.param(lambda c: c.non_working_days(date(2024, 12, 1), date(2025, 1, 5)), id="range-before"),
    ],
)
def test_calendar_range_error_outside_the_years(calendar, call):
    with pytest.raises(CalendarRangeError):
        call(calendar)


def test_calendar_range_error_is_a_value_error():
    assert issubclass(CalendarRangeError, ValueError)


@pytest.mark.parametrize(
    "call",
    [
        pytest.param(lambda c, m: c.add_working_days(m, 1), id="add_working_days"),
        pytest.param(lambda c, m: c.add_working_hours(m, 1), id="add_working_hours"),
        pytest.param(lambda c, m: c.add_working_hours(m, 0), id="add_zero_hours"),
        pytest.param(lambda c, m: c.working_hours_between(m, at(2026, 3, 9, 10)), id="between-start"),
        pytest.param(lambda c, m: c.working_hours_between(at(2026, 3, 9, 10), m), id="between-end"),
        pytest.param(lambda c, m: c.clock_start(m), id="clock_start"),
        pytest.param(lambda c, m: c.explain(m, 8), id="explain"),
    ],
)
def test_naive_datetimes_are_rejected(calendar, call):
    naive = datetime(2026, 3, 9, 10, 0)

    with pytest.raises(ValueError, match="time zone"):
        call(calendar, naive)


def test_negative_working_hours_are_rejected(calendar):
    with pytest.raises(ValueError, match="negative"):
        calendar.add_working_hours(at(2026, 3, 9, 10), -1)


@pytest.mark.parametrize("n", [0, -1, -30])
def test_nth_working_day_after_needs_n_of_at_least_one(calendar, n):
    """Regression: n ≤ 0 used to index backwards (and wrap round) instead of refusing."""
    with pytest.raises(ValueError, match="at least 1"):
        calendar.nth_working_day_after(date(2026, 3, 9), n)


def test_session_boundaries_are_whole_times(calendar):
    assert [(s.start, s.end) for s in calendar.sessions] == [
        (time(7, 30), time(11, 30)),
        (time(13, 30), time(17)),
    ]
    assert calendar.day_clock_seconds == 27000
