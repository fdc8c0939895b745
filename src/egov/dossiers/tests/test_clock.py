"""The officers' time badges (ui.md: time pressure in words and colour), counted in working time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from egov.dossiers.templatetags.desk import Clock, clock

VN = ZoneInfo("Asia/Ho_Chi_Minh")
# Monday 9 March 2026, 10:00: an ordinary working week (sessions 07:30–11:30, 13:30–17:00).
NOW = datetime(2026, 3, 9, 10, 0, tzinfo=VN)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        # 10:00 → 11:30 is 1.5 clock hours of a 7.5-hour day: 1.6 working hours, shown as 2, "soon".
        (datetime(2026, 3, 9, 13, 0, tzinfo=VN), '<span class="badge soon">còn 2 giờ làm việc</span>'),
        # the same point two working days on: 16 working hours.
        (datetime(2026, 3, 11, 10, 0, tzinfo=VN), '<span class="badge ok">còn 2 ngày làm việc</span>'),
        # the weekend does not count: Friday 10:00 was one working day ago.
        (datetime(2026, 3, 6, 10, 0, tzinfo=VN), '<span class="badge late">quá hạn 1 ngày làm việc</span>'),
        # an hour before the lunch break, at 10:00 it is still to come: 1 working hour and a bit.
        (datetime(2026, 3, 9, 11, 0, tzinfo=VN), '<span class="badge soon">còn 1 giờ làm việc</span>'),
        (None, ""),
    ],
)
def test_the_badge_says_the_working_time_left_or_how_late(due, expected):
    with translation.override("vi"):
        assert Clock(NOW).badge(due) == expected
        assert clock(due, NOW) == expected  # the template tag says the same


def test_one_clock_serves_a_page_of_badges_against_the_same_now():
    dues = [datetime(2026, 3, day, 10, 0, tzinfo=VN) for day in (10, 10, 11, 12, 5)]
    with translation.override("vi"):
        page = Clock(NOW)
        badges = [page.badge(due) for due in dues]

    assert badges == [
        '<span class="badge ok">còn 1 ngày làm việc</span>',
        '<span class="badge ok">còn 1 ngày làm việc</span>',
        '<span class="badge ok">còn 2 ngày làm việc</span>',
        '<span class="badge ok">còn 3 ngày làm việc</span>',
        '<span class="badge late">quá hạn 2 ngày làm việc</span>',
    ]


def test_a_day_and_a_half_is_worded_as_the_exact_figure_would_be():
    """1.5 working days: the float must be exactly 12 hours, as the Fraction was (round(1.5) == 2)."""
    due = datetime(2026, 3, 10, 15, 45, tzinfo=VN)  # a day, then 10:00 → 15:45 (3.75 clock hours): half
    with translation.override("vi"):
        assert Clock(NOW).badge(due) == '<span class="badge ok">còn 2 ngày làm việc</span>'
