"""Time pressure in words and colour for officers (ui.md): "còn 3 giờ làm việc", "quá hạn 2 ngày"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egov.core.calendar.selectors import working_hours_between

register = template.Library()


def _amount(hours: float) -> str:
    if hours >= 8:
        days = round(hours / 8)
        return ngettext("%(n)s working day", "%(n)s working days", days) % {"n": days}
    whole = max(1, round(hours))
    return ngettext("%(n)s working hour", "%(n)s working hours", whole) % {"n": whole}


@register.simple_tag
def clock(due: datetime | None, now: Any = None) -> str:
    """A badge saying how much working time is left, or how late it is, in words and colour."""
    if due is None:
        return ""
    moment = now or timezone.now()
    left = float(working_hours_between(moment, due))
    if left < 0:
        text, css = _("overdue by %(amount)s") % {"amount": _amount(-left)}, "badge late"
    elif left <= 2:
        text, css = _("%(amount)s left") % {"amount": _amount(left)}, "badge soon"
    else:
        text, css = _("%(amount)s left") % {"amount": _amount(left)}, "badge ok"
    return format_html('<span class="{}">{}</span>', css, text)
