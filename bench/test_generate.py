"""The data generator (bench/generate.py) on 200 dossiers: well-formed unique codes, counters that real
submissions continue, a status history that follows the transition table and agrees with the fields."""

from __future__ import annotations

import io
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from bench import generate
from egov.accounts.validators import validate_personal_id
from egov.core.calendar.engine import VIETNAM
from egov.core.calendar.selectors import get_calendar
from egov.dossiers import intake
from egov.dossiers.models import (
    TRANSITIONS,
    ControlRow,
    Dossier,
    DossierCodeCounter,
    DossierEvent,
    DossierPaper,
    Status,
    SupplementRequest,
)
from egov.dossiers.services import dossier_code_next

NOW = datetime(2026, 11, 27, 10, 30, tzinfo=VIETNAM)
SIZE = 200
CODE = re.compile(r"(?P<agency>[A-Z0-9]+(?:\.[A-Z0-9]+)*)-(?P<day>\d{6})-(?P<number>\d{4})")
CLOSED = {Status.REFUSED, Status.STOPPED, Status.RETURNED}


@dataclass
class Snapshot:
    generated: generate.Generated
    dossiers: list[dict[str, Any]]
    agency_codes: dict[int, str]
    events: dict[int, list[DossierEvent]]
    papers: dict[int, list[DossierPaper]]
    paper_names: dict[int, set[str]]  # version id → its required papers' names
    controls: dict[int, list[ControlRow]]
    supplements: dict[int, list[SupplementRequest]]
    counters: dict[tuple[int, date], int]
    next_codes: dict[tuple[int, date], str]  # what dossier_code_next gave after the generation


@pytest.fixture(scope="module")
def snapshot(django_db_setup: Any, django_db_blocker: Any) -> Snapshot:
    """Given the demo province and 200 generated dossiers (all rolled back at the end of the module)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        generated = generate.generate(dossiers=SIZE, now=NOW, batch_size=60)
        from egov.accounts.models import Agency
        from egov.catalog.models import RequiredPaper

        counters = {(c.agency_id, c.day): c.last_number for c in DossierCodeCounter.objects.all()}
        agencies = Agency.objects.in_bulk()
        # One real code per counter of the last three days, as a submission at that moment would take it.
        next_codes = {}
        for agency_id, day in sorted(counters):
            if day >= NOW.date() - timedelta(days=3):
                moment = datetime(day.year, day.month, day.day, 9, tzinfo=VIETNAM)
                next_codes[agency_id, day] = dossier_code_next(agency=agencies[agency_id], moment=moment)
        snapshot = Snapshot(
            generated=generated,
            dossiers=list(Dossier.objects.order_by("id").values()),
            agency_codes={pk: agency.code for pk, agency in agencies.items()},
            events=_grouped(DossierEvent.objects.order_by("at", "id")),
            papers=_grouped(DossierPaper.objects.order_by("id")),
            paper_names=_names(RequiredPaper.objects.all()),
            controls=_grouped(ControlRow.objects.order_by("handed_at", "id")),
            supplements=_grouped(SupplementRequest.objects.order_by("requested_at", "id")),
            counters=counters,
            next_codes=next_codes,
        )
        transaction.set_rollback(True)
    return snapshot


def _grouped(rows: Any) -> dict[int, list[Any]]:
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.dossier_id].append(row)
    return grouped


def _names(papers: Any) -> dict[int, set[str]]:
    names: dict[int, set[str]] = defaultdict(set)
    for paper in papers:
        names[paper.version_id].add(paper.name)
    return names


def test_it_writes_the_dossiers_asked_for_with_their_rows(snapshot):
    assert snapshot.generated.dossiers == SIZE
    assert len(snapshot.dossiers) == SIZE
    assert snapshot.generated.rows["dossiers"] == SIZE
    assert snapshot.generated.rows["events"] == sum(len(rows) for rows in snapshot.events.values())
    assert snapshot.generated.rows["code counters"] == len(snapshot.counters)
    assert snapshot.generated.first_day == date(2024, 1, 1)
    assert snapshot.generated.last_day == NOW.date()


def test_codes_are_unique_and_in_the_official_format(snapshot):
    codes = [dossier["code"] for dossier in snapshot.dossiers]

    assert len(set(codes)) == SIZE
    for dossier in snapshot.dossiers:
        match = CODE.fullmatch(dossier["code"])
        assert match, dossier["code"]
        assert match["agency"] == snapshot.agency_codes[dossier["receiving_agency_id"]]
        assert match["day"] == f"{timezone.localtime(dossier['submitted_at'], VIETNAM):%y%m%d}"
        assert int(match["number"]) >= 1


def test_each_agency_day_is_numbered_gaplessly_in_order_of_arrival_up_to_its_counter(snapshot):
    numbered: dict[tuple[int, date], list[tuple[datetime, int]]] = defaultdict(list)
    for dossier in snapshot.dossiers:
        day = timezone.localtime(dossier["submitted_at"], VIETNAM).date()
        number = int(dossier["code"].rsplit("-", 1)[1])
        numbered[dossier["receiving_agency_id"], day].append((dossier["submitted_at"], number))

    assert set(numbered) == set(snapshot.counters)
    for key, arrivals in numbered.items():
        arrivals.sort()
        assert [number for _, number in arrivals] == list(range(1, len(arrivals) + 1)), key
        assert snapshot.counters[key] == len(arrivals), key


def test_a_real_submission_continues_the_sequence(snapshot):
    assert snapshot.next_codes  # the last days had dossiers
    for (agency_id, day), code in snapshot.next_codes.items():
        expected = (
            f"{snapshot.agency_codes[agency_id]}-{day:%y%m%d}-{snapshot.counters[agency_id, day] + 1:04d}"
        )
        assert code == expected


def test_the_history_follows_the_transition_table_and_ends_at_the_status(snapshot):
    for dossier in snapshot.dossiers:
        events = snapshot.events[dossier["id"]]
        assert (events[0].from_status, events[0].to_status) == ("", Status.NEW)
        assert events[0].at == dossier["submitted_at"]
        for before, after in itertools.pairwise(events):
            assert after.from_status == before.to_status, dossier["code"]
            assert after.to_status in TRANSITIONS[before.to_status], (dossier["code"], before, after)
            assert after.at >= before.at
        assert events[-1].to_status == dossier["status"]
        assert events[-1].at <= NOW
        assert dossier["updated_at"] == events[-1].at


def test_the_fields_agree_with_the_history(snapshot):
    for dossier in snapshot.dossiers:
        statuses = [event.to_status for event in snapshot.events[dossier["id"]]]
        events = {event.to_status: event for event in snapshot.events[dossier["id"]]}
        is_received = Status.RECEIVED in statuses
        assert (dossier["received_at"] is not None) == is_received
        assert (dossier["due_at"] is not None) == is_received
        assert (dossier["received_by_id"] is not None) == is_received
        if is_received:
            assert dossier["received_at"] == events[Status.RECEIVED].at
            assert dossier["due_at"] >= dossier["received_at"]
            assert dossier["transfer_due_at"] == generate.transfer_deadline(
                get_calendar(), dossier["received_at"]
            )
        assert (dossier["closed_at"] is not None) == (dossier["status"] in CLOSED)
        assert (dossier["transferred_at"] is not None) == (Status.PROCESSING in statuses)
        assert (dossier["processed_at"] is not None) == (Status.PROCESSED in statuses)
        assert (dossier["returned_at"] is not None) == (Status.RETURNED in statuses)
        assert (dossier["return_method"] != "") == (Status.RETURNED in statuses)
        if dossier["returned_at"]:
            assert dossier["returned_at"] == dossier["closed_at"] == events[Status.RETURNED].at
            assert dossier["processed_at"] == events[Status.PROCESSED].at
            assert (dossier["post_dispatched_at"] is not None) == (dossier["return_method"] == "post")
        assert (dossier["acceptance_due_at"] is not None) == (dossier["channel"] == Dossier.Channel.ONLINE)
        if not is_received:
            assert snapshot.controls[dossier["id"]] == []
        requested = statuses.count(Status.SUPPLEMENT_REQUESTED)
        assert len(snapshot.supplements[dossier["id"]]) == requested


def test_control_rows_say_early_on_time_or_late_as_the_intake_does(snapshot):
    rows = [row for rows in snapshot.controls.values() for row in rows]

    assert rows
    for row in rows:
        assert row.outcome == intake.control_outcome(row.handed_at, row.due_at)
        assert row.handed_at <= NOW


def test_applicants_look_real_and_papers_come_from_the_procedure(snapshot):
    for dossier in snapshot.dossiers:
        assert len(dossier["applicant_name"].split()) >= 3
        assert re.fullmatch(r"0\d{9}", dossier["applicant_phone"])
        if dossier["applicant_personal_id"]:
            validate_personal_id(dossier["applicant_personal_id"], today=NOW.date())
        papers = snapshot.papers[dossier["id"]]
        assert len(papers) <= 4
        allowed = snapshot.paper_names[dossier["procedure_version_id"]]
        assert {paper.name for paper in papers} <= allowed
        assert all(paper.file_id is None for paper in papers)
    persons = [d for d in snapshot.dossiers if d["applicant_personal_id"]]
    assert len(persons) > SIZE * 0.8


def test_the_copied_rules_are_the_intakes():
    """Worker processes cannot call the services; their copies must give the same answers."""
    assert generate.TRANSFER_CUTOFF == intake.TRANSFER_CUTOFF
    assert generate.SUPPLEMENT_DAYS == intake.SUPPLEMENT_DAYS
    assert generate.ACCEPTANCE_WORKING_HOURS == intake.ACCEPTANCE_WORKING_HOURS


@pytest.mark.django_db
def test_the_copied_transfer_deadline_is_the_intakes():
    calendar = get_calendar()
    start = datetime(2025, 1, 24, 6, 0, tzinfo=VIETNAM)  # across Tết 2025 and some weekends
    for hours in range(0, 24 * 20, 7):
        moment = start + timedelta(hours=hours, minutes=hours % 60)
        assert generate.transfer_deadline(calendar, moment) == intake.transfer_deadline(moment), moment


def test_codes_keep_four_digits_at_ten_million_dossiers():
    """The busiest day's share at the busiest centre (the provincial one takes about 45 %) stays
    below 10,000 codes."""
    from bench.calendar_bench import build

    engine, _ = build(2024, 2026)
    plans = generate.day_plan(
        10_000_000, first=date(2024, 1, 1), last=date(2026, 12, 31), is_working_day=engine.is_working_day
    )

    assert sum(plan.count for plan in plans) == 10_000_000
    assert max(plan.count for plan in plans) * 0.5 < generate.MAX_SEQUENCE


def test_allocate_splits_exactly():
    assert generate.allocate(10, [1, 1, 1]) == [4, 3, 3]
    assert generate.allocate(0, [1, 2]) == [0, 0]
    assert sum(generate.allocate(1_000_003, [0.3, 0.0, 2.5, 1.1])) == 1_000_003
