"""Working-day arithmetic, precomputed once per calendar (docs/calendar.md).

The calendar is a table of every day from ``first_year`` to ``last_year``: whether it is a working day,
why not, and how many working days come before it. Adding working days is then two list look-ups,
whatever the distance, instead of a day-by-day walk.

Working time inside a day runs over the configured sessions (default 07:30–11:30 and 13:30–17:00).
By the convention the one-stop rules use (spec §1: "1 day = 8 h, 30 days = 240 h") a whole working day
counts as 8 working hours, whatever the sessions add up to; inside a day, working time is spread evenly
over the sessions. So adding 8·N hours always lands where adding N days does.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from fractions import Fraction
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
HOURS_PER_WORKING_DAY = 8
WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


class CalendarRangeError(ValueError):
    """A date outside the years the calendar was built for."""


@dataclass(frozen=True)
class Session:
    start: time
    end: time

    @property
    def start_seconds(self) -> int:
        return self.start.hour * 3600 + self.start.minute * 60

    @property
    def end_seconds(self) -> int:
        return self.end.hour * 3600 + self.end.minute * 60


def parse_sessions(specs: Iterable[str]) -> tuple[Session, ...]:
    """``["07:30-11:30", "13:30-17:00"]`` → sessions; they must be ordered and not overlap."""
    sessions: list[Session] = []
    for spec in specs:
        start_text, _, end_text = spec.partition("-")
        session = Session(time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip()))
        if session.end_seconds <= session.start_seconds:
            raise ValueError(f"working session {spec!r} ends before it starts")
        if sessions and session.start_seconds < sessions[-1].end_seconds:
            raise ValueError(f"working session {spec!r} overlaps or precedes the one before")
        sessions.append(session)
    if not sessions:
        raise ValueError("at least one working session is needed")
    return tuple(sessions)


DEFAULT_SESSIONS = parse_sessions(["07:30-11:30", "13:30-17:00"])


@dataclass(frozen=True)
class SkippedDay:
    day: date
    reason: str

    @property
    def weekday_name(self) -> str:
        return WEEKDAY_NAMES[self.day.weekday()]


@dataclass(frozen=True)
class Explanation:
    """Why a deadline falls where it does: when the clock started, and every day it did not run."""

    start: datetime
    clock_starts: datetime
    deadline: datetime
    working_hours: Fraction
    skipped: tuple[SkippedDay, ...] = field(default_factory=tuple)


class WorkingCalendar:
    """Immutable; build a new one when the overrides change (``egov.core.calendar.selectors``)."""

    #: The n-th working day strictly after a day (n ≥ 1), as ``holidays``' ``get_nth_working_day``:
    #: the day-level fast path, a function made by ``_day_level_path``.
    nth_working_day_after: Callable[[date, int], date]

    def __init__(
        self,
        *,
        first_year: int,
        last_year: int,
        holidays: Mapping[date, str],
        weekend_workdays: Iterable[date] = (),
        days_off: Mapping[date, str] | None = None,
        working_days: Mapping[date, str] | None = None,
        sessions: Sequence[Session] = DEFAULT_SESSIONS,
        tz: tzinfo = VIETNAM,
    ) -> None:
        self.first_year, self.last_year, self.tz = first_year, last_year, tz
        self.sessions = tuple(sessions)
        self.day_clock_seconds = sum(s.end_seconds - s.start_seconds for s in self.sessions)
        self._base = date(first_year, 1, 1).toordinal()
        self._end = date(last_year, 12, 31).toordinal()
        days_off = dict(days_off or {})
        working_days = dict(working_days or {})
        weekend_workdays = set(weekend_workdays)

        size = self._end - self._base + 1
        self._is_working = bytearray(size)
        self._reasons: dict[int, str] = {}
        # _before[i]: working days strictly before day i; _working[k]: ordinal of the k-th working day.
        self._before = array("l", bytes(8 * size))
        self._working = array("l")
        for offset in range(size):
            ordinal = self._base + offset
            day = date.fromordinal(ordinal)
            working, reason = self._classify(day, holidays, weekend_workdays, days_off, working_days)
            self._before[offset] = len(self._working)
            if working:
                self._is_working[offset] = 1
                self._working.append(ordinal)
            else:
                self._reasons[ordinal] = reason
        # _after[i] + n indexes the n-th working day strictly after day i (holidays' get_nth_working_day).
        self._after = array("l", (self._before[i] + self._is_working[i] - 1 for i in range(size)))
        # The working days as date objects too, and each calendar day's _after index by the date itself:
        # the day-level fast path is then one dict and one list look-up, allocating nothing.
        self._working_dates = [date.fromordinal(ordinal) for ordinal in self._working]
        self._after_by_day = {date.fromordinal(self._base + i): after for i, after in enumerate(self._after)}
        self.nth_working_day_after = self._day_level_path()

    def __getstate__(self) -> dict[str, object]:
        # The fast path is a function made in __init__: pickled without it (the benchmark generator
        # sends calendars to its worker processes), made again on arrival.
        state = self.__dict__.copy()
        del state["nth_working_day_after"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.nth_working_day_after = self._day_level_path()

    @staticmethod
    def _classify(
        day: date,
        holidays: Mapping[date, str],
        weekend_workdays: set[date],
        days_off: Mapping[date, str],
        working_days: Mapping[date, str],
    ) -> tuple[bool, str]:
        if day in working_days:
            return True, ""
        if day in days_off:
            return False, days_off[day]
        if day in holidays:
            return False, holidays[day]
        if day.weekday() >= 5 and day not in weekend_workdays:
            return False, WEEKDAY_NAMES[day.weekday()]
        return True, ""

    # -- days ---------------------------------------------------------------------------------------

    def _offset(self, day: date) -> int:
        ordinal = day.toordinal()
        if not self._base <= ordinal <= self._end:
            raise CalendarRangeError(
                f"{day:%d/%m/%Y} is outside the calendar ({self.first_year}–{self.last_year})"
            )
        return ordinal - self._base

    def is_working_day(self, day: date) -> bool:
        return bool(self._is_working[self._offset(day)])

    def reason_off(self, day: date) -> str:
        """Why ``day`` is not a working day ('' when it is one)."""
        return self._reasons.get(day.toordinal(), "") if not self.is_working_day(day) else ""

    def _day_level_path(self) -> Callable[[date, int], date]:
        """``nth_working_day_after``, built once per calendar as a plain function over its tables: a
        bound method and attribute look-ups cost a third of this path (bench/results/calendar.txt)."""

        # The tables travel as default arguments, read as fast as local variables (closure cells and
        # attributes are slower); the annotation on the class shows callers only (day, n).
        def nth_working_day_after(
            day: date,
            n: int,
            _after: dict[date, int] = self._after_by_day,
            _dates: list[date] = self._working_dates,
            _checked: Callable[[date, int], date] = self._nth_working_day_after_checked,
        ) -> date:
            """The n-th working day strictly after ``day`` (n ≥ 1)."""
            if n < 1:
                raise ValueError("n must be at least 1")
            try:
                return _dates[_after[day] + n]
            except (KeyError, IndexError):  # a day outside the calendar, a datetime, or beyond the end
                return _checked(day, n)

        return nth_working_day_after

    def _nth_working_day_after_checked(self, day: date, n: int) -> date:
        # _offset checks the range: a negative index would silently wrap to the calendar's last year.
        offset = self._offset(day)
        try:
            return self._working_dates[self._after[offset] + n]
        except IndexError:
            raise CalendarRangeError(
                f"{n} working days after {day:%d/%m/%Y} is beyond the calendar"
            ) from None

    def non_working_days(self, start: date, end: date) -> list[SkippedDay]:
        """Every day off in [start, end], with its reason."""
        first, last = self._offset(start), self._offset(end)
        return [
            SkippedDay(date.fromordinal(self._base + i), self._reasons[self._base + i])
            for i in range(first, last + 1)
            if not self._is_working[i]
        ]

    # -- moments ------------------------------------------------------------------------------------

    def _clock_worked(self, seconds_of_day: int) -> int:
        """Session seconds already worked at this time of day."""
        worked = 0
        for session in self.sessions:
            if seconds_of_day <= session.start_seconds:
                break
            worked += min(seconds_of_day, session.end_seconds) - session.start_seconds
        return worked

    def _clock_time(self, worked: int) -> time:
        """The time of day at which ``worked`` session seconds have been worked (0 < worked ≤ day)."""
        for session in self.sessions:
            length = session.end_seconds - session.start_seconds
            if worked <= length:
                at = session.start_seconds + worked
                return time(at // 3600, at % 3600 // 60, at % 60)
            worked -= length
        raise AssertionError("worked time beyond the working day")  # pragma: no cover

    def _position(self, moment: datetime) -> int:
        """Session seconds worked from the calendar's start to ``moment``."""
        local = self._local(moment)
        offset = self._offset(local.date())
        position = self._before[offset] * self.day_clock_seconds
        if self._is_working[offset]:
            seconds = local.hour * 3600 + local.minute * 60 + local.second
            position += self._clock_worked(seconds)
        return position

    def _moment(self, position: int) -> datetime:
        """The moment at ``position``; a position on a day boundary is the end of the earlier day."""
        index, worked = divmod(position, self.day_clock_seconds)
        if worked == 0 and index > 0:
            index, worked = index - 1, self.day_clock_seconds
        if index >= len(self._working):
            raise CalendarRangeError("the deadline is beyond the calendar")
        if worked == 0:
            return datetime.combine(date.fromordinal(self._working[0]), self.sessions[0].start, self.tz)
        day = date.fromordinal(self._working[index])
        return datetime.combine(day, self._clock_time(worked), self.tz)

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None:
            raise ValueError("moments must carry a time zone")
        return moment.astimezone(self.tz)

    def _hours_to_clock(self, hours: Fraction | int | float) -> int:
        """Working hours → session seconds, rounded half up to the second (exact for whole days)."""
        if isinstance(hours, int):
            quotient, remainder = divmod(hours * self.day_clock_seconds, HOURS_PER_WORKING_DAY)
            return quotient + (2 * remainder >= HOURS_PER_WORKING_DAY)
        scaled = Fraction(hours) * self.day_clock_seconds / HOURS_PER_WORKING_DAY
        return int(scaled + Fraction(1, 2)) if scaled >= 0 else -int(-scaled + Fraction(1, 2))

    def add_working_hours(self, moment: datetime, hours: Fraction | int | float) -> datetime:
        """The moment ``hours`` working hours after ``moment`` (time off does not count)."""
        if hours < 0:
            raise ValueError("working hours to add must not be negative")
        clock = self._hours_to_clock(hours)
        if clock == 0:
            # Nothing to count: due when the clock starts. The boundary rule would otherwise show the end
            # of the previous session, before the dossier even arrived.
            return self.clock_start(moment)
        return self._moment(self._position(moment) + clock)

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """The moment ``days`` working days after ``moment``: the same point of the working day."""
        return self.add_working_hours(moment, days * HOURS_PER_WORKING_DAY)

    def clock_start(self, moment: datetime) -> datetime:
        """When working time starts counting for something that arrives at ``moment``: the moment itself
        inside a session, otherwise the start of the next session."""
        local = self._local(moment)
        day = local.date()
        if self.is_working_day(day):
            seconds = local.hour * 3600 + local.minute * 60 + local.second
            for session in self.sessions:
                if seconds < session.end_seconds:
                    if seconds >= session.start_seconds:
                        return local
                    return datetime.combine(day, session.start, self.tz)
        return datetime.combine(self.nth_working_day_after(day, 1), self.sessions[0].start, self.tz)

    def working_hours_between(self, start: datetime, end: datetime) -> Fraction:
        """Working hours from ``start`` to ``end`` (negative when ``end`` is earlier)."""
        delta = self._position(end) - self._position(start)
        return Fraction(delta * HOURS_PER_WORKING_DAY, self.day_clock_seconds)

    def hours_from(self, start: datetime) -> Callable[[datetime], float]:
        """Working hours from ``start`` to any moment, as a float (negative when earlier): for a page of
        clocks against one "now", whose position is then computed once."""
        origin, position, day = self._position(start), self._position, self.day_clock_seconds
        # Integer product, one division: whole and half days stay exact (round() words them).
        return lambda end: (position(end) - origin) * HOURS_PER_WORKING_DAY / day

    def explain(self, moment: datetime, hours: Fraction | int | float) -> Explanation:
        deadline = self.add_working_hours(moment, hours)
        start = self.clock_start(moment)
        skipped = self.non_working_days(self._local(moment).date(), deadline.date())
        return Explanation(
            start=self._local(moment),
            clock_starts=start,
            deadline=deadline,
            working_hours=Fraction(hours),
            skipped=tuple(skipped),
        )


def as_timedelta(hours: Fraction) -> timedelta:
    return timedelta(seconds=float(hours * 3600))
