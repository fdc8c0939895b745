"""Public calendar API: "when is the appointment if I file now?" for citizens and other systems."""

from __future__ import annotations

from datetime import date, datetime
from fractions import Fraction

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from egov.core.calendar.engine import VIETNAM, WEEKDAY_NAMES, CalendarRangeError
from egov.core.calendar.selectors import get_calendar

router = Router(tags=["calendar"])


class WorkingDayOut(Schema):
    date: date
    weekday: str
    is_working_day: bool
    reason: str = Field(description="Why the day is off; empty on a working day.")


class SkippedDayOut(Schema):
    date: date
    weekday: str
    reason: str


class DeadlineIn(Schema):
    start: datetime = Field(description="When the clock starts; without a zone it is Vietnam time.")
    days: int | None = Field(None, ge=0, le=3650, description="Working days to add.")
    hours: float | None = Field(None, ge=0, le=29200, description="Working hours to add (1 day = 8 h).")


class DeadlineOut(Schema):
    start: datetime
    clock_starts: datetime = Field(description="When working time starts counting.")
    deadline: datetime
    working_hours: float


class ExplanationOut(DeadlineOut):
    skipped_days: list[SkippedDayOut]


class HolidayListOut(Schema):
    year: int
    days_off: list[SkippedDayOut] = Field(description="Weekday holidays and announced days off.")
    weekend_working_days: list[date] = Field(description="Saturdays or Sundays that are working days.")


class InvalidParameterError(Exception):
    """Input that passed the schema but not the calendar's own checks, with the fields at fault."""

    def __init__(self, message: str, *fields: str) -> None:
        super().__init__(message)
        self.message, self.fields = message, fields


def _invalid(request: HttpRequest, error: InvalidParameterError) -> HttpResponse:
    """422 in the shape of every other validation error of the API (egov.api.validation_error)."""
    errors = [{"field": field, "message": error.message} for field in error.fields]
    body = {"detail": _("The request has invalid parameters."), "errors": errors}
    return JsonResponse(body, status=422, content_type="application/json; charset=utf-8")


def _hours(query: DeadlineIn) -> Fraction:
    if (query.days is None) == (query.hours is None):
        message = _("Give either a number of working days or a number of working hours.")
        raise InvalidParameterError(message, "days", "hours")
    return Fraction(query.days * 8) if query.days is not None else Fraction(str(query.hours))


def _localise(moment: datetime) -> datetime:
    return moment.replace(tzinfo=VIETNAM) if moment.tzinfo is None else moment


@router.get("/working-day", response=WorkingDayOut, summary="Is this date a working day?")
def working_day(request: HttpRequest, date: date) -> WorkingDayOut | HttpResponse:
    calendar = get_calendar()
    try:
        is_working = calendar.is_working_day(date)
    except CalendarRangeError:
        return _invalid(
            request, InvalidParameterError(_("The date is outside the calendar's years."), "date")
        )
    return WorkingDayOut(
        date=date,
        weekday=WEEKDAY_NAMES[date.weekday()],
        is_working_day=is_working,
        reason=calendar.reason_off(date),
    )


def _explain(query: DeadlineIn) -> ExplanationOut:
    hours = _hours(query)
    try:
        explanation = get_calendar().explain(_localise(query.start), hours)
    except CalendarRangeError:
        raise InvalidParameterError(_("The deadline falls outside the calendar's years."), "start") from None
    return ExplanationOut(
        start=explanation.start,
        clock_starts=explanation.clock_starts,
        deadline=explanation.deadline,
        working_hours=float(hours),
        skipped_days=[
            SkippedDayOut(date=day.day, weekday=day.weekday_name, reason=day.reason)
            for day in explanation.skipped
        ],
    )


@router.get("/deadline", response=DeadlineOut, summary="Deadline: a start moment plus working days or hours")
def deadline(request: HttpRequest, query: Query[DeadlineIn]) -> DeadlineOut | HttpResponse:
    try:
        explanation = _explain(query)
    except InvalidParameterError as error:
        return _invalid(request, error)
    # Only what DeadlineOut documents; the skipped days are the explanation endpoint's job.
    return DeadlineOut(**explanation.model_dump(exclude={"skipped_days"}))


@router.get(
    "/deadline/explanation",
    response=ExplanationOut,
    summary="The deadline with every day off it skipped, and why",
)
def deadline_explanation(request: HttpRequest, query: Query[DeadlineIn]) -> ExplanationOut | HttpResponse:
    try:
        return _explain(query)
    except InvalidParameterError as error:
        return _invalid(request, error)


@router.get("/holidays", response=HolidayListOut, summary="Days off and weekend working days of a year")
def holiday_list(
    request: HttpRequest, year: int = Query(..., ge=2015, le=2040)
) -> HolidayListOut | HttpResponse:
    calendar = get_calendar()
    if not calendar.first_year <= year <= calendar.last_year:
        return _invalid(
            request, InvalidParameterError(_("The year is outside the calendar's years."), "year")
        )
    first, last = date(year, 1, 1), date(year, 12, 31)
    days_off = [
        SkippedDayOut(date=day.day, weekday=day.weekday_name, reason=day.reason)
        for day in calendar.non_working_days(first, last)
        if day.day.weekday() < 5 or day.reason not in WEEKDAY_NAMES
    ]
    weekend_working = [
        date.fromordinal(ordinal)
        for ordinal in range(first.toordinal(), last.toordinal() + 1)
        if date.fromordinal(ordinal).weekday() >= 5 and calendar.is_working_day(date.fromordinal(ordinal))
    ]
    return HolidayListOut(year=year, days_off=days_off, weekend_working_days=weekend_working)


__all__ = ["router"]
