"""On-time statistics (indicator 2.1 of the Decision 766 set, spec §4).

A generated month — 200 dossiers received across March 2026 (and a few in late February), with pauses,
second supplements, extensions, refusals, withdrawals and dossiers unfinished at the month's end — is
counted twice: by ``statistics()`` and by an independent loop in this file that walks the working sessions
day by day and reasons about each dossier on its own. The two must agree exactly. Then the edge cases,
hand-computed on the March 2026 calendar (no holidays; weekends 7–8, 14–15, 21–22, 28–29 March).
"""

from __future__ import annotations

import io
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from egov.accounts.models import Agency, User
from egov.catalog.models import Field
from egov.catalog.tests.factories import FieldFactory, ProcedureVersionFactory
from egov.core.calendar.selectors import get_calendar
from egov.core.permissions import Role
from egov.dossiers.models import Dossier, Extension, Pause, Rating, Status, SupplementRequest
from egov.dossiers.statistics import (
    DossierFacts,
    LateReason,
    Outcome,
    classified_dossiers,
    classify,
    statistics,
    statistics_for_user,
)
from egov.dossiers.statistics_export import statistics_xlsx, statistics_xlsx_for_user
from egov.dossiers.tests.conftest import official

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH_START = datetime(2026, 3, 1, tzinfo=VN)
MARCH_END = datetime(2026, 4, 1, tzinfo=VN)  # exclusive


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


def march(day: int, hour: int, minute: int = 0) -> datetime:
    return at(3, day, hour, minute)


# -- building rows directly -------------------------------------------------------------------------------

_codes = iter(range(1, 1_000_000))


def make_dossier(version: Any, receiving: Agency, **fields: Any) -> Dossier:
    """A dossier row as the services would have left it; only the fields given are set."""
    received = fields.get("received_at")
    values: dict[str, Any] = {
        "code": f"H99-260301-{next(_codes):05d}",
        "procedure_version": version,
        "receiving_agency": receiving,
        "channel": Dossier.Channel.DIRECT,
        "status": Status.PROCESSING,
        "applicant_name": "Nguyễn Văn An",
        "submitted_at": (received or march(2, 7)) - timedelta(hours=1),
    }
    values.update(fields)
    return Dossier.objects.create(**values)


def supplement(dossier: Dossier, asked: datetime, supplied: datetime | None) -> SupplementRequest:
    """A request to supplement during processing, with its pause (as processing_request_supplement)."""
    request = SupplementRequest.objects.create(
        dossier=dossier,
        stage=SupplementRequest.Stage.PROCESSING,
        requested_at=asked,
        due_on=asked.date() + timedelta(days=15),
        fulfilled_at=supplied,
    )
    Pause.objects.create(dossier=dossier, supplement_request=request, started_at=asked, ended_at=supplied)
    return request


def extend(dossier: Dossier, *, by: User, asked: datetime, new_due: datetime) -> Extension:
    assert dossier.due_at is not None
    return Extension.objects.create(
        dossier=dossier,
        agency=dossier.processing_agency or dossier.receiving_agency,
        requested_by=by,
        requested_at=asked,
        previous_due_at=dossier.due_at,
        new_due_at=new_due,
        reason="Chờ xác minh",
    )


@pytest.fixture
def head(province):
    return official("lanhdao.sotp", province["justice"], Role.AGENCY_HEAD)


@pytest.fixture
def versions(db):
    justice_field = FieldFactory(code="ly-lich-tu-phap", name="Lý lịch tư pháp")
    civil_field = FieldFactory(code="ho-tich", name="Hộ tịch")
    return {
        3: ProcedureVersionFactory(published=True, processing_days=3, field=civil_field, name="Khai sinh"),
        5: ProcedureVersionFactory(
            published=True,
            processing_days=5,
            processing_days_online=4,
            field=justice_field,
            name="Cấp Phiếu lý lịch tư pháp",
        ),
        10: ProcedureVersionFactory(
            published=True,
            processing_days=10,
            field=justice_field,
            name="Cấp lại Phiếu lý lịch tư pháp",
            online_level="none",
        ),
        0: ProcedureVersionFactory(published=True, processing_days=0, field=civil_field, name="Chứng thực"),
    }


# -- an independent count -----------------------------------------------------------------------------------

SESSIONS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
SESSION_SECONDS_PER_DAY = 7.5 * 3600  # 4 h + 3.5 h of sessions…
WORKING_HOURS_PER_DAY = 8  # …count as 8 working hours (spec §1: 1 day = 8 h)
# Days off from February to May 2026 (docs/calendar.md): Tết, Hùng Kings (observed), 30/4, 1/5.
DAYS_OFF_2026 = {date(2026, 2, d) for d in range(16, 21)} | {
    date(2026, 4, 27),
    date(2026, 4, 30),
    date(2026, 5, 1),
}


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in DAYS_OFF_2026


def walk_working_hours(start: datetime, end: datetime) -> Fraction:
    """Working hours between two moments by walking every day's sessions — no calendar engine."""
    if end <= start:
        return Fraction(0)
    start, end = start.astimezone(VN), end.astimezone(VN)
    seconds = 0
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            for opens, closes in SESSIONS:
                low = max(start, datetime.combine(day, opens, VN))
                high = min(end, datetime.combine(day, closes, VN))
                if high > low:
                    seconds += int((high - low).total_seconds())
        day += timedelta(days=1)
    return Fraction(seconds) * WORKING_HOURS_PER_DAY / Fraction(int(SESSION_SECONDS_PER_DAY))


def walk_add_working_hours(start: datetime, hours: Fraction) -> datetime:
    """The moment ``hours`` working hours after ``start``, walking forward session by session."""
    remaining = hours * Fraction(int(SESSION_SECONDS_PER_DAY)) / WORKING_HOURS_PER_DAY  # session seconds
    moment = start.astimezone(VN)
    day = moment.date()
    while True:
        if is_working_day(day):
            for opens, closes in SESSIONS:
                low = max(moment, datetime.combine(day, opens, VN))
                high = datetime.combine(day, closes, VN)
                if high <= low:
                    continue
                available = Fraction(int((high - low).total_seconds()))
                if remaining <= available:
                    return low + timedelta(seconds=float(remaining))
                remaining -= available
        day += timedelta(days=1)


@dataclass
class Expected:
    """What one group should show, counted by hand."""

    carried_over: int = 0
    received: int = 0
    received_online: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    in_progress_on_time: int = 0
    in_progress_overdue: int = 0
    waiting_for_supplement: int = 0
    withdrawn: int = 0
    refused: int = 0
    rated: int = 0
    satisfied: int = 0
    disliked: int = 0
    hours: Fraction = field(default=Fraction(0))

    def figures(self) -> dict[str, Any]:
        resolved = self.early + self.on_time + self.late
        handled = resolved + self.in_progress_on_time + self.in_progress_overdue

        def percent(numerator: Fraction | int, denominator: int) -> Decimal | None:
            if denominator == 0:
                return None
            value = Fraction(numerator) / denominator
            return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
                Decimal("0.0001"), ROUND_HALF_UP
            )

        index = None
        if handled:
            index = percent(
                max(Fraction(0), 1 - Fraction(self.late + self.in_progress_overdue + self.disliked, handled)),
                1,
            )
        average = None
        if resolved:
            days = self.hours / (resolved * 8)
            average = (Decimal(days.numerator) / Decimal(days.denominator)).quantize(
                Decimal("0.01"), ROUND_HALF_UP
            )
        return {
            "carried_over": self.carried_over,
            "received": self.received,
            "received_online": self.received_online,
            "resolved_early": self.early,
            "resolved_on_time": self.on_time,
            "resolved_late": self.late,
            "in_progress_on_time": self.in_progress_on_time,
            "in_progress_overdue": self.in_progress_overdue,
            "waiting_for_supplement": self.waiting_for_supplement,
            "withdrawn": self.withdrawn,
            "refused": self.refused,
            "rated": self.rated,
            "satisfied": self.satisfied,
            "on_time_rate": percent(self.early + self.on_time, resolved),
            "online_share": percent(self.received_online, self.received),
            "satisfaction_rate": percent(self.satisfied, self.rated),
            "satisfaction_index": index,
            "average_processing_days": average,
        }


def figures_of(row: Any) -> dict[str, Any]:
    return {name: getattr(row, name) for name in Expected().figures()}


def count_by_hand(
    dossiers: list[Dossier], *, start: datetime, end: datetime
) -> dict[str, dict[Any, Expected]]:
    """Count the month dossier by dossier, in plain steps, for each grouping."""
    groups: dict[str, dict[Any, Expected]] = {name: defaultdict(Expected) for name in GROUPINGS}
    for dossier in dossiers:
        version = dossier.procedure_version
        keys = {
            "province": None,
            "agency": dossier.processing_agency_id or dossier.receiving_agency_id,
            "field": version.field_id,
            "procedure": version.procedure_id,
        }
        closed_by_refusal = dossier.status == Status.REFUSED
        closed_by_stop = dossier.status == Status.STOPPED
        closed_in_time = dossier.closed_at is not None and dossier.closed_at < end

        def bump(attribute: str, amount: Any = 1, keys: dict[str, Any] = keys) -> None:
            for grouping, key in keys.items():
                expected = groups[grouping][key]
                setattr(expected, attribute, getattr(expected, attribute) + amount)

        # Not (yet) received: only a refusal or a withdrawal within the month counts.
        if dossier.received_at is None or dossier.received_at >= end:
            if closed_in_time and dossier.closed_at >= start:  # type: ignore[operator]
                if closed_by_refusal:
                    bump("refused")
                elif closed_by_stop:
                    bump("withdrawn")
            continue

        # When did it finish, as far as the month knows?
        closed_without_result = False
        if dossier.processed_at is not None and dossier.processed_at < end:
            finish = dossier.processed_at
        elif dossier.returned_at is not None and dossier.returned_at < end:
            finish = dossier.returned_at
        elif (closed_by_refusal or closed_by_stop) and closed_in_time:
            finish, closed_without_result = dossier.closed_at, True
        else:
            finish = None
        if finish is not None and finish < start:
            continue  # finished before March: not March's business
        if dossier.received_at < start:
            bump("carried_over")
        else:
            bump("received")
            if dossier.channel == Dossier.Channel.ONLINE:
                bump("received_online")
        if closed_without_result:
            bump("refused" if closed_by_refusal else "withdrawn")
            continue

        # The requests to supplement made during processing, up to the end of what we judge.
        requests = [
            request
            for request in dossier.supplement_requests.all()
            if request.stage == SupplementRequest.Stage.PROCESSING
            and request.requested_at < end
            and (finish is None or request.requested_at <= finish)
        ]
        waiting = [
            request
            for request in requests
            if finish is None and (request.fulfilled_at is None or request.fulfilled_at >= end)
        ]
        if finish is not None:
            judged_at = finish
        elif waiting:
            judged_at = max(request.requested_at for request in waiting)
        else:
            judged_at = end

        # Working time used: reception → judged moment, minus the applicant's pauses inside it.
        paused = Fraction(0)
        for pause in dossier.pauses.all():
            pause_end = (
                pause.ended_at if pause.ended_at is not None and pause.ended_at < judged_at else judged_at
            )
            paused += walk_working_hours(max(pause.started_at, dossier.received_at), pause_end)
        used = walk_working_hours(dossier.received_at, judged_at) - paused
        days = version.processing_days_for(is_online=dossier.channel == Dossier.Channel.ONLINE)
        limit = Fraction(days * 8)
        has_extension = Extension.objects.filter(dossier=dossier, requested_at__lt=end).exists()
        late = used > limit or len(requests) >= 2 or has_extension

        if finish is None:
            bump("in_progress_overdue" if late else "in_progress_on_time")
            if waiting:
                bump("waiting_for_supplement")
            continue
        if late:
            bump("late")
        else:
            appointment = walk_add_working_hours(dossier.received_at, limit + paused)
            if finish.astimezone(VN).date() < appointment.astimezone(VN).date():
                bump("early")
            else:
                bump("on_time")
        bump("hours", used)
        rating = Rating.objects.filter(dossier=dossier).first()
        if rating is not None:
            bump("rated")
            bump("satisfied" if rating.is_satisfied else "disliked")
    return groups


GROUPINGS = ("province", "agency", "field", "procedure")


# -- the generated month ---------------------------------------------------------------------------------


def generate_month(province: dict[str, Agency], versions: dict[int, Any], head: User) -> list[Dossier]:
    """200 dossiers with seeded random lives; the calendar engine is used only to place the moments."""
    rng = random.Random(20260331)
    calendar = get_calendar()
    march_days = [day for day in (date(2026, 3, 1) + timedelta(n) for n in range(31)) if is_working_day(day)]
    february_days = [date(2026, 2, day) for day in range(23, 28)]
    timed = [versions[3], versions[5], versions[10]]
    dossiers: list[Dossier] = []

    def later(moment: datetime, low_minutes: int, high_minutes: int) -> datetime:
        return calendar.add_working_hours(moment, Fraction(rng.randrange(low_minutes, high_minutes), 60))

    for _ in range(200):
        version = rng.choice(timed)
        channel = rng.choices(list(Dossier.Channel), weights=[45, 45, 10])[0]
        day = rng.choice(february_days) if rng.random() < 0.1 else rng.choice(march_days)
        minute = rng.randrange(7 * 60, 17 * 60 + 30)
        received = datetime.combine(day, time(minute // 60, minute % 60), VN)
        days = version.processing_days_for(is_online=channel == Dossier.Channel.ONLINE)
        limit_minutes = days * 8 * 60
        receiving = rng.choice([province["centre"], province["commune_centre"]])
        fields: dict[str, Any] = {
            "channel": channel,
            "received_at": received,
            "processing_agency": rng.choice([province["justice"], province["commune"]]),
            "due_at": calendar.add_working_days(received, days) if rng.random() > 0.05 else None,
        }
        scenario = rng.random()
        if scenario < 0.05:  # refused at the desk
            fields.update(
                received_at=None,
                due_at=None,
                processing_agency=None,
                status=Status.REFUSED,
                closed_at=received,
            )
            dossiers.append(make_dossier(version, receiving, **fields))
            continue
        if scenario < 0.08:  # waiting at the desk
            fields.update(received_at=None, due_at=None, processing_agency=None, status=Status.NEW)
            dossiers.append(make_dossier(version, receiving, **fields))
            continue
        if scenario < 0.12:  # refused during processing
            fields.update(status=Status.REFUSED, closed_at=later(received, 30, limit_minutes * 3 // 2))
            dossiers.append(make_dossier(version, receiving, **fields))
            continue
        if scenario < 0.17:  # withdrawn and stopped
            fields.update(status=Status.STOPPED, closed_at=later(received, 30, limit_minutes * 3 // 2))
            dossiers.append(make_dossier(version, receiving, **fields))
            continue

        dossier = make_dossier(version, receiving, **fields)
        dossiers.append(dossier)
        pauses: list[tuple[datetime, datetime | None]] = []
        if rng.random() < 0.35:
            asked = later(received, 30, 24 * 60)
            if rng.random() < 0.2:
                # Still waiting at the month's end (supplied in April, or not at all).
                supplied = rng.choice([None, at(4, 3, 9)])
                supplement(dossier, asked, supplied)
                Dossier.objects.filter(pk=dossier.pk).update(status=Status.SUPPLEMENT_REQUESTED)
                if supplied is not None:
                    Dossier.objects.filter(pk=dossier.pk).update(
                        status=Status.PROCESSED, processed_at=later(supplied, 60, 600)
                    )
                continue
            supplied = later(asked, 60, 40 * 60)
            supplement(dossier, asked, supplied)
            pauses.append((asked, supplied))
            if rng.random() < 0.3:  # a second request: late whatever the time
                asked_again = later(supplied, 30, 8 * 60)
                supplied_again = later(asked_again, 60, 16 * 60)
                supplement(dossier, asked_again, supplied_again)
                pauses.append((asked_again, supplied_again))
        paused = sum((calendar.working_hours_between(a, b) for a, b in pauses if b), Fraction(0))
        target = Fraction(rng.randrange(limit_minutes * 3 // 10, limit_minutes * 14 // 10), 60)
        finish = calendar.add_working_hours(received, target + paused)
        if rng.random() < 0.2:  # finished on the appointment's day, shortly before it
            appointment = calendar.add_working_hours(received, days * 8 + paused)
            finish = max(
                received + timedelta(minutes=5), appointment - timedelta(minutes=rng.randrange(0, 90))
            )
        if pauses and pauses[-1][1] is not None and finish <= pauses[-1][1]:
            finish = later(pauses[-1][1], 30, 240)
        if rng.random() < 0.08 and dossier.due_at is not None:
            extend(
                dossier, by=head, asked=later(received, 30, 120), new_due=dossier.due_at + timedelta(days=3)
            )
        ending = rng.random()
        if ending < 0.1:
            continue  # still being processed, whenever "now" is
        if ending < 0.2:  # an immediate hand-back: returned without a separate "processed" moment
            update = {"status": Status.RETURNED, "returned_at": finish, "closed_at": finish}
        elif ending < 0.6:
            returned = later(finish, 30, 30 * 60)
            update = {"status": Status.RETURNED, "processed_at": finish, "returned_at": returned}
            update["closed_at"] = returned
        else:
            update = {"status": Status.PROCESSED, "processed_at": finish}
        Dossier.objects.filter(pk=dossier.pk).update(**update)
        if update["status"] == Status.RETURNED and rng.random() < 0.5:
            Rating.objects.create(
                dossier=dossier, channel="online", scores={"attitude": 4}, is_satisfied=rng.random() < 0.8
            )
    return list(
        Dossier.objects.filter(pk__in=[d.pk for d in dossiers])
        .select_related("procedure_version")
        .prefetch_related("pauses", "supplement_requests")
    )


def test_the_independent_calendar_walk_agrees_with_the_days_off(db):
    calendar = get_calendar()
    day = date(2026, 2, 1)
    while day < date(2026, 6, 1):
        assert calendar.is_working_day(day) == is_working_day(day), day
        day += timedelta(days=1)


def test_a_generated_month_matches_an_independent_count(province, versions, head):
    dossiers = generate_month(province, versions, head)
    expected = count_by_hand(dossiers, start=MARCH_START, end=MARCH_END)

    # The generated month has every situation in it.
    whole = expected["province"][None]
    assert whole.received > 150
    assert min(whole.early, whole.on_time, whole.late) > 5
    assert min(whole.in_progress_on_time, whole.in_progress_overdue) > 2
    assert (
        min(whole.carried_over, whole.withdrawn, whole.refused, whole.waiting_for_supplement, whole.rated) > 0
    )

    for grouping in GROUPINGS:
        rows = statistics(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), group_by=grouping)
        got = {row.key: figures_of(row) for row in rows}
        want = {key: value.figures() for key, value in expected[grouping].items()}
        assert got == want, grouping

    (province_row,) = statistics(
        period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), group_by="province"
    )
    print(
        f"March 2026: received {province_row.received}, resolved {province_row.resolved} "
        f"(early {province_row.resolved_early}, on time {province_row.resolved_on_time}, "
        f"late {province_row.resolved_late}), on-time rate {province_row.on_time_rate:.2%}, "
        f"in progress {province_row.in_progress_on_time}/{province_row.in_progress_overdue}, "
        f"online {province_row.online_share:.2%}, average {province_row.average_processing_days} days, "
        f"satisfaction {province_row.satisfaction_rate:.2%}, 5.4 {province_row.satisfaction_index:.2%}"
    )


def test_the_month_is_counted_with_a_fixed_number_of_queries(
    province, versions, head, django_assert_max_num_queries
):
    generate_month(province, versions, head)
    with django_assert_max_num_queries(9):
        statistics(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), group_by="procedure")


# -- the rule, hand-computed ---------------------------------------------------------------------------------


def test_supplement_time_is_subtracted_and_turns_late_into_on_time(province, versions):
    # Received Mon 02/03 07:30, 3 working days → the receipt says Wed 04/03 17:00.
    # Waiting for the applicant Tue 03/03 07:30 → Thu 05/03 07:30: 16 working hours.
    # Processed Fri 06/03 10:00: 4 days + 2.5 of 7.5 session hours = 32 + 8/3 h used, 16 of them paused:
    # 18 2/3 h ≤ 24 h, on time; the appointment moved by the pause is Fri 06/03 17:00, the same day.
    version = versions[3]
    dossier = make_dossier(
        version,
        province["centre"],
        received_at=march(2, 7, 30),
        due_at=march(4, 17),
        processed_at=march(6, 10),
        status=Status.PROCESSED,
    )
    without_pause = classify(dossier, period_end=MARCH_END)
    assert without_pause.outcome == Outcome.LATE
    assert without_pause.net_hours == 32 + Fraction(8, 3)
    assert without_pause.late_reasons == (LateReason.TIME,)

    supplement(dossier, march(3, 7, 30), march(5, 7, 30))
    with_pause = classify(dossier, period_end=MARCH_END)
    assert with_pause.outcome == Outcome.ON_TIME
    assert with_pause.paused_hours == 16
    assert with_pause.net_hours == 16 + Fraction(8, 3)
    assert with_pause.appointment == march(6, 17)


def test_a_second_supplement_request_is_late_even_when_fast(province, versions):
    dossier = make_dossier(
        versions[10],
        province["centre"],
        received_at=march(2, 7, 30),
        due_at=march(13, 17),
        processed_at=march(4, 9),
        status=Status.PROCESSED,
    )
    supplement(dossier, march(2, 9), march(2, 14))
    assert classify(dossier, period_end=MARCH_END).outcome == Outcome.EARLY
    supplement(dossier, march(3, 8), march(3, 10))
    result = classify(dossier, period_end=MARCH_END)
    assert (result.outcome, result.late_reasons) == (Outcome.LATE, (LateReason.SECOND_SUPPLEMENT,))


def test_an_extension_makes_the_dossier_late_even_within_the_new_appointment(province, versions, head):
    dossier = make_dossier(
        versions[3],
        province["centre"],
        processing_agency=province["justice"],
        received_at=march(2, 7, 30),
        due_at=march(4, 17),
        processed_at=march(4, 9),
        status=Status.PROCESSED,
    )
    assert classify(dossier, period_end=MARCH_END).outcome == Outcome.ON_TIME
    extend(dossier, by=head, asked=march(3, 8), new_due=march(9, 17))
    result = classify(dossier, period_end=MARCH_END)
    assert (result.outcome, result.late_reasons) == (Outcome.LATE, (LateReason.EXTENSION,))


def test_unfinished_dossiers_are_judged_at_the_period_end(province, versions):
    # Mon 23/03 07:30 + 3 days: at 01/04 00:00, 7 working days used (23–27, 30, 31 March) = 56 h > 24 h.
    overdue = make_dossier(
        versions[3], province["centre"], received_at=march(23, 7, 30), due_at=march(25, 17)
    )
    # Mon 30/03 07:30 + 5 days: 2 working days used = 16 h ≤ 40 h; finished in April — unknown in March.
    within = make_dossier(
        versions[5],
        province["centre"],
        received_at=march(30, 7, 30),
        due_at=at(4, 3, 17),
        processed_at=at(4, 2, 9),
        status=Status.PROCESSED,
    )
    late = classify(overdue, period_end=MARCH_END)
    assert (late.outcome, late.net_hours, late.end) == (Outcome.IN_PROGRESS_OVERDUE, 56, MARCH_END)
    assert classify(within, period_end=MARCH_END).outcome == Outcome.IN_PROGRESS_ON_TIME
    assert classify(within, period_end=at(4, 3, 0)).outcome == Outcome.EARLY


def test_an_open_supplement_request_counts_its_date_as_the_end(province, versions):
    # Received Mon 02/03 07:30 (3 days); asked Tue 03/03 07:30 and never supplied: judged at the request,
    # 8 h used, within the limit however long the applicant takes.
    dossier = make_dossier(
        versions[3],
        province["centre"],
        received_at=march(2, 7, 30),
        due_at=march(4, 17),
        status=Status.SUPPLEMENT_REQUESTED,
    )
    supplement(dossier, march(3, 7, 30), None)
    result = classify(dossier, period_end=MARCH_END)
    assert result.outcome == Outcome.IN_PROGRESS_ON_TIME
    assert (result.end, result.net_hours, result.is_waiting_for_supplement) == (march(3, 7, 30), 8, True)


def test_without_an_appointment_the_statutory_time_is_the_limit(province, versions):
    # 3 days = 24 working hours from Mon 02/03 07:30: exactly Wed 04/03 17:00 is on time, 17:00 Thursday
    # is not.
    facts = DossierFacts(
        status=Status.PROCESSED,
        received_at=march(2, 7, 30),
        due_at=None,
        processed_at=march(4, 17),
        returned_at=None,
        closed_at=None,
        processing_days=3,
    )
    assert classify(facts, period_end=MARCH_END).outcome == Outcome.ON_TIME
    result = classify(replace(facts, processed_at=march(5, 9)), period_end=MARCH_END)
    assert (result.outcome, result.allowed_hours) == (Outcome.LATE, 24)


def test_an_immediate_result_is_due_by_the_end_of_the_working_day(province, versions):
    same_day = make_dossier(
        versions[0],
        province["centre"],
        received_at=march(2, 9),
        due_at=march(2, 9),
        processed_at=march(2, 16, 30),
        status=Status.PROCESSED,
    )
    next_day = make_dossier(
        versions[0],
        province["centre"],
        received_at=march(2, 9),
        due_at=march(2, 9),
        processed_at=march(3, 8),
        status=Status.PROCESSED,
    )
    assert classify(same_day, period_end=MARCH_END).outcome == Outcome.ON_TIME
    assert classify(next_day, period_end=MARCH_END).outcome == Outcome.LATE


def test_refused_withdrawn_and_waiting_dossiers(province, versions):
    refused_at_desk = make_dossier(
        versions[3], province["centre"], status=Status.REFUSED, closed_at=march(2, 9)
    )
    waiting = make_dossier(versions[3], province["centre"], status=Status.NEW)
    withdrawn = make_dossier(
        versions[3],
        province["centre"],
        received_at=march(2, 9),
        due_at=march(5, 9),
        status=Status.STOPPED,
        closed_at=march(3, 9),
    )
    assert classify(refused_at_desk, period_end=MARCH_END).outcome == Outcome.REFUSED
    assert classify(waiting, period_end=MARCH_END).outcome == Outcome.NOT_RECEIVED
    assert classify(withdrawn, period_end=MARCH_END).outcome == Outcome.WITHDRAWN
    # Before it was stopped, it was simply in progress.
    assert classify(withdrawn, period_end=march(3, 8)).outcome == Outcome.IN_PROGRESS_ON_TIME
    (row,) = statistics(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), group_by="province")
    assert (row.received, row.refused, row.withdrawn, row.resolved) == (1, 1, 1, 0)


def test_a_zero_denominator_is_not_applicable(province, versions):
    make_dossier(versions[3], province["centre"], received_at=march(30, 9), due_at=at(4, 2, 9))
    (row,) = statistics(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), group_by="province")
    assert (row.received, row.resolved, row.in_progress_on_time) == (1, 0, 1)
    assert row.on_time_rate is None
    assert row.average_processing_days is None
    assert row.satisfaction_rate is None
    assert row.online_share == Decimal("0")
    assert row.satisfaction_index == Decimal("1")
    assert statistics(period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), group_by="agency") == []


def test_the_published_rate_has_two_decimals(province, versions):
    # 77 resolved, 76 on time: 98.70…% → 0.9870; the average: 8 h each → 1.00 working day.
    for index in range(77):
        received = march(2, 7, 30) + timedelta(minutes=index)
        make_dossier(
            versions[3],
            province["centre"],
            received_at=received,
            due_at=get_calendar().add_working_days(received, 3),
            processed_at=get_calendar().add_working_days(received, 1 if index else 5),
            status=Status.PROCESSED,
        )
    (row,) = statistics(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), group_by="province")
    assert (row.resolved, row.resolved_late) == (77, 1)
    assert row.on_time_rate == Decimal("0.9870")
    assert row.average_processing_days == Decimal("1.05")  # (76 × 8 + 40) / 77 / 8 = 1.0519…


def test_classify_reads_the_same_facts_from_the_model_and_the_bulk_loader(province, versions, head):
    dossiers = generate_month(province, versions, head)
    bulk = {
        item.id: item.classification
        for item in classified_dossiers(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))
    }
    for dossier in dossiers:
        if dossier.pk in bulk:
            assert classify(dossier, period_end=MARCH_END) == bulk[dossier.pk], dossier.code


# -- who sees what -----------------------------------------------------------------------------------------


@pytest.fixture
def two_agencies(province, versions):
    for agency in (province["justice"], province["commune"]):
        make_dossier(
            versions[3],
            province["centre"],
            processing_agency=agency,
            received_at=march(2, 9),
            due_at=march(5, 9),
            processed_at=march(3, 9),
            status=Status.PROCESSED,
        )
    return province


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", []),
        ("citizen", []),
        ("specialist_of_justice", []),  # no dashboard permission
        ("head_of_justice", ["H99.03"]),
        ("head_of_commune", ["H99.30"]),
        ("provincial_leader", ["H99.03", "H99.30"]),  # the leader's role covers the subtree
    ],
)
def test_statistics_for_user_shows_only_the_agencies_the_user_may_see(two_agencies, who, expected):
    province = two_agencies
    from django.contrib.auth.models import AnonymousUser

    users: dict[str, Any] = {
        "anonymous": AnonymousUser(),
        "citizen": User.objects.create_user("079090001111", password="x", kind=User.Kind.CITIZEN),
        "specialist_of_justice": official("cv", province["justice"], Role.SPECIALIST),
        "head_of_justice": official("gd", province["justice"], Role.AGENCY_HEAD),
        "head_of_commune": official("ct", province["commune"], Role.AGENCY_HEAD),
        "provincial_leader": official("ld", province["root"], Role.LEADER),
    }
    before = Dossier.objects.count()
    rows = statistics_for_user(
        users[who], period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), group_by="agency"
    )
    assert [row.code for row in rows] == expected
    assert all(row.resolved_early == 1 for row in rows)
    workbook = statistics_xlsx_for_user(
        users[who], period_start=date(2026, 3, 1), period_end=date(2026, 3, 31)
    )
    assert (workbook is None) == (not expected)
    assert Dossier.objects.count() == before


# -- the workbook --------------------------------------------------------------------------------------------


def test_the_xlsx_export_has_a_sheet_per_grouping_the_figures_and_the_method(province, versions, head):
    generate_month(province, versions, head)
    make_dossier(  # a field whose only dossier is unfinished: its on-time rate is N/A
        ProcedureVersionFactory(
            published=True, processing_days=5, field=FieldFactory(code="dat-dai", name="Đất đai")
        ),
        province["centre"],
        received_at=march(31, 9),
        due_at=at(4, 7, 9),
    )
    content = statistics_xlsx(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == [
        "Toàn tỉnh",
        "Theo cơ quan",
        "Theo lĩnh vực",
        "Theo thủ tục",
        "Phương pháp",
    ]

    sheet = workbook["Toàn tỉnh"]
    assert sheet["A2"].value == "Từ ngày 01/03/2026 đến ngày 31/03/2026"
    headers = [cell.value for cell in sheet[3]]
    assert headers[0] == "Phạm vi"
    assert "Tỷ lệ đúng hạn" in headers
    (row,) = statistics(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), group_by="province")
    values = dict(zip(headers, [cell for cell in sheet[4]], strict=True))
    assert values["Tiếp nhận trong kỳ"].value == row.received
    assert values["Tỷ lệ đúng hạn"].value == float(row.on_time_rate)
    assert values["Tỷ lệ đúng hạn"].number_format == "0.00%"
    assert values["Thời gian giải quyết trung bình (ngày làm việc)"].value == float(
        row.average_processing_days
    )

    fields = workbook["Theo lĩnh vực"]
    by_code = {sheet_row[0].value: sheet_row for sheet_row in fields.iter_rows(min_row=4)}
    field_headers = [cell.value for cell in fields[3]]
    rate_column = field_headers.index("Tỷ lệ đúng hạn")
    assert by_code["dat-dai"][rate_column].value == "N/A"
    assert set(by_code) == set(Field.objects.values_list("code", flat=True))

    method = workbook["Phương pháp"]
    terms = [cell.value for cell in method["A"]]
    assert "Thời điểm kết thúc" in terms
    assert any("766" in (cell.value or "") for cell in method["B"])
