"""Processing steps for a database filled by ``bench.generate``: the back office's side of each dossier.

    .venv/bin/python -m bench.generate_steps --database-url sqlite:////tmp/egov-bench.sqlite3
    .venv/bin/python -m bench.generate_steps --database-url postgres://postgres@127.0.0.1:54330/egov_bench

For every dossier that was transferred to its processing agency, the steps ``processing_start`` would have
made from the procedure version's step templates (order, name, agency, role, quota in working hours),
lived forward as ``step_complete`` and ``dossier_return`` would have, and cut where the dossier is now:

- the one-stop steps before the first agency step are reception, done from receipt to transfer;
- the agency steps share the working time from the transfer to ``processed_at`` (returned and processed
  dossiers: all done, each with its due moment from its quota and its outcome early / on time / late);
  a dossier still being processed has the step under way at "now" active, the later ones pending; one
  waiting for the applicant (supplement, payment) or for a withdrawal keeps the step that was under way
  active, its clock stopped; a dossier refused in processing has that step done without an outcome
  (``step_reject``), and so has a stopped one, its holder freed (``intake._stop``, since 222c76f);
- after a supplement asked during processing, the active step's due moment counts again from the
  complete supplement (``processing_supplement_received``), and the pause is recorded (``Pause``);
- the return step of the one-stop section is active from ``processed_at`` (unassigned, as ``step_complete``
  leaves it) and done at ``returned_at``;
- who held each step (``StepHolding``): the first step in an agency waits in its pool until a head assigns
  it (sometimes), a step forwarded within the agency goes to a named colleague (mostly), a few are
  reassigned half-way; holders are the agency's officials holding the step's role — the demo officials,
  and ``bench.<role>.<agency code>.<n>`` officials created where an agency has nobody in a role;
- the deadline warnings and escalations the scheduler would already have sent (``warned_at``,
  ``escalated_at``).

Bulk inserts only (``executemany`` on SQLite, ``COPY`` on PostgreSQL, through ``bench.generate.Table``),
with the tables' secondary indexes dropped while writing and built again after; then ``ANALYZE``.
The database must hold no step yet.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from bench.generate import (
    FAMILY_NAMES,
    FIRST_DAY,
    GIVEN_NAMES,
    MIDDLE_NAMES,
    Picker,
    Table,
    redacted,
    setup_django,
)

P_ASSIGNED_BY_HEAD = 0.4  # the first step in an agency: a head takes it out of the pool for someone
P_FORWARDED_TO_NAMED = 0.7  # completing towards a step of the same agency names the colleague who takes it
P_REASSIGNED = 0.05  # an assigned step is moved to another officer half-way
SPEED = (0.4, 1.6)  # each step's share of the dossier's working time: its quota times a factor in this range
P_EARLY, P_ON_TIME = 0.62, 0.28  # unfinished dossiers: when their processing will end (as bench.generate)
SCHEDULER_LAG = timedelta(minutes=10)  # the warning and escalation job runs every few minutes
BENCH_OFFICIALS = {"specialist": 2, "head_of_division": 1, "agency_head": 1, "clerk": 1, "leader": 1}
STEP_COLUMNS = (
    "id", "dossier_id", "order", "name", "agency_id", "role", "quota_hours", "state", "assignee_id",
    "started_at", "due_at", "finished_at", "outcome", "warned_at", "escalated_at",
)  # fmt: skip
HOLDING_COLUMNS = ("step_id", "holder_id", "assigned_by_id", "started_at", "ended_at", "reason")
PAUSE_COLUMNS = ("dossier_id", "supplement_request_id", "started_at", "ended_at")
DOSSIER_FIELDS = (
    "id", "procedure_version_id", "receiving_agency_id", "processing_agency_id", "status", "channel",
    "received_at", "transferred_at", "due_at", "processed_at", "returned_at", "closed_at", "updated_at",
)  # fmt: skip


class StepsError(Exception):
    """The database does not allow a consistent generation; nothing was written."""


# --- what the generator knows ------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    order: int
    name: str
    agency_id: int | None
    role: str
    quota: Decimal


@dataclass
class Setup:
    """The catalogue's step templates, who may hold which step where, and the words the services write."""

    calendar: Any
    now: datetime
    vendor: str
    templates: dict[int, list[Template]]  # version id → its templates by order
    processing_days: dict[int, int]
    holders: dict[tuple[int, str], list[int]]  # (agency id, step role) → users who may take it
    heads: dict[int, list[int]]  # agency id → users who approve (assign and reassign) there
    created_officials: int = 0
    words: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)
    one_stop_role: str = "one_stop_officer"


def _quota_clock(calendar: Any, quota: Decimal) -> int:
    """A quota in working hours as the calendar's session seconds (as ``add_working_hours`` counts)."""
    return calendar._hours_to_clock(Fraction(str(quota)))


def read_setup(*, now: datetime, officials: bool = True) -> Setup:
    from django.db import connection
    from django.utils import translation

    from egov.catalog.models import ProcedureVersion, StepTemplate
    from egov.core.calendar.selectors import get_calendar
    from egov.dossiers.models import DossierStep, Status

    calendar = get_calendar()
    templates: dict[int, list[Template]] = defaultdict(list)
    for version_id, order, name, agency_id, role, quota in StepTemplate.objects.order_by(
        "version_id", "order", "id"
    ).values_list("version_id", "order", "name", "agency_id", "role", "quota_hours"):
        templates[version_id].append(Template(order, name, agency_id, role, quota))
    processing_days = dict(ProcedureVersion.objects.values_list("id", "processing_days"))
    if not processing_days:
        raise StepsError("no procedure: run bench.generate (which loads the demo) first")
    with translation.override("vi"):
        words = {
            "assigned": str(translation.gettext("Assigned")),
            "reassigned": str(translation.gettext("Reassigned")),
            "process": str(translation.gettext("Process the dossier")),
        }
    setup = Setup(
        calendar=calendar,
        now=now.astimezone(calendar.tz),
        vendor=connection.vendor,
        templates=dict(templates),
        processing_days=processing_days,
        holders={},
        heads={},
        words=words,
        states={member.name: member.value for member in DossierStep.State},
        outcomes={member.name: member.value for member in DossierStep.Outcome},
        status={member.name: member.value for member in Status},
    )
    if officials:
        setup.created_officials = ensure_officials(setup)
    read_holders(setup)
    return setup


def _needed_roles(setup: Setup) -> set[tuple[int, str]]:
    """(agency, role) of every agency step the dossiers will have: templates with an agency of their own,
    and the processing (else receiving) agencies of the dossiers of versions with templates without one."""
    from django.db.models import Q

    from egov.dossiers.models import Dossier

    needed: set[tuple[int, str]] = set()
    open_versions: dict[int, set[str]] = defaultdict(set)
    for version_id, templates in setup.templates.items():
        for template in templates:
            if template.role == setup.one_stop_role:
                continue
            if template.agency_id is not None:
                needed.add((template.agency_id, template.role))
            else:
                open_versions[version_id].add(template.role)
    empty = [version for version in setup.processing_days if version not in setup.templates]
    for version_id in empty:
        open_versions[version_id].add("specialist")
    if open_versions:
        pairs = (
            Dossier.objects.filter(transferred_at__isnull=False, procedure_version_id__in=list(open_versions))
            .filter(Q(processing_agency__isnull=False) | Q(receiving_agency__isnull=False))
            .values_list("procedure_version_id", "processing_agency_id", "receiving_agency_id")
            .distinct()
        )
        for version_id, processing_id, receiving_id in pairs:
            for role in open_versions[version_id]:
                needed.add((processing_id or receiving_id, role))
    return needed


def ensure_officials(setup: Setup) -> int:
    """Officials where an agency has nobody in a step's role (and a head where it has none to assign work):
    ``bench.<role>.<agency code>.<n>``, no usable password. Returns how many were created."""
    from django.db import transaction

    from egov.accounts.models import Agency, Membership, User
    from egov.core.permissions import ROLE_PERMISSIONS, Permission, Role
    from egov.dossiers.processing import STEP_PERMISSION

    needed = _needed_roles(setup)
    held: dict[int, set[str]] = defaultdict(set)
    for agency_id, role in Membership.objects.filter(valid_to__isnull=True).values_list("agency_id", "role"):
        held[agency_id].add(role)

    def granted(agency_id: int, permission: str) -> bool:
        return any(permission in ROLE_PERMISSIONS[Role(role)] for role in held[agency_id])

    wanted: list[tuple[int, str]] = []
    for agency_id, role in sorted(needed):
        if not granted(agency_id, STEP_PERMISSION[Role(role)]):
            wanted.append((agency_id, role))
            held[agency_id].add(role)
        if not granted(agency_id, Permission.DOSSIER_APPROVE):
            wanted.append((agency_id, Role.HEAD_OF_DIVISION))
            held[agency_id].add(Role.HEAD_OF_DIVISION)
    if not wanted:
        return 0
    codes = dict(Agency.objects.filter(pk__in={agency for agency, _ in wanted}).values_list("id", "code"))
    rng = random.Random(11)
    family = Picker(list(FAMILY_NAMES), list(FAMILY_NAMES.values()))
    created = 0
    with transaction.atomic():
        for agency_id, role in wanted:
            for number in range(1, BENCH_OFFICIALS.get(role, 1) + 1):
                username = f"bench.{role}.{codes[agency_id].lower()}.{number}"
                if User.objects.filter(username=username).exists():
                    continue
                gender = "male" if rng.random() < 0.5 else "female"
                middle = Picker(list(MIDDLE_NAMES[gender]), list(MIDDLE_NAMES[gender].values()))
                user = User(
                    username=username,
                    kind=User.Kind.OFFICIAL,
                    full_name=f"{family(rng)} {middle(rng)} {rng.choice(GIVEN_NAMES[gender])}",
                )
                user.set_unusable_password()
                user.save()
                Membership.objects.create(user=user, agency_id=agency_id, role=role, valid_from=FIRST_DAY)
                created += 1
    return created


def read_holders(setup: Setup) -> None:
    """Who may take a step of each role in each agency (``step_candidates``: roles held there, today)."""
    from egov.accounts.models import Membership, User
    from egov.core.permissions import ROLE_PERMISSIONS, Permission, Role
    from egov.dossiers.processing import STEP_PERMISSION

    holders: dict[tuple[int, str], list[int]] = defaultdict(list)
    heads: dict[int, list[int]] = defaultdict(list)
    rows = (
        Membership.objects.filter(valid_to__isnull=True, user__is_active=True, user__kind=User.Kind.OFFICIAL)
        .order_by("agency_id", "user_id", "role")
        .values_list("agency_id", "user_id", "role")
    )
    for agency_id, user_id, role in rows:
        permissions = ROLE_PERMISSIONS[Role(role)]
        for step_role, permission in STEP_PERMISSION.items():
            if permission in permissions and user_id not in holders[(agency_id, step_role)]:
                holders[(agency_id, step_role)].append(user_id)
        if Permission.DOSSIER_APPROVE in permissions and user_id not in heads[agency_id]:
            heads[agency_id].append(user_id)
    setup.holders = dict(holders)
    setup.heads = dict(heads)


# --- one dossier's steps (no database) --------------------------------------------------------------


@dataclass
class Pending:
    """A pause of the dossier after the transfer: the applicant's (supplement, payment) or a withdrawal."""

    kind: str  # the status the dossier went to
    start: datetime
    end: datetime | None  # back to processing; None: still waiting, or stopped meanwhile


class Maker:
    """Makes the steps, holdings and pauses of dossiers; deterministic for a seed and a chunk."""

    def __init__(self, setup: Setup, seed: str, first_step_id: int) -> None:
        self.setup = setup
        self.rng = random.Random(seed)
        self.calendar = setup.calendar
        self.tz = setup.calendar.tz
        self.next_id = first_step_id
        self.S = setup.status
        self.ACTIVE, self.DONE, self.PENDING = (setup.states[k] for k in ("ACTIVE", "DONE", "PENDING"))
        self.EARLY, self.ON_TIME, self.LATE = (setup.outcomes[k] for k in ("EARLY", "ON_TIME", "LATE"))
        if setup.vendor == "sqlite":
            self.moment: Callable[[datetime | None], str | None] = lambda v: None if v is None else _utc(v)
        else:
            self.moment = lambda v: None if v is None else _utc(v) + "+00"
        self.clock_of: dict[Decimal, int] = {}
        self.hours_of: dict[Decimal, int | Fraction] = {}
        self.warn_clock = self.calendar._hours_to_clock(4)  # processing.WARN_BEFORE_HOURS
        self.steps: list[tuple[Any, ...]] = []
        self.holdings: list[tuple[Any, ...]] = []
        self.pauses: list[tuple[Any, ...]] = []

    def take(self) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        rows = (self.steps, self.holdings, self.pauses)
        self.steps, self.holdings, self.pauses = [], [], []
        return rows

    # -- time --

    def _clock(self, quota: Decimal) -> int:
        clock = self.clock_of.get(quota)
        if clock is None:
            clock = self.clock_of[quota] = _quota_clock(self.calendar, quota)
        return clock

    def _due(self, start: datetime, quota: Decimal) -> datetime:
        # processing._activate: add_working_hours(at, Fraction(str(step.quota_hours))); a whole number of
        # hours is passed as an int, the calendar's exact fast path for the same result.
        hours = self.hours_of.get(quota)
        if hours is None:
            fraction = Fraction(str(quota))
            hours = self.hours_of[quota] = int(fraction) if fraction.denominator == 1 else fraction
        return self.calendar.add_working_hours(start, hours)

    def _outcome(self, finished: datetime, due: datetime | None) -> str:
        # processing._outcome, on the province's local dates
        if due is None:
            return ""
        if finished > due:
            return self.LATE
        if finished.astimezone(self.tz).date() < due.astimezone(self.tz).date():
            return self.EARLY
        return self.ON_TIME

    def _alerts(self, start: datetime, due: datetime, until: datetime) -> tuple[datetime | None, ...]:
        """What ``steps_warn_and_escalate`` had sent by ``until`` (the step's end, or now)."""
        calendar = self.calendar
        soon = calendar._moment(max(calendar._position(start), calendar._position(due) - self.warn_clock))
        warned = max(soon, start) + SCHEDULER_LAG
        escalated = due + SCHEDULER_LAG
        return (
            warned if warned <= until and warned < due else None,
            escalated if escalated <= until else None,
        )

    # -- one dossier --

    def dossier(
        self, row: Sequence[Any], pendings: list[Pending], supplements: list[tuple[Any, ...]]
    ) -> None:
        (dossier_id, version_id, receiving_id, processing_id, status, _channel, received_at, transferred_at,
         _due_at, processed_at, returned_at, closed_at, updated_at) = row  # fmt: skip
        setup, S, rng, calendar = self.setup, self.S, self.rng, self.calendar
        now = setup.now
        one_stop = setup.one_stop_role
        default_agency = processing_id or receiving_id
        templates = setup.templates.get(version_id)
        if not templates:
            days = setup.processing_days.get(version_id, 1)
            templates = [Template(1, setup.words["process"], None, "specialist", Decimal(days * 8))]
        plan = [
            (t, t.agency_id or (receiving_id if t.role == one_stop else default_agency)) for t in templates
        ]
        # processing_start: the one-stop steps before the first agency step are the reception, done.
        first = 0
        while first < len(plan) and plan[first][0].role == one_stop:
            first += 1
        last = first
        while last < len(plan) and plan[last][0].role != one_stop:
            last += 1
        agency_steps = plan[first:last]
        returning = plan[last] if last < len(plan) else None

        for supplement_id, requested_at, fulfilled_at in supplements:
            self.pauses.append(
                (dossier_id, supplement_id, self.moment(requested_at), self.moment(fulfilled_at))
            )

        # Where the agencies' work stands: all done (processed), or cut at a moment with a step under way.
        finished = status in (S["PROCESSED"], S["RETURNED"]) and processed_at is not None
        waiting = [pause for pause in pendings if pause.end is None]
        if finished:
            cut = processed_at
        elif status == S["PROCESSING"]:
            cut = now
        elif status == S["REFUSED"]:
            cut = closed_at or updated_at
        else:  # waiting for the applicant or a withdrawal, or stopped while waiting
            cut = waiting[-1].start if waiting else (closed_at or updated_at)
        cut = max(cut, transferred_at)
        closed_pauses = [pause for pause in pendings if pause.end is not None and pause.end <= cut]

        position = calendar._position
        start_position = position(transferred_at)
        paused_clock = [  # (where the pause starts, its working length), in the calendar's positions
            (position(pause.start), position(pause.end) - position(pause.start)) for pause in closed_pauses
        ]
        effective_cut = position(cut) - start_position - sum(length for _, length in paused_clock)
        weights = [float(self._clock(t.quota)) * rng.uniform(*SPEED) for t, _ in agency_steps]
        quota_total = sum(self._clock(t.quota) for t, _ in agency_steps)
        if finished:
            total = effective_cut
        else:
            draw = rng.random()
            factor = (
                rng.uniform(0.3, 0.9)
                if draw < P_EARLY
                else rng.uniform(0.9, 1.0)
                if draw < P_EARLY + P_ON_TIME
                else rng.uniform(1.0, 1.5)
            )
            total = int(quota_total * factor)
            if total <= effective_cut:  # not done by the cut: it ends some time after
                total = effective_cut + 1 + int(rng.random() * max(1, quota_total // 2))
        weight_sum = sum(weights) or 1.0
        boundaries: list[int] = []
        running = 0.0
        for weight in weights:
            running += weight
            boundaries.append(round(total * running / weight_sum))

        def real(effective: int) -> datetime:
            """The moment at an effective working position (pauses do not count)."""
            offset = start_position + effective
            for pause_start, length in paused_clock:
                if pause_start < offset:
                    offset += length
            return calendar._moment(offset)

        # Reception: done from receipt to transfer, no quota counted (processing_start).
        for template, agency_id in plan[:first]:
            self._step(
                dossier_id, template, agency_id, self.DONE, None, received_at, None, transferred_at, ""
            )

        started = transferred_at
        previous: tuple[int, str, int | None] | None = None  # agency, role, assignee of the step before
        under_way = len(agency_steps)  # the index of the step under way at the cut, if any
        for index, (template, agency_id) in enumerate(agency_steps):
            if finished:  # step_complete of the last agency step is the dossier's processed_at
                ends = (
                    processed_at
                    if index == len(agency_steps) - 1
                    else min(processed_at, real(boundaries[index]))
                )
                ends = max(started, ends)
            else:
                ends = max(started, real(boundaries[index]))
            due = self._due(started, template.quota)
            for pause in closed_pauses:  # the complete supplement restarts the active step's quota
                if pause.kind == S["SUPPLEMENT_REQUESTED"] and started <= pause.start < ends:
                    due = self._due(pause.end, template.quota)
            is_done = finished or ends <= cut
            if is_done:
                state, finished_at, outcome, until = self.DONE, ends, self._outcome(ends, due), ends
            elif status in (S["REFUSED"], S["STOPPED"]):
                # step_reject, intake._stop: the active steps are done, without an outcome, holders freed
                state, finished_at, outcome, until = self.DONE, cut, "", cut
            else:
                state, finished_at, outcome, until = self.ACTIVE, None, "", now
            step_id = self.next_id
            freed = is_done or status == S["STOPPED"]
            assignee = self._holdings(step_id, agency_id, template.role, started, until, freed, previous)
            warned, escalated = self._alerts(started, due, until)
            self._step(dossier_id, template, agency_id, state, assignee, started, due, finished_at, outcome,
                       warned, escalated)  # fmt: skip
            previous = (agency_id, template.role, assignee)
            started = ends
            if not is_done:
                under_way = index
                break
        for template, agency_id in agency_steps[under_way + 1 :]:
            self._step(dossier_id, template, agency_id, self.PENDING, None, None, None, None, "")

        # The one-stop section's return step, and any step after it (pending: step_complete starts one).
        if returning is not None:
            template, agency_id = returning
            if finished:
                due = self._due(processed_at, template.quota)
                if status == S["RETURNED"] and returned_at is not None:  # dossier_return: done, judged
                    state, until, outcome = self.DONE, returned_at, self._outcome(returned_at, due)
                else:
                    state, until, outcome = self.ACTIVE, now, ""
                warned, escalated = self._alerts(processed_at, due, until)
                finished_at = until if state == self.DONE else None
                self._step(
                    dossier_id, template, agency_id, state, None, processed_at, due, finished_at, outcome,
                    warned, escalated,
                )  # fmt: skip
            else:
                self._step(dossier_id, template, agency_id, self.PENDING, None, None, None, None, "")
            for template, agency_id in plan[last + 1 :]:
                self._step(dossier_id, template, agency_id, self.PENDING, None, None, None, None, "")

    def _holdings(
        self,
        step_id: int,
        agency_id: int,
        role: str,
        started: datetime,
        until: datetime,
        is_done: bool,
        previous: tuple[int, str, int | None] | None,
    ) -> int | None:
        """Who held the step: returns its assignee (None: still in the pool) and writes the holdings."""
        rng = self.rng
        candidates = self.setup.holders.get((agency_id, role), [])
        if not candidates:
            return None
        heads = self.setup.heads.get(agency_id, [])
        ended = self.moment(until) if is_done else None
        holder: int | None = None
        since = started
        if previous is not None and previous[0] == agency_id and rng.random() < P_FORWARDED_TO_NAMED:
            # step_complete(assign_to=…): the colleague is named by whoever completed the step before.
            holder = candidates[rng.randrange(len(candidates))]
            by = previous[2]
            if by is None:
                by_candidates = self.setup.holders.get((agency_id, previous[1]), [])
                by = by_candidates[rng.randrange(len(by_candidates))] if by_candidates else None
            reason = self.setup.words["assigned"]
        elif heads and rng.random() < P_ASSIGNED_BY_HEAD:
            # step_reassign from the pool, some minutes after the step arrived.
            since = started + timedelta(seconds=rng.randint(300, 5400))
            if since >= until:
                return None
            holder = candidates[rng.randrange(len(candidates))]
            by = heads[rng.randrange(len(heads))]
            reason = self.setup.words["reassigned"]
        else:
            return None
        if len(candidates) > 1 and heads and rng.random() < P_REASSIGNED:
            moved = since + (until - since) * rng.uniform(0.2, 0.8)
            if since < moved < until:
                self.holdings.append((step_id, holder, by, self.moment(since), self.moment(moved), reason))
                holder = rng.choice([c for c in candidates if c != holder])
                by, since, reason = heads[rng.randrange(len(heads))], moved, self.setup.words["reassigned"]
        self.holdings.append((step_id, holder, by, self.moment(since), ended, reason))
        return holder

    def _step(
        self,
        dossier_id: int,
        template: Template,
        agency_id: int,
        state: str,
        assignee: int | None,
        started: datetime | None,
        due: datetime | None,
        finished: datetime | None,
        outcome: str,
        warned: datetime | None = None,
        escalated: datetime | None = None,
    ) -> None:
        moment = self.moment
        self.steps.append(
            (self.next_id, dossier_id, template.order, template.name, agency_id, template.role,
             str(template.quota), state, assignee, moment(started), moment(due), moment(finished), outcome,
             moment(warned), moment(escalated))
        )  # fmt: skip
        self.next_id += 1


def _utc(value: datetime) -> str:
    """What Django stores for an aware datetime on SQLite (naive UTC through ``str()``)."""
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("moments must carry a time zone")
    return str(value.replace(tzinfo=None) - offset)


# --- reading dossiers, writing rows (one process) ----------------------------------------------------


def _chunks(batch_size: int) -> Iterator[tuple[list[tuple[Any, ...]], dict[int, list], dict[int, list]]]:
    """Transferred dossiers in id order, with their pauses after the transfer and their processing-stage
    requests to supplement, ``batch_size`` at a time."""
    from django.db.models import Q

    from egov.dossiers.models import Dossier, DossierEvent, Status, SupplementRequest

    paused = (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED, Status.WITHDRAWAL_REQUESTED)
    after = 0
    while True:
        rows = list(
            Dossier.objects.filter(transferred_at__isnull=False, pk__gt=after)
            .order_by("pk")
            .values_list(*DOSSIER_FIELDS)[:batch_size]
        )
        if not rows:
            return
        low, high = rows[0][0], rows[-1][0]
        after = high
        transferred = {row[0]: row[7] for row in rows}
        pendings: dict[int, list[Pending]] = defaultdict(list)
        events = (
            DossierEvent.objects.filter(dossier_id__gte=low, dossier_id__lte=high)
            .filter(Q(to_status__in=paused) | Q(from_status__in=paused))
            .order_by("dossier_id", "at", "pk")
            .values_list("dossier_id", "from_status", "to_status", "at")
        )
        for dossier_id, from_status, to_status, at in events:
            since = transferred.get(dossier_id)
            if since is None or at < since:
                continue
            open_ = pendings[dossier_id]
            if to_status in paused:
                open_.append(Pending(to_status, at, None))
            elif from_status in paused and open_ and open_[-1].end is None and to_status == Status.PROCESSING:
                open_[-1].end = at
        supplements: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for supplement_id, dossier_id, requested_at, fulfilled_at in (
            SupplementRequest.objects.filter(
                dossier_id__gte=low, dossier_id__lte=high, stage=SupplementRequest.Stage.PROCESSING
            )
            .order_by("dossier_id", "requested_at", "pk")
            .values_list("pk", "dossier_id", "requested_at", "fulfilled_at")
        ):
            supplements[dossier_id].append((supplement_id, requested_at, fulfilled_at))
        yield rows, pendings, supplements


Made = tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]


def _step_count(setup: Setup, rows: Sequence[Sequence[Any]]) -> int:
    """How many steps the dossiers get: one per template (processing_start), or its one default step."""
    return sum(len(setup.templates.get(row[1]) or (None,)) for row in rows)


def make_chunk(
    setup: Setup,
    seed: int,
    index: int,
    rows: Sequence[Sequence[Any]],
    pendings: dict[int, list[Pending]],
    supplements: dict[int, list[tuple[Any, ...]]],
    first_step_id: int,
) -> Made:
    """The rows of one chunk of dossiers; the same for the same seed and chunk, whichever process."""
    maker = Maker(setup, f"{seed}:{index}", first_step_id)
    for row in rows:
        maker.dossier(row, pendings.get(row[0], []), supplements.get(row[0], []))
    if maker.next_id - first_step_id != _step_count(setup, rows):
        raise StepsError("a dossier got another number of steps than its templates")
    return maker.take()


# Worker processes: the set-up arrives once (initializer), then chunks of dossiers.
_worker_setup: Setup | None = None


def _start_worker(setup: Setup) -> None:
    global _worker_setup
    _worker_setup = setup


def _work(
    seed: int,
    index: int,
    rows: Sequence[Sequence[Any]],
    pendings: dict[int, list[Pending]],
    supplements: dict[int, list[tuple[Any, ...]]],
    first_step_id: int,
) -> Made:
    assert _worker_setup is not None
    return make_chunk(_worker_setup, seed, index, rows, pendings, supplements, first_step_id)


@contextmanager
def _bulk(connection: Any, tables: Sequence[str]) -> Iterator[None]:
    """Faster writes: SQLite without fsync, PostgreSQL commits without waiting for the WAL; the tables'
    secondary indexes dropped and built again at the end. Inside a transaction (tests) nothing changes."""
    if connection.in_atomic_block:
        yield
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-262144")
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
                list(tables),
            )
        else:
            cursor.execute("SET synchronous_commit TO off")
            cursor.execute("SET maintenance_work_mem TO '512MB'")
            cursor.execute(
                "SELECT index_class.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
                " JOIN pg_class index_class ON index_class.oid = i.indexrelid"
                " JOIN pg_class table_class ON table_class.oid = i.indrelid"
                " WHERE NOT i.indisunique AND NOT i.indisprimary AND table_class.relname = ANY(%s)",
                [list(tables)],
            )
        dropped = list(cursor.fetchall())
        for name, _definition in dropped:
            cursor.execute(f"DROP INDEX {quote(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, definition in dropped:
                cursor.execute(definition)
            if connection.vendor == "sqlite":
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                cursor.execute("SET synchronous_commit TO DEFAULT")
                cursor.execute("RESET maintenance_work_mem")


@dataclass
class StepsGenerated:
    dossiers: int  # transferred dossiers given steps
    rows: dict[str, int]
    seconds: float  # reading dossiers, making and writing rows, building the indexes again
    analyze_seconds: float
    created_officials: int
    vendor: str
    states: dict[str, int]
    workers: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        per_table = ", ".join(f"{name} {count:,}" for name, count in self.rows.items())
        states = ", ".join(f"{name} {count:,}" for name, count in sorted(self.states.items()))
        return (
            f"steps for {self.dossiers:,} transferred dossiers on {self.vendor}: {self.total_rows:,} rows "
            f"({per_table}; steps {states}) in {self.seconds:,.1f} s = {self.rows_per_second:,.0f} rows/s; "
            f"{self.workers} worker process(es); {self.created_officials} bench officials created; "
            f"then ANALYZE {self.analyze_seconds:,.1f} s"
        )


def generate_steps(
    *,
    seed: int = 2026,
    now: datetime | None = None,
    batch_size: int = 20_000,
    workers: int = 0,
    progress: Callable[[str], None] | None = None,
) -> StepsGenerated:
    """Steps, holdings and pauses for every transferred dossier of the database Django is set up with;
    ``workers`` processes make the rows while this one reads dossiers and writes (0: all in this one).
    The output is the same for a seed whatever the number of workers."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from egov.dossiers.models import Dossier, DossierStep, Pause, StepHolding

    if not Dossier.objects.exists():
        raise StepsError("no dossier: run bench.generate first")
    for model in (DossierStep, StepHolding, Pause):
        count = model.objects.count()
        if count:
            raise StepsError(
                f"the database already holds {count:,} {model._meta.verbose_name_plural}: "
                "generate again into a fresh database"
            )
    started = time.perf_counter()
    setup = read_setup(now=now or timezone.now())
    tables = {
        "steps": Table(DossierStep, STEP_COLUMNS, connection),
        "holdings": Table(StepHolding, HOLDING_COLUMNS, connection),
        "pauses": Table(Pause, PAUSE_COLUMNS, connection),
    }
    states: dict[str, int] = defaultdict(int)
    dossiers = 0

    def write(made: Made, count: int) -> None:
        nonlocal dossiers
        steps, holdings, pauses = made
        for step in steps:
            states[step[7]] += 1
        with transaction.atomic():
            tables["steps"].write(connection, steps)
            tables["holdings"].write(connection, holdings)
            tables["pauses"].write(connection, pauses)
        dossiers += count
        if progress is not None:
            elapsed = time.perf_counter() - started
            written = sum(table.written for table in tables.values())
            progress(f"{dossiers:>12,} dossiers: {written:,} rows, {written / elapsed:,.0f} rows/s")

    next_id = 1
    with _bulk(connection, [table.table for table in tables.values()]):
        chunks = _chunks(batch_size)
        if workers <= 0:
            for index, (rows, pendings, supplements) in enumerate(chunks):
                write(make_chunk(setup, seed, index, rows, pendings, supplements, next_id), len(rows))
                next_id += _step_count(setup, rows)
        else:
            context = multiprocessing.get_context("spawn")
            with context.Pool(workers, initializer=_start_worker, initargs=(setup,)) as pool:
                in_flight: deque[tuple[Any, int]] = deque()
                for index, (rows, pendings, supplements) in enumerate(chunks):
                    arguments = (seed, index, rows, dict(pendings), dict(supplements), next_id)
                    in_flight.append((pool.apply_async(_work, arguments), len(rows)))
                    next_id += _step_count(setup, rows)
                    if len(in_flight) > workers + 1:  # bounded: rows wait in memory only so far ahead
                        result, count = in_flight.popleft()
                        write(result.get(), count)
                while in_flight:
                    result, count = in_flight.popleft()
                    write(result.get(), count)
        if progress is not None:
            progress("building the indexes again")
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [DossierStep]):
            cursor.execute(statement)
    seconds = time.perf_counter() - started
    analyzed = time.perf_counter()
    if not connection.in_atomic_block:
        with connection.cursor() as cursor:
            for table in tables.values():
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table.table)}")
    return StepsGenerated(
        dossiers=dossiers,
        rows={name: table.written for name, table in tables.items()},
        seconds=seconds,
        analyze_seconds=time.perf_counter() - analyzed,
        created_officials=setup.created_officials,
        vendor=connection.vendor,
        states=dict(states),
        workers=workers,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.generate_steps", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--database-url", required=True, help="a database filled by bench.generate")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--batch-size", type=int, default=20_000, help="dossiers per transaction (20,000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=max(0, (os.cpu_count() or 1) - 1),
        help="processes making rows while this one reads and writes (default: the CPU count less one, "
        "as this one is busy too; 0: none)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--json", action="store_true", help="print the summary as one JSON line")
    args = parser.parse_args(argv)
    say = None if args.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    setup_django(args.database_url)
    if say:
        say(f"making processing steps in {redacted(args.database_url)}")
    try:
        result = generate_steps(
            seed=args.seed, batch_size=args.batch_size, workers=args.workers, progress=say
        )
    except StepsError as error:
        print(f"bench.generate_steps: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(
            json.dumps(
                {**asdict(result), "total_rows": result.total_rows, "rows_per_second": result.rows_per_second}
            )
        )
    else:
        print(result.summary())
    return 0


if __name__ == "__main__":
    from bench.generate_steps import main as run

    sys.exit(run())
