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

register = template.Library()


def _amount(hours: float) -> str:
    if hours >= 8:
        days = round(hours / 8)
        return ngettext("%(n)s working day", "%(n)s working days", days) % {"n": days}
    whole = max(1, round(hours))
    return ngettext("%(n)s working hour", "%(n)s working hours", whole) % {"n": whole}


def _kind(left: float) -> tuple[str, str, int]:
    """(badge colour, unit, number) for ``left`` working hours, as ``_amount`` words them."""
    css = "badge late" if left < 0 else "badge soon" if left <= 2 else "badge ok"
    hours = abs(left)
    return (css, "d", round(hours / 8)) if hours >= 8 else (css, "h", max(1, round(hours)))


class Clock:
    """The badges of one page, all against the same "now": the calendar and the position of "now" are
    looked up once, and each distinct badge ("còn 3 ngày làm việc") is worded once. The work queue shows
    up to 100 of them a page (templatetags/work.py)."""

    def __init__(self, now: datetime | None = None) -> None:
        self._hours = get_calendar().hours_from(now or timezone.now())
        self._worded: dict[tuple[str, str, int], str] = {}

    def badge(self, due: datetime | None) -> str:
        if due is None:
            return ""
        left = self._hours(due)
        key = _kind(left)
        html = self._worded.get(key)
        if html is None:
            amount = _amount(abs(left))
            text = _("overdue by %(amount)s") if left < 0 else _("%(amount)s left")
            html = self._worded[key] = format_html(
                '<span class="{}">{}</span>', key[0], text % {"amount": amount}
            )
        return html


@register.simple_tag
def clock(due: datetime | None, now: Any = None) -> str:
    """A badge saying how much working time is left, or how late it is, in words and colour."""
    return Clock(now).badge(due)
