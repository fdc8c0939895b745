"""Time pressure in words and colour for officers (ui.md): "còn 3 giờ làm việc", "quá hạn 2 ngày"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egov.core.calendar.selectors import get_calendar
from egov.core.context import request_memo

register = template.Library()


def _badge(left: float) -> tuple[str, str, int]:
    """(colour, unit, number) of the badge for ``left`` working hours: late, soon (2 hours or less) or
    ok; whole working days from 8 hours on, else hours (at least 1)."""
    css = "badge late" if left < 0 else "badge soon" if left <= 2 else "badge ok"
    hours = abs(left)
    return (css, "day", round(hours / 8)) if hours >= 8 else (css, "hour", max(1, round(hours)))


def _worded(css: str, unit: str, number: int) -> str:
    if unit == "day":
        amount = ngettext("%(n)s working day", "%(n)s working days", number) % {"n": number}
    else:
        amount = ngettext("%(n)s working hour", "%(n)s working hours", number) % {"n": number}
    text = _("overdue by %(amount)s") if css == "badge late" else _("%(amount)s left")
    return format_html('<span class="{}">{}</span>', css, text % {"amount": amount})


class Clock:
    """The badges of one page, all against the same "now": the calendar and the position of "now" are
    looked up once, and each distinct badge ("còn 3 ngày làm việc") is worded once. The work queue shows
    up to 100 of them a page (templatetags/work.py), the desk up to 30 in each of its lists."""

    def __init__(self, now: datetime | None = None) -> None:
        self._hours = get_calendar().hours_from(now or timezone.now())
        self._worded: dict[tuple[str, str, int], str] = {}

    def badge(self, due: datetime | None) -> str:
        if due is None:
            return ""
        key = _badge(self._hours(due))
        html = self._worded.get(key)
        if html is None:
            html = self._worded[key] = _worded(*key)
        return html


def page_clock(now: datetime) -> Clock:
    """The request's ``Clock`` for ``now``: every badge of a request against the same moment shares one
    (the request memo); outside a request, a new one."""
    memo = request_memo()
    if memo is None:
        return Clock(now)
    page = memo.get(("clock", now))
    if page is None:
        page = memo[("clock", now)] = Clock(now)
    return page


@register.simple_tag
def clock(due: datetime | None, now: Any = None) -> str:
    """A badge saying how much working time is left, or how late it is, in words and colour."""
    return page_clock(now or timezone.now()).badge(due)
