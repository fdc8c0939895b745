"""On-time statistics: the figures provinces publish ("98.71% resolved on time"), per agency, procedure,
field or the whole province, for a period — computed by the rule of indicator 2.1 of the Decision 766
indicator set (spec §4). The method, its legal references and its assumptions: docs/statistics.md.

Two layers:

- :func:`classify` — pure: one dossier's facts (:class:`DossierFacts`) and the end of the period give its
  class (:class:`Outcome`) and the working time it took. No query, given the facts and a calendar.
- :func:`statistics` — the selector: loads every dossier of the period with a handful of queries (pauses,
  supplement requests, extensions, ratings in bulk, never per row), classifies each with the calendar
  engine and counts. :func:`statistics_for_user` applies what the user may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Literal

from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import Agency
from egov.accounts.selectors import agencies_where_permitted
from egov.catalog.models import Field, Procedure, ProcedureVersion
from egov.core.calendar.engine import HOURS_PER_WORKING_DAY, WorkingCalendar
from egov.core.calendar.selectors import get_calendar
from egov.core.permissions import Permission
from egov.dossiers.models import Dossier, Extension, Pause, Rating, Status, SupplementRequest

GroupBy = Literal["agency", "procedure", "field", "province"]
GROUPINGS: tuple[GroupBy, ...] = ("province", "agency", "field", "procedure")
# Two decimals of a percentage.
RATE_QUANTUM = Decimal("0.0001")
DAYS_QUANTUM = Decimal("0.01")
# Indicator 2.1: the second request to supplement during processing makes the dossier late.
SUPPLEMENTS_BEFORE_LATE = 2


class Outcome(models.TextChoices):
    EARLY = "early", _("Resolved early")
    ON_TIME = "on_time", _("Resolved on time")
    LATE = "late", _("Resolved late")
    IN_PROGRESS_ON_TIME = "in_progress_on_time", _("In progress, within the time limit")
    IN_PROGRESS_OVERDUE = "in_progress_overdue", _("In progress, overdue")
    WITHDRAWN = "withdrawn", _("Withdrawn or stopped")
    REFUSED = "refused", pgettext_lazy("statistics", "Refused")
    NOT_RECEIVED = "not_received", _("Waiting at the one-stop section")


RESOLVED = frozenset({Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE})
IN_PROGRESS = frozenset({Outcome.IN_PROGRESS_ON_TIME, Outcome.IN_PROGRESS_OVERDUE})


class LateReason(models.TextChoices):
    TIME = "time", _("Took longer than the time limit")
    SECOND_SUPPLEMENT = "second_supplement", _("A second request to supplement")
    EXTENSION = "extension", _("Apology and extension")


@dataclass(frozen=True, slots=True)
class SupplementFact:
    requested_at: datetime
    fulfilled_at: datetime | None = None
    expired_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DossierFacts:
    """What the on-time rule reads of a dossier. ``processing_days`` is already the one for its channel;
    ``supplements`` are the requests made during processing only (stage ``processing``)."""

    status: str
    received_at: datetime | None
    due_at: datetime | None
    processed_at: datetime | None
    returned_at: datetime | None
    closed_at: datetime | None
    processing_days: int
    pauses: tuple[tuple[datetime, datetime | None], ...] = ()
    supplements: tuple[SupplementFact, ...] = ()
    extension_requested_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Classification:
    """One dossier's standing at the end of a period.

    ``end`` is the moment judged (the finish, the request date of an open request to supplement, or the
    period's end); ``net_hours`` the working hours from reception to ``end`` without the applicant's
    paused time; ``allowed_hours`` the time limit in working hours; ``appointment`` the appointment moved
    by the paused time (for "early")."""

    outcome: Outcome
    end: datetime | None = None
    net_hours: Fraction | None = None
    paused_hours: Fraction = Fraction(0)
    allowed_hours: Fraction | None = None
    appointment: datetime | None = None
    late_reasons: tuple[LateReason, ...] = ()
    is_waiting_for_supplement: bool = False

    @property
    def is_late(self) -> bool:
        return bool(self.late_reasons)

    @property
    def net_working_days(self) -> Fraction | None:
        return None if self.net_hours is None else self.net_hours / HOURS_PER_WORKING_DAY


# -- the rule -------------------------------------------------------------------------------------------


def allowed_working_hours(facts: DossierFacts, calendar: WorkingCalendar) -> Fraction:
    """The time limit in working hours: from reception to the receipt's appointment; without an
    appointment, the statutory time (processing days × 8 h). A procedure with an immediate result (0 days)
    is due by the end of the working day of reception."""
    assert facts.received_at is not None
    if facts.processing_days == 0:
        start = calendar.clock_start(facts.received_at)
        day_end = datetime.combine(start.date(), calendar.sessions[-1].end, calendar.tz)
        return calendar.working_hours_between(facts.received_at, day_end)
    if facts.due_at is not None:
        return max(Fraction(0), calendar.working_hours_between(facts.received_at, facts.due_at))
    return Fraction(facts.processing_days * HOURS_PER_WORKING_DAY)


def paused_working_hours(
    pauses: Iterable[tuple[datetime, datetime | None]],
    *,
    start: datetime,
    end: datetime,
    calendar: WorkingCalendar,
) -> Fraction:
    """Working hours inside the pauses, clipped to [start, end]; an open pause runs to ``end``; overlapping
    pauses count once."""
    clipped = sorted(
        (max(begin, start), min(finish or end, end))
        for begin, finish in pauses
        if begin < end and (finish is None or finish > start)
    )
    total = Fraction(0)
    current: tuple[datetime, datetime] | None = None
    for begin, finish in clipped:
        if finish <= begin:
            continue
        if current is not None and begin <= current[1]:
            current = (current[0], max(current[1], finish))
            continue
        if current is not None:
            total += calendar.working_hours_between(*current)
        current = (begin, finish)
    if current is not None:
        total += calendar.working_hours_between(*current)
    return total


def _happened(moment: datetime | None, period_end: datetime) -> bool:
    return moment is not None and moment < period_end


def _closed_outcome(status: str) -> Outcome | None:
    if status == Status.REFUSED:
        return Outcome.REFUSED
    if status == Status.STOPPED:
        return Outcome.WITHDRAWN
    return None


def classify_facts(facts: DossierFacts, *, period_end: datetime, calendar: WorkingCalendar) -> Classification:
    """Indicator 2.1 (spec §4), as the dossier stood just before ``period_end`` (exclusive): what happened
    at or after it has not happened yet. See docs/statistics.md for each step."""
    closed_outcome = _closed_outcome(facts.status)
    if not _happened(facts.received_at, period_end):
        if closed_outcome is not None and _happened(facts.closed_at, period_end):
            return Classification(outcome=closed_outcome, end=facts.closed_at)
        return Classification(outcome=Outcome.NOT_RECEIVED)
    received_at = facts.received_at
    assert received_at is not None

    # The end moment: processed, else returned, else closed (refused, stopped or withdrawn).
    finish: datetime | None = None
    finished_as: Outcome | None = None
    if _happened(facts.processed_at, period_end):
        finish = facts.processed_at
    elif _happened(facts.returned_at, period_end):
        finish = facts.returned_at
    elif closed_outcome is not None and _happened(facts.closed_at, period_end):
        finish, finished_as = facts.closed_at, closed_outcome

    judged_until = finish if finish is not None else period_end
    requests = [
        request
        for request in facts.supplements
        if request.requested_at < period_end and request.requested_at <= judged_until
    ]
    open_request: SupplementFact | None = None
    if finish is None:
        still_open = [
            request
            for request in requests
            if not _happened(request.fulfilled_at, period_end)
            and not _happened(request.expired_at, period_end)
        ]
        if still_open:
            open_request = max(still_open, key=lambda request: request.requested_at)
    # An open request to supplement counts its request date as the end; an unfinished dossier, the
    # period's end.
    end = finish or (open_request.requested_at if open_request else period_end)
    end = max(end, received_at)

    allowed = allowed_working_hours(facts, calendar)
    paused = paused_working_hours(facts.pauses, start=received_at, end=end, calendar=calendar)
    net = calendar.working_hours_between(received_at, end) - paused
    reasons: list[LateReason] = []
    if net > allowed:
        reasons.append(LateReason.TIME)
    if len(requests) >= SUPPLEMENTS_BEFORE_LATE:
        reasons.append(LateReason.SECOND_SUPPLEMENT)
    if _happened(facts.extension_requested_at, period_end):
        reasons.append(LateReason.EXTENSION)
    appointment = calendar.add_working_hours(received_at, allowed + paused)

    if finished_as is not None:
        outcome = finished_as
    elif finish is None:
        outcome = Outcome.IN_PROGRESS_OVERDUE if reasons else Outcome.IN_PROGRESS_ON_TIME
    elif reasons:
        outcome = Outcome.LATE
    elif end.astimezone(calendar.tz).date() < appointment.astimezone(calendar.tz).date():
        outcome = Outcome.EARLY
    else:
        outcome = Outcome.ON_TIME
    return Classification(
        outcome=outcome,
        end=end,
        net_hours=net,
        paused_hours=paused,
        allowed_hours=allowed,
        appointment=appointment,
        late_reasons=tuple(reasons),
        is_waiting_for_supplement=open_request is not None,
    )


def dossier_facts(dossier: Dossier) -> DossierFacts:
    """The facts of one dossier (uses prefetched pauses, supplement requests and extension if present)."""
    version = dossier.procedure_version
    try:
        extension: Extension | None = dossier.extension
    except Extension.DoesNotExist:
        extension = None
    return DossierFacts(
        status=dossier.status,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        processed_at=dossier.processed_at,
        returned_at=dossier.returned_at,
        closed_at=dossier.closed_at,
        processing_days=version.processing_days_for(is_online=dossier.channel == Dossier.Channel.ONLINE),
        pauses=tuple((pause.started_at, pause.ended_at) for pause in dossier.pauses.all()),
        supplements=tuple(
            SupplementFact(request.requested_at, request.fulfilled_at, request.expired_at)
            for request in dossier.supplement_requests.all()
            if request.stage == SupplementRequest.Stage.PROCESSING
        ),
        extension_requested_at=extension.requested_at if extension else None,
    )


def classify(
    dossier: Dossier | DossierFacts,
    *,
    period_end: datetime,
    calendar: WorkingCalendar | None = None,
) -> Classification:
    """Indicator 2.1 for one dossier at the end of a period (``period_end`` exclusive)."""
    facts = dossier if isinstance(dossier, DossierFacts) else dossier_facts(dossier)
    return classify_facts(facts, period_end=period_end, calendar=calendar or get_calendar())


# -- the period ------------------------------------------------------------------------------------------


def period_bounds(start: date | datetime, end: date | datetime) -> tuple[datetime, datetime]:
    """[start, end) as moments: a date starts at local midnight; an end date is included whole."""

    def moment(value: date | datetime, *, is_end: bool) -> datetime:
        if isinstance(value, datetime):
            return value if timezone.is_aware(value) else timezone.make_aware(value)
        day = value + timedelta(days=1) if is_end else value
        return timezone.make_aware(datetime.combine(day, time.min))

    return moment(start, is_end=False), moment(end, is_end=True)


@dataclass(frozen=True, slots=True)
class ClassifiedDossier:
    """A dossier of the period with what the statistics group it by, and its classification."""

    id: int
    code: str
    channel: str
    return_method: str
    unit_id: int
    receiving_agency_id: int
    procedure_id: int
    version_id: int
    field_id: int
    online_level: str
    received_at: datetime | None
    facts: DossierFacts
    classification: Classification
    is_carried_over: bool
    is_satisfied: bool | None = None  # the applicant's rating, if any

    @property
    def is_online(self) -> bool:
        return self.channel == Dossier.Channel.ONLINE


def period_dossiers(
    *, period_start: date | datetime, period_end: date | datetime, agency_ids: Iterable[int] | None = None
) -> QuerySet[Dossier]:
    """The dossiers that may count in the period: received before its end and not finished before its
    start, or closed (refused, stopped) within it. ``agency_ids``: of those units only."""
    start, end = period_bounds(period_start, period_end)
    queryset = Dossier.objects.annotate(
        finish=Coalesce("processed_at", "returned_at", "closed_at"),
        unit=Coalesce("processing_agency_id", "receiving_agency_id"),
    ).filter(
        (Q(received_at__lt=end) & (Q(finish__isnull=True) | Q(finish__gte=start)))
        | Q(closed_at__gte=start, closed_at__lt=end)
    )
    if agency_ids is not None:
        queryset = queryset.filter(unit__in=list(agency_ids))
    return queryset


def classified_dossiers(
    *,
    period_start: date | datetime,
    period_end: date | datetime,
    agency_ids: Iterable[int] | None = None,
    calendar: WorkingCalendar | None = None,
) -> list[ClassifiedDossier]:
    """Every dossier that counts in the period, classified. Six queries, whatever the number of dossiers."""
    start, end = period_bounds(period_start, period_end)
    engine = calendar or get_calendar()
    queryset = period_dossiers(period_start=start, period_end=end, agency_ids=agency_ids)
    ids = queryset.values("id")
    pauses: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for dossier_id, started_at, ended_at in Pause.objects.filter(dossier_id__in=ids).values_list(
        "dossier_id", "started_at", "ended_at"
    ):
        pauses[dossier_id].append((started_at, ended_at))
    supplements: dict[int, list[SupplementFact]] = defaultdict(list)
    for dossier_id, requested_at, fulfilled_at, expired_at in SupplementRequest.objects.filter(
        dossier_id__in=ids, stage=SupplementRequest.Stage.PROCESSING
    ).values_list("dossier_id", "requested_at", "fulfilled_at", "expired_at"):
        supplements[dossier_id].append(SupplementFact(requested_at, fulfilled_at, expired_at))
    extensions = dict(Extension.objects.filter(dossier_id__in=ids).values_list("dossier_id", "requested_at"))
    ratings = dict(Rating.objects.filter(dossier_id__in=ids).values_list("dossier_id", "is_satisfied"))
    rows = list(
        queryset.values_list(
            "id",
            "code",
            "status",
            "channel",
            "return_method",
            "processing_agency_id",
            "receiving_agency_id",
            "procedure_version_id",
            "received_at",
            "due_at",
            "processed_at",
            "returned_at",
            "closed_at",
        )
    )
    versions = {
        version["id"]: version
        for version in ProcedureVersion.objects.filter(id__in=queryset.values("procedure_version_id")).values(
            "id", "procedure_id", "field_id", "processing_days", "processing_days_online", "online_level"
        )
    }
    result: list[ClassifiedDossier] = []
    for (
        dossier_id,
        code,
        status,
        channel,
        return_method,
        processing_agency_id,
        receiving_agency_id,
        version_id,
        received_at,
        due_at,
        processed_at,
        returned_at,
        closed_at,
    ) in rows:
        version = versions[version_id]
        online_days = version["processing_days_online"]
        is_online = channel == Dossier.Channel.ONLINE
        days = online_days if is_online and online_days is not None else version["processing_days"]
        facts = DossierFacts(
            status=status,
            received_at=received_at,
            due_at=due_at,
            processed_at=processed_at,
            returned_at=returned_at,
            closed_at=closed_at,
            processing_days=days,
            pauses=tuple(pauses.get(dossier_id, ())),
            supplements=tuple(supplements.get(dossier_id, ())),
            extension_requested_at=extensions.get(dossier_id),
        )
        finish = processed_at or returned_at or (closed_at if _closed_outcome(status) else None)
        result.append(
            ClassifiedDossier(
                id=dossier_id,
                code=code,
                channel=channel,
                return_method=return_method,
                unit_id=processing_agency_id or receiving_agency_id,
                receiving_agency_id=receiving_agency_id,
                procedure_id=version["procedure_id"],
                version_id=version_id,
                field_id=version["field_id"],
                online_level=version["online_level"],
                received_at=received_at,
                facts=facts,
                classification=classify_facts(facts, period_end=end, calendar=engine),
                is_carried_over=received_at is not None
                and received_at < start
                and (finish is None or finish >= start),
                is_satisfied=ratings.get(dossier_id),
            )
        )
    return result


# -- the figures -----------------------------------------------------------------------------------------


def rate(numerator: int | Fraction, denominator: int | Fraction) -> Decimal | None:
    """numerator / denominator as a fraction of 1 rounded to two decimals of a percentage (0.9871 =
    98.71%); None — shown as N/A — when the denominator is 0 (spec §4)."""
    if denominator == 0:
        return None
    value = Fraction(numerator) / Fraction(denominator)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(RATE_QUANTUM, ROUND_HALF_UP)


@dataclass
class StatisticsRow:
    """One row of the statistics. Counts are of dossiers; the rates are fractions of 1 (None = N/A)."""

    key: int | None
    code: str
    label: str
    carried_over: int = 0
    received: int = 0
    received_online: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    in_progress_on_time: int = 0
    in_progress_overdue: int = 0
    waiting_for_supplement: int = 0
    withdrawn: int = 0
    refused: int = 0
    rated: int = 0
    satisfied: int = 0
    disliked: int = 0
    resolved_working_hours: Fraction = field(default=Fraction(0), repr=False)

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def in_progress(self) -> int:
        return self.in_progress_on_time + self.in_progress_overdue

    @property
    def handled(self) -> int:
        """Resolved in the period or still in progress at its end: the base of the overdue rate."""
        return self.resolved + self.in_progress

    @property
    def on_time_rate(self) -> Decimal | None:
        """The published figure: resolved early or on time / resolved (indicator 2.1)."""
        return rate(self.resolved_early + self.resolved_on_time, self.resolved)

    @property
    def early_rate(self) -> Decimal | None:
        return rate(self.resolved_early, self.resolved)

    @property
    def late_rate(self) -> Decimal | None:
        return rate(self.resolved_late, self.resolved)

    @property
    def online_share(self) -> Decimal | None:
        """Received online / received (indicator 3.3 without the e-result condition)."""
        return rate(self.received_online, self.received)

    @property
    def average_processing_days(self) -> Decimal | None:
        """Working days from reception to the end, without the applicant's time, of the resolved ones
        (indicator 2.2), two decimals."""
        if self.resolved == 0:
            return None
        days = self.resolved_working_hours / (self.resolved * HOURS_PER_WORKING_DAY)
        return (Decimal(days.numerator) / Decimal(days.denominator)).quantize(DAYS_QUANTUM, ROUND_HALF_UP)

    @property
    def satisfaction_rate(self) -> Decimal | None:
        """Satisfied ratings / ratings, of the dossiers resolved in the period."""
        return rate(self.satisfied, self.rated)

    @property
    def satisfaction_index(self) -> Decimal | None:
        """Indicator 5.4: 100% − (overdue rate + rate of dossiers with a dislike rating), both over the
        dossiers handled; feedback (PAKN) about dossiers is not recorded yet. Not below 0."""
        if self.handled == 0:
            return None
        overdue = Fraction(self.resolved_late + self.in_progress_overdue, self.handled)
        disliked = Fraction(self.disliked, self.handled)
        return rate(max(Fraction(0), 1 - overdue - disliked), 1)

    def add(self, dossier: ClassifiedDossier, *, period_start: datetime) -> None:
        classification = dossier.classification
        outcome = classification.outcome
        if dossier.is_carried_over:
            self.carried_over += 1
        if dossier.received_at is not None and period_start <= dossier.received_at:
            # The period's dossiers were received before its end (the query); so this is "in the period".
            self.received += 1
            self.received_online += dossier.is_online
        if outcome in RESOLVED:
            self.resolved_early += outcome == Outcome.EARLY
            self.resolved_on_time += outcome == Outcome.ON_TIME
            self.resolved_late += outcome == Outcome.LATE
            assert classification.net_hours is not None
            self.resolved_working_hours += classification.net_hours
            if dossier.is_satisfied is not None:
                self.rated += 1
                self.satisfied += dossier.is_satisfied
                self.disliked += not dossier.is_satisfied
        elif outcome in IN_PROGRESS:
            self.in_progress_on_time += outcome == Outcome.IN_PROGRESS_ON_TIME
            self.in_progress_overdue += outcome == Outcome.IN_PROGRESS_OVERDUE
            self.waiting_for_supplement += classification.is_waiting_for_supplement
        elif outcome == Outcome.WITHDRAWN:
            self.withdrawn += 1
        elif outcome == Outcome.REFUSED:
            self.refused += 1


def _in_period(dossier: ClassifiedDossier, start: datetime) -> bool:
    """Counted in the period at all: not finished before it started (the query also lets in dossiers
    received before the start and still open, which count as carried over and in progress)."""
    end = dossier.classification.end
    outcome = dossier.classification.outcome
    if outcome in RESOLVED or outcome in {Outcome.WITHDRAWN, Outcome.REFUSED}:
        return end is not None and end >= start
    return outcome in IN_PROGRESS


def _group_key(dossier: ClassifiedDossier, group_by: GroupBy) -> int | None:
    if group_by == "agency":
        return dossier.unit_id
    if group_by == "procedure":
        return dossier.procedure_id
    if group_by == "field":
        return dossier.field_id
    return None


def _labels(group_by: GroupBy, keys: set[int]) -> dict[int | None, tuple[str, str]]:
    if group_by == "agency":
        return {
            pk: (code, name)
            for pk, code, name in Agency.objects.filter(pk__in=keys).values_list("pk", "code", "name")
        }
    if group_by == "field":
        return {
            pk: (code, name)
            for pk, code, name in Field.objects.filter(pk__in=keys).values_list("pk", "code", "name")
        }
    if group_by == "procedure":
        names: dict[int, str] = {}
        # The latest version's name, the current one's if published.
        for procedure_id, name in (
            ProcedureVersion.objects.filter(procedure_id__in=keys)
            .order_by("procedure_id", "number")
            .values_list("procedure_id", "name")
        ):
            names[procedure_id] = name
        labels: dict[int | None, tuple[str, str]] = {}
        for pk, code, current in Procedure.objects.filter(pk__in=keys).values_list(
            "pk", "national_code", "current_version__name"
        ):
            labels[pk] = (code, current or names.get(pk, ""))
        return labels
    return {None: ("", gettext("Total"))}


def statistics_from(
    dossiers: Sequence[ClassifiedDossier],
    *,
    period_start: date | datetime,
    period_end: date | datetime,
    group_by: GroupBy,
) -> list[StatisticsRow]:
    """Count already classified dossiers into rows (one per agency, procedure or field; one for the
    province), ordered by code."""
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}")
    start, _end = period_bounds(period_start, period_end)
    counted = [dossier for dossier in dossiers if _in_period(dossier, start)]
    keys = {_group_key(dossier, group_by) for dossier in counted}
    labels = _labels(group_by, {key for key in keys if key is not None})
    rows: dict[int | None, StatisticsRow] = {}
    if group_by == "province":
        code, label = labels[None]
        rows[None] = StatisticsRow(key=None, code=code, label=label)
    for dossier in counted:
        key = _group_key(dossier, group_by)
        row = rows.get(key)
        if row is None:
            code, label = labels.get(key, ("", ""))
            row = rows[key] = StatisticsRow(key=key, code=code, label=label)
        row.add(dossier, period_start=start)
    return sorted(rows.values(), key=lambda row: (row.code, row.label))


def statistics(
    *,
    period_start: date | datetime,
    period_end: date | datetime,
    group_by: GroupBy,
    agency_ids: Iterable[int] | None = None,
) -> list[StatisticsRow]:
    """The period's figures per ``group_by``. Dates are whole local days (``period_end`` included);
    ``agency_ids`` limits to dossiers of those agencies (the processing agency, else the receiving
    section); None means all. Callers pass what the user may see (:func:`statistics_for_user`)."""
    dossiers = classified_dossiers(period_start=period_start, period_end=period_end, agency_ids=agency_ids)
    return statistics_from(dossiers, period_start=period_start, period_end=period_end, group_by=group_by)


def visible_agency_ids(user: Any) -> set[int]:
    """The agencies whose statistics ``user`` may see (permission ``dashboard.view``)."""
    return agencies_where_permitted(user=user, permission=Permission.DASHBOARD_VIEW)


def statistics_for_user(
    user: Any,
    *,
    period_start: date | datetime,
    period_end: date | datetime,
    group_by: GroupBy,
) -> list[StatisticsRow]:
    """:func:`statistics` limited to the agencies where ``user`` may see dashboards; nothing otherwise."""
    agency_ids = visible_agency_ids(user)
    if not agency_ids:
        return []
    return statistics(
        period_start=period_start, period_end=period_end, group_by=group_by, agency_ids=agency_ids
    )


__all__ = [
    "GROUPINGS",
    "Classification",
    "ClassifiedDossier",
    "DossierFacts",
    "LateReason",
    "Outcome",
    "StatisticsRow",
    "SupplementFact",
    "allowed_working_hours",
    "classified_dossiers",
    "classify",
    "classify_facts",
    "dossier_facts",
    "paused_working_hours",
    "period_bounds",
    "period_dossiers",
    "rate",
    "statistics",
    "statistics_for_user",
    "statistics_from",
    "visible_agency_ids",
]
