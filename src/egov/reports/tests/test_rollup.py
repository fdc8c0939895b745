"""The summary tables kept up to date as dossiers change equal the tables rebuilt from scratch, after a
realistic mix of lives driven through the dossier services, and under concurrent changes."""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection

from egov.core.permissions import Role
from egov.dossiers.intake import dossier_receive
from egov.dossiers.models import Dossier
from egov.dossiers.tests.conftest import new_dossier, official
from egov.dossiers.tests.test_statistics import VN
from egov.reports.models import (
    MEASURES,
    Backlog,
    BacklogRun,
    DayFigures,
    DossierState,
    MonthFigures,
    PendingDossier,
)
from egov.reports.periods import month_period
from egov.reports.rollup import backlog_refresh, catch_up
from egov.reports.selectors import figures
from egov.reports.services import reports_rebuild
from egov.reports.tests.scenario import Mix

START = datetime(2026, 3, 25, 7, 45, tzinfo=VN)
AFTER = datetime(2026, 4, 20, 9, 0, tzinfo=VN)


def tables() -> dict[str, Any]:
    """Every non-zero row of the summary tables and every dossier's contribution."""

    def rows(model: Any, date_field: str) -> dict[tuple, tuple]:
        found = {}
        for row in model.objects.values(date_field, "agency_id", "procedure_id", "field_id", *MEASURES):
            values = tuple(row[name] for name in MEASURES)
            if any(values):
                found[(row[date_field], row["agency_id"], row["procedure_id"], row["field_id"])] = values
        return found

    states = {
        row["dossier_id"]: row
        for row in DossierState.objects.values()
        if row["received_on"] or row["finished_on"]
    }
    backlog = set(
        Backlog.objects.values_list(
            "month",
            "agency_id",
            "procedure_id",
            "in_progress_on_time",
            "in_progress_overdue",
            "waiting_for_supplement",
        )
    )
    return {
        "days": rows(DayFigures, "day"),
        "months": rows(MonthFigures, "month"),
        "states": states,
        "backlog": backlog,
    }


@pytest.fixture
def run_after_commit(django_capture_on_commit_callbacks):
    def apply(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return apply


@pytest.mark.parametrize("after_commit", [True, False], ids=["after-commit", "30-second-job"])
def test_incremental_figures_equal_a_rebuild_after_a_realistic_mix(
    province, applicant, run_after_commit, settings, after_commit
):
    # Production counts changes in the 30-second job (REPORTS_APPLY_AFTER_COMMIT off): the same figures.
    settings.REPORTS = {**settings.REPORTS, "apply_after_commit": after_commit}
    mix = Mix(province, applicant, apply=run_after_commit)
    dossiers = mix.run(start=START, days=7)
    assert len(dossiers) == 7 * 13
    with time_machine.travel(AFTER, tick=False):
        # Ratings and extensions come without a status change: the catch-up job counts them (and, in
        # the default mode, every queued dossier).
        if not after_commit:
            assert PendingDossier.objects.count() > 0
        assert catch_up()["watched"] > 0
        backlog_refresh()
        incremental = tables()
        assert PendingDossier.objects.count() == 0
        reports_rebuild()
        rebuilt = tables()
    assert incremental["days"] == rebuilt["days"]
    assert incremental["months"] == rebuilt["months"]
    assert incremental["states"] == rebuilt["states"]
    assert incremental["backlog"] == rebuilt["backlog"]
    # The mix has every kind of figure in it.
    with time_machine.travel(AFTER, tick=False):
        (march,) = figures(period=month_period(date(2026, 3, 1)), group_by="province")
        (april,) = figures(period=month_period(date(2026, 4, 1)), group_by="province")
    assert march.received > 30
    assert april.received > 15
    assert min(april.resolved_early + march.resolved_early, april.resolved_late + march.resolved_late) > 0
    assert (
        min(april.refused + march.refused, april.withdrawn + march.withdrawn, april.rated + march.rated) > 0
    )
    assert april.carried_over > 0
    assert april.in_progress > 0


def test_a_status_change_is_counted_as_soon_as_it_commits(
    procedure, province, applicant, desk, run_after_commit
):
    moment = datetime(2026, 3, 10, 9, 0, tzinfo=VN)
    with time_machine.travel(moment, tick=False):
        dossier = run_after_commit(lambda: new_dossier(procedure, province, applicant))
        assert not DayFigures.objects.filter(received__gt=0).exists()
        run_after_commit(lambda: dossier_receive(actor=desk, dossier=dossier, at=moment))
        (row,) = DayFigures.objects.filter(day=date(2026, 3, 10))
        assert (row.received, row.received_online, row.agency_id) == (1, 1, province["justice"].pk)
        assert PendingDossier.objects.count() == 0


def test_a_lost_after_commit_step_is_caught_up(procedure, province, applicant, desk):
    """Without running the after-commit step (as if the process died), the queue keeps the dossier."""
    moment = datetime(2026, 3, 10, 9, 0, tzinfo=VN)
    with time_machine.travel(moment, tick=False):
        dossier = new_dossier(procedure, province, applicant)
        dossier_receive(actor=desk, dossier=dossier, at=moment)
        assert list(PendingDossier.objects.values_list("dossier_id", flat=True)) == [dossier.pk]
        assert not DayFigures.objects.exists()
        catch_up()
        assert DayFigures.objects.get().received == 1
        assert not PendingDossier.objects.exists()


THREADS = 4
PER_THREAD = 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_receptions_of_the_same_day_and_procedure_are_all_counted(procedure, province, applicant):
    moment = datetime(2026, 3, 10, 9, 0, tzinfo=VN)
    officers = [
        official(f"motcua.{index}", province["centre"], Role.ONE_STOP_OFFICER) for index in range(THREADS)
    ]
    with time_machine.travel(moment, tick=False):
        batches = [
            [new_dossier(procedure, province, applicant) for _ in range(PER_THREAD)] for _ in range(THREADS)
        ]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def receive(officer: Any, dossiers: list[Dossier]) -> None:
        try:
            barrier.wait()
            for dossier in dossiers:
                dossier_receive(actor=officer, dossier=dossier, at=moment)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=receive, args=(officers[i], batches[i])) for i in range(THREADS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert DayFigures.objects.get(day=date(2026, 3, 10)).received == THREADS * PER_THREAD
    assert MonthFigures.objects.get(month=date(2026, 3, 1)).received == THREADS * PER_THREAD
    incremental = tables()
    with time_machine.travel(moment, tick=False):
        reports_rebuild()
    assert tables()["days"] == incremental["days"]
    assert BacklogRun.objects.exists()
