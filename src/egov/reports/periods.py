"""Reporting periods: a month, a quarter, a year or a range of days, written in URLs as ``2026-03``,
``2026-q1``, ``2026`` or ``2026-03-01..2026-03-15``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-[qQ]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, range
    start: date
    end: date  # included

    @property
    def slug(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return f"{self.start.year}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("Month %(month)s") % {"month": f"{self.start:%m/%Y}"}
        if self.kind == "quarter":
            return _("Quarter %(quarter)s/%(year)s") % {
                "quarter": ROMAN[(self.start.month - 1) // 3 + 1],
                "year": self.start.year,
            }
        if self.kind == "year":
            return _("Year %(year)s") % {"year": self.start.year}
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def is_whole_months(self) -> bool:
        return self.start.day == 1 and self.end == month_end(self.end)

    @property
    def months(self) -> list[date]:
        found, month = [], self.start.replace(day=1)
        while month <= self.end:
            found.append(month)
            month = add_months(month, 1)
        return found

    @property
    def last_month(self) -> date:
        return self.end.replace(day=1)

    def previous(self) -> Period:
        if self.kind == "month":
            return month_period(add_months(self.start, -1))
        if self.kind == "quarter":
            start = add_months(self.start, -3)
            return Period("quarter", start, month_end(add_months(start, 2)))
        if self.kind == "year":
            return year_period(self.start.year - 1)
        length = self.end - self.start
        return Period("range", self.start - length - timedelta(days=1), self.start - timedelta(days=1))


def month_period(day: date) -> Period:
    start = day.replace(day=1)
    return Period("month", start, month_end(start))


def year_period(year: int) -> Period:
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def quarter_period(year: int, quarter: int) -> Period:
    start = date(year, 3 * quarter - 2, 1)
    return Period("quarter", start, month_end(add_months(start, 2)))


def parse_period(text: str) -> Period:
    """A period from its slug; ValueError with a Vietnamese message when it is not one."""
    text = (text or "").strip()
    try:
        if match := _MONTH.match(text):
            period = month_period(date(int(match[1]), int(match[2]), 1))
        elif match := _QUARTER.match(text):
            period = quarter_period(int(match[1]), int(match[2]))
        elif match := _YEAR.match(text):
            period = year_period(int(match[1]))
        elif match := _RANGE.match(text):
            period = Period("range", date.fromisoformat(match[1]), date.fromisoformat(match[2]))
        else:
            raise ValueError(text)
    except ValueError as error:
        raise ValueError(
            _("The period must be a month (2026-03), a quarter (2026-q1), a year (2026) or two dates.")
        ) from error
    if period.end < period.start:
        raise ValueError(_("The period ends before it starts."))
    if not FIRST_YEAR <= period.start.year <= period.end.year <= LAST_YEAR:
        raise ValueError(
            _("The period must lie between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if period.kind == "range" and (period.end - period.start).days > 366 * 5:
        raise ValueError(_("A range of days may cover at most five years."))
    return period


def recent_months(end: date, count: int) -> list[Period]:
    """The ``count`` months up to the month of ``end``, oldest first."""
    last = end.replace(day=1)
    return [month_period(add_months(last, offset)) for offset in range(-count + 1, 1)]
