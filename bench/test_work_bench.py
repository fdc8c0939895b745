"""The processing steps generator (bench/generate_steps.py) on 1,000 dossiers: steps as the services would
have made them; and the work benchmark (bench/work_bench.py) end to end on a tiny database, with no timing
assertions (that is the benchmark's job)."""

from __future__ import annotations

import io
import itertools
import shutil
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from bench import BENCHMARKS, generate, generate_steps, work_bench
from bench.intake_bench import HttpRow
from egov.accounts.models import Membership, User
from egov.core.calendar.engine import VIETNAM
from egov.core.calendar.selectors import add_working_hours
from egov.core.permissions import Role
from egov.dossiers.models import Dossier, DossierStep, Pause, Status, StepHolding
from egov.dossiers.processing import step_can_act
from egov.dossiers.selectors_work import OPEN_STATUSES, QueueFilters, work_queue_page, work_scope

# The marker makes pytest-django set up the test database even when this module runs alone; without it the
# module-scoped fixture below would run against the database of the settings.
pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=VIETNAM)
SIZE = 1_000
WAITING = {Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED, Status.WITHDRAWAL_REQUESTED, Status.STOPPED}


@dataclass
class Snapshot:
    result: generate_steps.StepsGenerated
    dossiers: dict[int, Dossier]
    templates: dict[int, int]  # version id → number of step templates
    steps: dict[int, list[DossierStep]]
    holdings: dict[int, list[StepHolding]]  # by step
    pauses: dict[int, list[Pause]]
    queued: set[int]  # active steps in some official's queue
    can_act: dict[int, bool]  # active assigned step → its assignee may act on it


@pytest.fixture(scope="module")
def snapshot(django_db_setup: Any, django_db_blocker: Any) -> Snapshot:
    """Given the demo province, 1,000 generated dossiers and their steps (rolled back at the end)."""
    from egov.catalog.models import StepTemplate

    with django_db_blocker.unblock(), transaction.atomic():
        assert not Dossier.objects.exists(), "not the test database"
        call_command("load_demo", stdout=io.StringIO())
        generate.generate(dossiers=SIZE, now=NOW, batch_size=250)
        result = generate_steps.generate_steps(now=NOW, batch_size=300)
        templates: dict[int, int] = defaultdict(int)
        for version_id in StepTemplate.objects.values_list("version_id", flat=True):
            templates[version_id] += 1
        steps: dict[int, list[DossierStep]] = defaultdict(list)
        for step in DossierStep.objects.order_by("dossier_id", "order", "id"):
            steps[step.dossier_id].append(step)
        holdings: dict[int, list[StepHolding]] = defaultdict(list)
        for holding in StepHolding.objects.order_by("step_id", "started_at", "id"):
            holdings[holding.step_id].append(holding)
        pauses: dict[int, list[Pause]] = defaultdict(list)
        for pause in Pause.objects.order_by("started_at"):
            pauses[pause.dossier_id].append(pause)
        officials = User.objects.filter(
            pk__in=Membership.objects.filter(valid_to__isnull=True).values("user_id")
        ).order_by("pk")
        queued: set[int] = set()
        for official in officials:
            scope = work_scope(user=official, at=NOW)
            page = work_queue_page(scope=scope, filters=QueueFilters())
            for number in range(1, page.pages + 1):
                rows = work_queue_page(scope=scope, filters=QueueFilters(page=number)).rows
                queued |= {step.pk for step in rows}
        users = User.objects.in_bulk()
        can_act = {
            step.pk: step_can_act(users[step.assignee_id], step, at=NOW)
            for step in DossierStep.objects.filter(state=DossierStep.State.ACTIVE, assignee__isnull=False)
        }
        snapshot = Snapshot(
            result=result,
            dossiers=Dossier.objects.in_bulk(),
            templates=dict(templates),
            steps=dict(steps),
            holdings=dict(holdings),
            pauses=dict(pauses),
            queued=queued,
            can_act=can_act,
        )
        transaction.set_rollback(True)
    return snapshot


def _outcome(finished: datetime, due: datetime) -> str:
    """The services' rule: late after the due moment, early on an earlier local day, else on time."""
    if finished > due:
        return DossierStep.Outcome.LATE
    if finished.astimezone(VIETNAM).date() < due.astimezone(VIETNAM).date():
        return DossierStep.Outcome.EARLY
    return DossierStep.Outcome.ON_TIME


def _agency_steps(steps: list[DossierStep]) -> list[DossierStep]:
    first = 0
    while first < len(steps) and steps[first].role == Role.ONE_STOP_OFFICER:
        first += 1
    last = first
    while last < len(steps) and steps[last].role != Role.ONE_STOP_OFFICER:
        last += 1
    return steps[first:last]


def test_every_transferred_dossier_gets_the_steps_of_its_procedure_and_no_other_does(snapshot):
    transferred = [d for d in snapshot.dossiers.values() if d.transferred_at is not None]

    assert snapshot.result.dossiers == len(transferred)
    assert snapshot.result.rows["steps"] == sum(len(steps) for steps in snapshot.steps.values())
    assert set(snapshot.steps) == {dossier.pk for dossier in transferred}
    for dossier in transferred:
        assert len(snapshot.steps[dossier.pk]) == snapshot.templates[dossier.procedure_version_id]
        assert [s.order for s in snapshot.steps[dossier.pk]] == sorted(
            s.order for s in snapshot.steps[dossier.pk]
        )


def test_steps_run_one_after_the_other_with_the_quota_due_and_the_outcome_the_services_give(snapshot):
    for dossier_id, steps in snapshot.steps.items():
        dossier = snapshot.dossiers[dossier_id]
        reception = steps[0]
        assert reception.state == DossierStep.State.DONE
        assert (reception.started_at, reception.finished_at) == (dossier.received_at, dossier.transferred_at)
        agency = _agency_steps(steps)
        assert agency[0].started_at == dossier.transferred_at
        for before, after in itertools.pairwise(agency):
            if after.started_at is not None:
                assert after.started_at == before.finished_at
        met = [p.ended_at for p in snapshot.pauses.get(dossier_id, []) if p.ended_at is not None]
        for step in steps:
            if step.started_at is None:
                assert step.state == DossierStep.State.PENDING
                continue
            if step.due_at is not None:
                hours = Fraction(str(step.quota_hours))
                restarts = {add_working_hours(moment, hours) for moment in met}
                assert step.due_at == add_working_hours(step.started_at, hours) or step.due_at in restarts
            if step.finished_at is not None:
                assert step.finished_at >= step.started_at
            if step.state == DossierStep.State.DONE and step.due_at is not None and step.outcome:
                assert step.outcome == _outcome(step.finished_at, step.due_at)


def test_states_agree_with_the_status_of_the_dossier(snapshot):
    seen = set()
    for dossier_id, steps in snapshot.steps.items():
        dossier = snapshot.dossiers[dossier_id]
        agency = _agency_steps(steps)
        active = [step for step in steps if step.state == DossierStep.State.ACTIVE]
        seen.add(dossier.status)
        if dossier.status in {Status.PROCESSED, Status.RETURNED}:
            assert all(step.state == DossierStep.State.DONE for step in agency)
            assert agency[-1].finished_at == dossier.processed_at
            returning = steps[len(steps) - 1]
            assert returning.started_at == dossier.processed_at
            if dossier.status == Status.RETURNED:
                assert not active
                assert returning.finished_at == dossier.returned_at
            else:
                assert active == [returning]
        elif dossier.status in {Status.REFUSED, Status.STOPPED}:  # step_reject, intake._stop
            assert not active
        elif dossier.status == Status.PROCESSING:
            assert len(active) == 1
            assert active[0].started_at <= NOW
        else:
            assert dossier.status in WAITING
            assert len(active) == 1
    assert {Status.PROCESSING, Status.PROCESSED, Status.RETURNED} <= seen


def test_holders_are_officials_who_may_act_and_holdings_close_with_their_step(snapshot):
    assert snapshot.can_act
    assert all(snapshot.can_act.values())
    assert snapshot.result.rows["holdings"] == sum(len(h) for h in snapshot.holdings.values())
    for steps in snapshot.steps.values():
        for step in steps:
            holdings = snapshot.holdings.get(step.pk, [])
            if step.assignee_id is not None:
                assert holdings[-1].holder_id == step.assignee_id
            for earlier, later in itertools.pairwise(holdings):
                assert earlier.ended_at == later.started_at
            if holdings and step.state == DossierStep.State.ACTIVE:
                assert holdings[-1].ended_at is None
            if holdings and step.state == DossierStep.State.DONE and step.outcome:
                assert holdings[-1].ended_at == step.finished_at


def test_pauses_are_the_requests_to_supplement_made_during_processing(snapshot):
    assert snapshot.result.rows["pauses"] == sum(len(p) for p in snapshot.pauses.values())
    for dossier_id, pauses in snapshot.pauses.items():
        dossier = snapshot.dossiers[dossier_id]
        for pause in pauses:
            assert pause.started_at >= dossier.transferred_at
            assert pause.supplement_request_id is not None


def test_every_open_active_step_is_in_someones_work_queue(snapshot):
    open_active = {
        step.pk
        for steps in snapshot.steps.values()
        for step in steps
        if step.state == DossierStep.State.ACTIVE
        and snapshot.dossiers[step.dossier_id].status in OPEN_STATUSES
    }

    assert open_active
    assert snapshot.queued == open_active


def test_wrk_scripts_carry_the_credentials_and_rotate_over_the_dossiers():
    prepared = {
        "cookie": "sessionid=abc",
        "token": "t0k",
        "codes": ["H37.12-260105-0001", "H37.30-260105-0002"],
    }
    targets = {target.key: target for target in work_bench.TARGETS}

    page = work_bench.lua_script(targets["dossier"], prepared)
    api = work_bench.lua_script(targets["api_queue"], prepared)
    bare = work_bench.lua_script(targets["bare"], prepared)
    refresh = work_bench.lua_script(targets["queue_htmx"], prepared)

    assert 'wrk.headers["Cookie"] = "sessionid=abc"' in page
    assert '"/xu-ly/ho-so/H37.30-260105-0002/"' in page
    assert "index % #paths_ + 1" in page
    assert 'wrk.headers["Authorization"] = "Bearer t0k"' in api
    assert '{"/api/v1/work/queue?due=overdue&page_size=100"}' in api
    assert "wrk.headers" not in bare
    assert 'wrk.headers["HX-Request"] = "true"' in refresh
    assert 'wrk.headers["Cookie"] = "sessionid=abc"' in refresh


def test_targets_are_judged_on_the_right_rows():
    targets = {target.key: target for target in work_bench.TARGETS}
    slow = HttpRow("queue", 250.0, 25.0, 80.0, 2500, 0, 0)
    fast = HttpRow("dossier", 1200.0, 5.0, 20.0, 12000, 0, 0)

    assert work_bench.verdicts(targets["queue"], 16, slow) == ["≥300/s: NOT met"]
    assert work_bench.verdicts(targets["queue"], 1, slow) == ["p50 <20 ms: NOT met"]
    assert work_bench.verdicts(targets["api_dossier"], 16, fast) == ["≥1,000/s: met"]
    assert work_bench.verdicts(targets["dossier"], 1, fast) == []
    assert work_bench.verdicts(targets["bare"], 16, fast) == []


def test_the_benchmark_is_registered():
    assert BENCHMARKS["work"] == "bench.work_bench"


@pytest.mark.skipif(
    shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk): the benchmark needs it"
)
def test_the_work_benchmark_runs_on_a_tiny_database_and_writes_its_table(tmp_path, bench_data):
    output = tmp_path / "work.txt"

    report = work_bench.run(
        sizes=(300,),
        duration=1,
        warmup=0,
        data_dir=bench_data,
        output=output,
        profile="always",
        profile_requests=3,
    )

    assert output.read_text(encoding="utf-8") == report
    lines = report.splitlines()
    for target in work_bench.TARGETS:
        for clients in work_bench.CLIENTS:
            assert any(
                line.startswith("sqlite") and f"{target.name} " in line and f" {clients} " in line
                for line in lines
            ), (target.name, clients)
    assert "INVALID" not in report  # every request answered 200: signed in, the dossiers are visible
    assert "Where the time goes" in report
    assert "CPU: " in report
    assert "SQLite 3." in report
    assert "as bench.specialist." in report or "as chuyenvien" in report or "as congchuc" in report
