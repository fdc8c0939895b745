"""Reading the reports: the figures of a period per province, agency, procedure, field or month, from
the summary tables only (docs/reports.md); what a user may see; the overdue dossiers to act on; the
dossiers behind a figure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any, Literal

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext

from egov.accounts.models import Agency
from egov.accounts.selectors import agencies_where_permitted, agency_descendant_ids
from egov.catalog.models import Field, Procedure, ProcedureVersion
from egov.core.permissions import Permission
from egov.dossiers.models import Dossier, Status
from egov.dossiers.statistics import Outcome, StatisticsRow, rate
from egov.reports.contribution import MICROSECONDS_PER_HOUR
from egov.reports.models import BACKLOG_MEASURES, MEASURES, Backlog, DayFigures, DossierState, MonthFigures
from egov.reports.periods import Period, add_months, month_end
from egov.reports.summary_sql import sums

GroupBy = Literal["province", "agency", "procedure", "field", "month"]
GROUPINGS: tuple[GroupBy, ...] = ("province", "agency", "procedure", "field", "month")
_GROUP_FIELD = {"agency": "agency_id", "procedure": "procedure_id", "field": "field_id"}


@dataclass
class ReportRow(StatisticsRow):
    """The figures of ``statistics.StatisticsRow`` (same names, same rules) and what the other
    indicators need. ``has_backlog`` is False when the period does not end at a month's end or now (the
    dossiers in progress are counted only then); ``has_carried_over`` when it does not start a month."""

    received_postal: int = 0
    online_counted: int = 0
    synced: int = 0
    reused: int = 0
    from_estore: int = 0
    population_data: int = 0
    fee_bearing: int = 0
    paid_online: int = 0
    paid_national: int = 0
    e_result: int = 0
    digitised: int = 0
    has_backlog: bool = True
    has_carried_over: bool = True
    backlog_as_of: datetime | None = None
    month: date | None = None

    @property
    def received_direct(self) -> int:
        return self.received - self.received_online - self.received_postal

    @property
    def overdue_rate(self) -> Any:
        """Resolved late or in progress overdue / handled (the overdue part of indicator 5.4)."""
        if not self.has_backlog:
            return rate(self.resolved_late, self.resolved)
        return rate(self.resolved_late + self.in_progress_overdue, self.handled)

    def add_flows(self, sums: dict[str, Any]) -> None:
        for name in MEASURES:
            value = sums.get(name) or 0
            if name == "resolved_working_us":
                self.resolved_working_hours += Fraction(value, MICROSECONDS_PER_HOUR)
            else:
                setattr(self, name, getattr(self, name) + value)
        self.disliked = self.rated - self.satisfied

    def add_backlog(self, sums: dict[str, Any]) -> None:
        for name in BACKLOG_MEASURES:
            setattr(self, name, getattr(self, name) + (sums.get(name) or 0))

    @property
    def has_figures(self) -> bool:
        return bool(
            self.received
            or self.resolved
            or self.refused
            or self.withdrawn
            or self.in_progress
            or self.carried_over
        )


# -- what a user may see ---------------------------------------------------------------------------------


def visible_agency_ids(user: Any) -> set[int]:
    """The agencies whose figures ``user`` may see (``dashboard.view``; a leader's role covers the
    agency's subtree, an agency head's only the agency)."""
    return agencies_where_permitted(user=user, permission=Permission.DASHBOARD_VIEW)


def scope_agency_ids(*, visible: set[int], agency_id: int | None) -> set[int]:
    """The agencies counted: ``agency_id`` and those below it, among the visible ones (all visible
    ones without a choice)."""
    if agency_id is None:
        return set(visible)
    return agency_descendant_ids(agency_id=agency_id) & visible


def agencies_for_choice(visible: set[int]) -> list[Agency]:
    """Agencies a user may pick, in code order (the tree reads top-down)."""
    return list(Agency.objects.filter(pk__in=visible).order_by("code"))


# -- the figures ------------------------------------------------------------------------------------------


def _backlog_month(period: Period, now: datetime) -> date | None:
    """The month whose end (or current count) gives the dossiers in progress at the period's end."""
    today = timezone.localtime(now).date()
    if period.start <= today <= period.end:
        return today.replace(day=1)
    if period.end > today:
        return None  # wholly in the future
    if period.end == month_end(period.end):
        return period.end.replace(day=1)
    return None


def _labels(group_by: GroupBy, keys: set[Any]) -> dict[Any, tuple[str, str]]:
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
        for procedure_id, name in (
            ProcedureVersion.objects.filter(procedure_id__in=keys)
            .order_by("procedure_id", "number")
            .values_list("procedure_id", "name")
        ):
            names[procedure_id] = name
        return {
            pk: (code, current or names.get(pk, ""))
            for pk, code, current in Procedure.objects.filter(pk__in=keys).values_list(
                "pk", "national_code", "current_version__name"
            )
        }
    if group_by == "month":
        return {key: (f"{key:%Y-%m}", f"{key:%m/%Y}") for key in keys}
    return {None: ("", gettext("Total"))}


def _filtered(
    queryset: QuerySet[Any], agency_ids: Iterable[int] | None, procedure_id: int | None
) -> QuerySet[Any]:
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=list(agency_ids))
    if procedure_id is not None:
        queryset = queryset.filter(procedure_id=procedure_id)
    return queryset


def _grouped(
    queryset: QuerySet[Any], group: str | None, measures: Iterable[str]
) -> dict[Any, dict[str, Any]]:
    sums = {name: Sum(name) for name in measures}
    if group is None:
        return {None: queryset.aggregate(**sums)}
    return {
        row.pop("group"): row
        for row in queryset.values(group=_group_expression(group)).annotate(**sums).order_by()
    }


def _group_expression(group: str) -> Any:
    if group == "day_month":
        return TruncMonth("day")
    return F(group)


def figures(
    *,
    period: Period,
    group_by: GroupBy,
    agency_ids: Iterable[int] | None = None,
    procedure_id: int | None = None,
    now: datetime | None = None,
) -> list[ReportRow]:
    """The period's figures per ``group_by`` from the summary tables, for dossiers of ``agency_ids``
    (None: all) and of one procedure if given. The same figures as ``statistics.statistics()`` for the
    same period, whole months or days (docs/reports.md); ordered by code (by month for ``month``)."""
    moment = now or timezone.now()
    agencies = None if agency_ids is None else set(agency_ids)
    if period.is_whole_months:
        flows = _filtered(
            MonthFigures.objects.filter(month__gte=period.start, month__lte=period.end),
            agencies,
            procedure_id,
        )
        group = "month" if group_by == "month" else _GROUP_FIELD.get(group_by)
    else:
        flows = _filtered(
            DayFigures.objects.filter(day__gte=period.start, day__lte=period.end), agencies, procedure_id
        )
        group = "day_month" if group_by == "month" else _GROUP_FIELD.get(group_by)
    flow_sums = _grouped(flows, group, MEASURES)

    backlog_group = "month" if group_by == "month" else _GROUP_FIELD.get(group_by)
    backlog_sums: dict[Any, dict[str, Any]] = {}
    carried: dict[Any, dict[str, Any]] = {}
    as_of: dict[Any, datetime | None] = {}
    available: set[date] = set()
    period_backlog_month = None if group_by == "month" else _backlog_month(period, moment)
    backlogs = _filtered(Backlog.objects.all(), agencies, procedure_id)
    if group_by == "month":
        months = period.months
        available = {
            month for month in months if _backlog_month(Period("month", month, month_end(month)), moment)
        }
        backlog_sums = _grouped(backlogs.filter(month__in=available), "month", BACKLOG_MEASURES)
        previous = {add_months(month, -1): month for month in months}
        for month, sums in _grouped(
            backlogs.filter(month__in=list(previous)), "month", BACKLOG_MEASURES
        ).items():
            carried[previous[month]] = sums
        as_of = dict(Backlog.objects.filter(month__in=available).values_list("month", "as_of").distinct())
    else:
        month = period_backlog_month
        if month is not None:
            backlog_sums = _grouped(backlogs.filter(month=month), backlog_group, BACKLOG_MEASURES)
            stamp = Backlog.objects.filter(month=month).values_list("as_of", flat=True).first()
            as_of = {key: stamp for key in backlog_sums}
        if period.start.day == 1:
            carried = _grouped(
                backlogs.filter(month=add_months(period.start, -1)), backlog_group, BACKLOG_MEASURES
            )

    keys = {key for key in (*flow_sums, *backlog_sums, *carried) if key is not None or group_by == "province"}
    if group_by == "month":
        keys |= set(period.months)
    labels = _labels(group_by, {key for key in keys if key is not None})
    rows: list[ReportRow] = []
    for key in keys:
        code, label = labels.get(key, ("", ""))
        row = ReportRow(key=None if group_by == "month" else key, code=code, label=label)
        row.month = key if group_by == "month" else None
        row.add_flows(flow_sums.get(key, {}))
        if group_by == "month":
            row.has_backlog, row.has_carried_over = key in available, True
        else:
            row.has_backlog, row.has_carried_over = period_backlog_month is not None, period.start.day == 1
        row.add_backlog(backlog_sums.get(key, {}))
        row.backlog_as_of = as_of.get(key)
        previous_sums = carried.get(key, {})
        row.carried_over = sum(
            previous_sums.get(name) or 0 for name in ("in_progress_on_time", "in_progress_overdue")
        )
        if group_by in {"province", "month"} or row.has_figures:
            rows.append(row)
    if group_by == "month":
        return sorted(rows, key=lambda row: row.month or date.min)
    return sorted(rows, key=lambda row: (row.code, row.label))


@dataclass
class Breakdown:
    """A period's figures in total, per agency and per procedure, from one query per table."""

    total: ReportRow
    by_agency: list[ReportRow]
    by_procedure: list[ReportRow]
    online_procedures: set[int]  # procedures that received a dossier online (indicator 3.2)
    paid_national_procedures: set[int]  # procedures with a dossier paid on the national platform (3.5)


def breakdown(
    *,
    period: Period,
    agency_ids: Iterable[int] | None = None,
    procedure_id: int | None = None,
    now: datetime | None = None,
) -> Breakdown:
    """``figures()`` for the province, per agency and per procedure at once (what the dashboard shows):
    the same rows, from one GROUP BY agency × procedure per table summed here."""
    moment = now or timezone.now()
    agencies = None if agency_ids is None else set(agency_ids)
    by_pair = ("agency_id", "procedure_id")
    if period.is_whole_months:
        flow_rows = sums(
            MonthFigures,
            date_field="month",
            start=period.start,
            end=period.end,
            measures=MEASURES,
            agencies=agencies,
            procedure_id=procedure_id,
            group=by_pair,
        )
    else:
        flow_rows = sums(
            DayFigures,
            date_field="day",
            start=period.start,
            end=period.end,
            measures=MEASURES,
            agencies=agencies,
            procedure_id=procedure_id,
            group=by_pair,
        )
    backlog_month = _backlog_month(period, moment)

    def backlog_of(month: date) -> list[dict[str, Any]]:
        return sums(
            Backlog,
            date_field="month",
            start=month,
            end=month,
            measures=BACKLOG_MEASURES,
            agencies=agencies,
            procedure_id=procedure_id,
            group=by_pair,
        )

    backlog_rows = backlog_of(backlog_month) if backlog_month else []
    carried_rows = backlog_of(add_months(period.start, -1)) if period.start.day == 1 else []
    as_of = (
        Backlog.objects.filter(month=backlog_month).values_list("as_of", flat=True).first()
        if backlog_month
        else None
    )
    total = ReportRow(key=None, code="", label=gettext("Total"))
    agency_rows: dict[int, ReportRow] = {}
    procedure_rows: dict[int, ReportRow] = {}

    def rows_of(pair: dict[str, Any]) -> list[ReportRow]:
        agency = agency_rows.setdefault(
            pair["agency_id"], ReportRow(key=pair["agency_id"], code="", label="")
        )
        procedure = procedure_rows.setdefault(
            pair["procedure_id"], ReportRow(key=pair["procedure_id"], code="", label="")
        )
        return [total, agency, procedure]

    online: set[int] = set()
    paid: set[int] = set()
    for pair in flow_rows:
        for row in rows_of(pair):
            row.add_flows(pair)
        if pair.get("received_online"):
            online.add(pair["procedure_id"])
        if pair.get("paid_national"):
            paid.add(pair["procedure_id"])
    for pair in backlog_rows:
        for row in rows_of(pair):
            row.add_backlog(pair)
    for pair in carried_rows:
        for row in rows_of(pair):
            row.carried_over += (pair.get("in_progress_on_time") or 0) + (
                pair.get("in_progress_overdue") or 0
            )
    for row in (total, *agency_rows.values(), *procedure_rows.values()):
        row.has_backlog, row.has_carried_over = backlog_month is not None, period.start.day == 1
        row.backlog_as_of = as_of
    groups: tuple[tuple[GroupBy, dict[int, ReportRow]], ...] = (
        ("agency", agency_rows),
        ("procedure", procedure_rows),
    )
    for group_by, rows in groups:
        labels = _labels(group_by, set(rows))
        for key, row in rows.items():
            row.code, row.label = labels.get(key, ("", ""))

    def ordered(rows: dict[int, ReportRow]) -> list[ReportRow]:
        return sorted(
            (row for row in rows.values() if row.has_figures), key=lambda row: (row.code, row.label)
        )

    return Breakdown(total, ordered(agency_rows), ordered(procedure_rows), online, paid)


def trend(
    *,
    period: Period,
    agency_ids: Iterable[int] | None = None,
    procedure_id: int | None = None,
    now: datetime | None = None,
) -> list[ReportRow]:
    """``figures(group_by="month")`` for whole months, in two queries (the dashboard's trend)."""
    moment = now or timezone.now()
    months = period.months
    agencies = None if agency_ids is None else set(agency_ids)
    flows = {
        row["month"]: row
        for row in sums(
            MonthFigures,
            date_field="month",
            start=months[0],
            end=months[-1],
            measures=MEASURES,
            agencies=agencies,
            procedure_id=procedure_id,
            group=("month",),
        )
    }
    backlogs = {
        row["month"]: row
        for row in sums(
            Backlog,
            date_field="month",
            start=add_months(months[0], -1),
            end=months[-1],
            measures=BACKLOG_MEASURES,
            agencies=agencies,
            procedure_id=procedure_id,
            group=("month",),
        )
    }
    rows = []
    for month in months:
        row = ReportRow(key=None, code=f"{month:%Y-%m}", label=f"{month:%m/%Y}", month=month)
        row.add_flows(_by_month(flows, month))
        row.has_backlog = _backlog_month(Period("month", month, month_end(month)), moment) is not None
        if row.has_backlog:
            row.add_backlog(_by_month(backlogs, month))
        previous = _by_month(backlogs, add_months(month, -1))
        row.carried_over = previous.get("in_progress_on_time", 0) + previous.get("in_progress_overdue", 0)
        rows.append(row)
    return rows


def _by_month(rows: dict[Any, dict[str, Any]], month: date) -> dict[str, Any]:
    """SQLite gives dates back as text."""
    return rows.get(month) or rows.get(month.isoformat()) or {}


def province_row(
    *,
    period: Period,
    agency_ids: Iterable[int] | None,
    procedure_id: int | None = None,
    now: datetime | None = None,
) -> ReportRow:
    (row,) = figures(
        period=period, group_by="province", agency_ids=agency_ids, procedure_id=procedure_id, now=now
    )
    return row


def procedures_with_online_dossiers(*, period: Period, agency_ids: Iterable[int] | None) -> set[int]:
    """Procedures that received at least one dossier online in the period (indicator 3.2)."""
    return procedures_with(measure="received_online", period=period, agency_ids=agency_ids)


def procedures_with(*, measure: str, period: Period, agency_ids: Iterable[int] | None) -> set[int]:
    """Procedures with at least one dossier counted in ``measure`` in the period (indicators 3.2, 3.5)."""
    table = MonthFigures if period.is_whole_months else DayFigures
    date_field = "month" if period.is_whole_months else "day"
    queryset = _filtered(
        table.objects.filter(**{f"{date_field}__gte": period.start, f"{date_field}__lte": period.end}),
        agency_ids,
        None,
    )
    return set(
        queryset.values("procedure_id")
        .annotate(found=Sum(measure))
        .filter(found__gt=0)
        .values_list("procedure_id", flat=True)
    )


# -- dossiers to act on, and behind a figure --------------------------------------------------------------


@dataclass(frozen=True)
class OverdueDossier:
    id: int
    code: str
    procedure: str
    agency: str
    due_at: datetime
    overdue_days: int


def overdue_dossiers(
    *, agency_ids: Iterable[int] | None, now: datetime | None = None, limit: int = 20
) -> tuple[int, list[OverdueDossier]]:
    """Dossiers the agencies must act on whose current appointment has passed, longest overdue first,
    and how many there are."""
    moment = now or timezone.now()
    queryset = DossierState.objects.filter(awaits_agency=True, current_due_at__lt=moment)
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=list(agency_ids))
    total = queryset.count()
    states = list(
        queryset.order_by("current_due_at", "dossier_id").values_list("dossier_id", "current_due_at")[:limit]
    )
    details = {
        row["id"]: row
        for row in Dossier.objects.filter(pk__in=[pk for pk, _due in states]).values(
            "id", "code", "procedure_version__name", "processing_agency__name", "receiving_agency__name"
        )
    }
    today = timezone.localtime(moment).date()
    found = []
    for pk, due in states:
        row = details.get(pk)
        if row is None or due is None:
            continue
        found.append(
            OverdueDossier(
                id=pk,
                code=row["code"],
                procedure=row["procedure_version__name"],
                agency=row["processing_agency__name"] or row["receiving_agency__name"],
                due_at=due,
                overdue_days=(today - timezone.localtime(due).date()).days,
            )
        )
    return total, found


DRILL_DOWNS = ("received", "resolved", "early", "on_time", "late", "refused", "withdrawn", "overdue")


def dossiers_behind(
    *,
    figure: str,
    period: Period,
    agency_ids: Iterable[int] | None,
    procedure_id: int | None = None,
    now: datetime | None = None,
) -> QuerySet[DossierState]:
    """The dossiers counted in a figure of the period (the states, newest first): received, resolved
    (or early, on time, late), refused, withdrawn — or overdue now."""
    queryset = DossierState.objects.all()
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=list(agency_ids))
    if procedure_id is not None:
        queryset = queryset.filter(procedure_id=procedure_id)
    if figure == "overdue":
        return queryset.filter(awaits_agency=True, current_due_at__lt=now or timezone.now()).order_by(
            "current_due_at", "dossier_id"
        )
    if figure == "received":
        return queryset.filter(received_on__gte=period.start, received_on__lte=period.end).order_by(
            "-received_on", "-dossier_id"
        )
    kinds = {
        "resolved": ["early", "on_time", "late"],
        "early": ["early"],
        "on_time": ["on_time"],
        "late": ["late"],
        "refused": ["refused"],
        "withdrawn": ["withdrawn"],
    }
    if figure not in kinds:
        raise ValueError(figure)
    return queryset.filter(
        finished_on__gte=period.start, finished_on__lte=period.end, finish_kind__in=kinds[figure]
    ).order_by("-finished_on", "-dossier_id")


def dossier_rows(states: Iterable[DossierState]) -> list[dict[str, Any]]:
    """What the list shows of each dossier behind a figure: code, procedure, agency, dates — no personal
    data (the officer opens the dossier for that, under its own checks)."""
    states = list(states)
    details = {
        row["id"]: row
        for row in Dossier.objects.filter(pk__in=[state.dossier_id for state in states]).values(
            "id",
            "code",
            "status",
            "channel",
            "procedure_version__name",
            "processing_agency__name",
            "receiving_agency__name",
            "received_at",
            "due_at",
        )
    }
    rows = []
    for state in states:
        row = details.get(state.dossier_id)
        if row is None:
            continue
        rows.append(
            {
                **row,
                "state": state,
                "agency": row["processing_agency__name"] or row["receiving_agency__name"],
                "status_label": Status(row["status"]).label,
                "outcome_label": Outcome(state.finish_kind).label if state.finish_kind else "",
            }
        )
    return rows


def counts_by_status(agency_ids: Iterable[int] | None) -> dict[str, int]:
    queryset = DossierState.objects.filter(received_on__isnull=False, finished_on__isnull=True)
    if agency_ids is not None:
        queryset = queryset.filter(agency_id__in=list(agency_ids))
    return {"open": queryset.count(), "awaiting": queryset.filter(awaits_agency=True).count()}
