"""The figures read from the summary tables are those computed from the raw tables by
egov.dossiers.statistics (indicator 2.1 and the rest of docs/statistics.md), for every grouping: a
generated month of 200 dossiers with every situation in it (the statistics tests' month)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine

from egov.dossiers.statistics import statistics
from egov.dossiers.tests.test_statistics import VN, figures_of, generate_month
from egov.reports.periods import month_period, parse_period
from egov.reports.rollup import backlog_refresh
from egov.reports.selectors import figures
from egov.reports.services import reports_rebuild

APRIL_10 = datetime(2026, 4, 10, 9, 0, tzinfo=VN)
GROUPS = ("province", "agency", "field", "procedure")


@pytest.fixture
def month(province, versions, head):
    with time_machine.travel(APRIL_10, tick=False):
        dossiers = generate_month(province, versions, head)
        reports_rebuild()
    return dossiers


@pytest.mark.parametrize("group_by", GROUPS)
def test_the_summary_gives_the_statistics_of_march_for_every_grouping(month, group_by):
    with time_machine.travel(APRIL_10, tick=False):
        expected = statistics(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), group_by=group_by)
        got = figures(period=month_period(date(2026, 3, 1)), group_by=group_by)
    assert {row.key: figures_of(row) for row in got} == {row.key: figures_of(row) for row in expected}
    assert sum(row.resolved for row in got) > 50


def test_a_range_of_days_agrees_on_what_flows_in_and_out(month):
    with time_machine.travel(APRIL_10, tick=False):
        (expected,) = statistics(
            period_start=date(2026, 3, 9), period_end=date(2026, 3, 20), group_by="province"
        )
        (got,) = figures(period=parse_period("2026-03-09..2026-03-20"), group_by="province")
    flows = ("received", "received_online", "resolved_early", "resolved_on_time", "resolved_late", "refused")
    assert {name: getattr(got, name) for name in flows} == {name: getattr(expected, name) for name in flows}
    assert (got.on_time_rate, got.average_processing_days) == (
        expected.on_time_rate,
        expected.average_processing_days,
    )
    # The dossiers in progress are counted at the ends of months only.
    assert not got.has_backlog


def test_the_monthly_job_counts_the_month_end_as_the_rebuild_does(month):
    with time_machine.travel(APRIL_10, tick=False):
        from egov.reports.models import Backlog, BacklogRun

        rebuilt = sorted(
            Backlog.objects.filter(month=date(2026, 3, 1)).values_list(
                "agency_id",
                "procedure_id",
                "in_progress_on_time",
                "in_progress_overdue",
                "waiting_for_supplement",
            )
        )
        BacklogRun.objects.filter(month=date(2026, 3, 1)).delete()
        Backlog.objects.filter(month=date(2026, 3, 1)).delete()
        assert backlog_refresh()["month_end"] == "2026-03"
        again = sorted(
            Backlog.objects.filter(month=date(2026, 3, 1)).values_list(
                "agency_id",
                "procedure_id",
                "in_progress_on_time",
                "in_progress_overdue",
                "waiting_for_supplement",
            )
        )
    assert again == rebuilt
    assert sum(row[3] for row in again) > 0


def test_the_dashboards_breakdown_gives_the_same_rows_as_each_grouping(month):
    from egov.reports.selectors import breakdown

    with time_machine.travel(APRIL_10, tick=False):
        period = month_period(date(2026, 3, 1))
        parts = breakdown(period=period)
        expected = {
            group: figures(period=period, group_by=group) for group in ("province", "agency", "procedure")
        }
    assert figures_of(parts.total) == figures_of(expected["province"][0])
    assert [(row.key, figures_of(row)) for row in parts.by_agency] == [
        (row.key, figures_of(row)) for row in expected["agency"]
    ]
    assert [(row.key, figures_of(row)) for row in parts.by_procedure] == [
        (row.key, figures_of(row)) for row in expected["procedure"]
    ]


def test_the_dashboards_trend_gives_the_same_rows_as_the_monthly_grouping(month):
    from egov.reports.dashboard import trend_period
    from egov.reports.selectors import trend

    with time_machine.travel(APRIL_10, tick=False):
        period = trend_period(month_period(date(2026, 4, 1)))
        got = trend(period=period)
        expected = figures(period=period, group_by="month")
    assert [(row.code, figures_of(row), row.has_backlog) for row in got] == [
        (row.code, figures_of(row), row.has_backlog) for row in expected
    ]
    assert sum(row.received for row in got) > 150
