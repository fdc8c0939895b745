"""What the leaders' dashboard and the public statistics page show, read in one place (from the summary
tables; a fixed number of small queries whatever the number of dossiers)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from egov.reports.indicators import Scorecard, catalogue_facts, scorecard
from egov.reports.periods import Period, add_months, month_end
from egov.reports.selectors import OverdueDossier, ReportRow, breakdown, overdue_dossiers, trend

TREND_MONTHS = 12


@dataclass
class Dashboard:
    period: Period
    total: ReportRow
    card: Scorecard
    trend: list[ReportRow]
    by_agency: list[ReportRow]
    by_procedure: list[ReportRow]
    overdue_total: int = 0
    overdue: list[OverdueDossier] = field(default_factory=list)
    now: datetime | None = None

    @property
    def as_of(self) -> datetime | None:
        return self.total.backlog_as_of


def trend_period(period: Period) -> Period:
    """The twelve months up to the period's last month."""
    last = period.end.replace(day=1)
    return Period("range", add_months(last, 1 - TREND_MONTHS), month_end(last))


def dashboard(
    *,
    period: Period,
    agency_ids: Iterable[int] | None,
    procedure_id: int | None = None,
    with_overdue: bool = True,
    now: datetime | None = None,
) -> Dashboard:
    moment = now or timezone.now()
    scope = None if agency_ids is None else set(agency_ids)
    parts = breakdown(period=period, agency_ids=scope, procedure_id=procedure_id, now=moment)
    total, by_agency, by_procedure = parts.total, parts.by_agency, parts.by_procedure
    card = scorecard(
        row=total,
        period=period,
        agency_ids=scope,
        catalogue=catalogue_facts(scope),
        online_used=parts.online_procedures,
        paid_national_used=parts.paid_national_procedures,
    )
    months = trend(period=trend_period(period), agency_ids=scope, procedure_id=procedure_id, now=moment)
    board = Dashboard(
        period=period,
        total=total,
        card=card,
        trend=months,
        by_agency=by_agency,
        by_procedure=by_procedure,
        now=moment,
    )
    if with_overdue:
        board.overdue_total, board.overdue = overdue_dossiers(agency_ids=scope, now=moment)
    return board
