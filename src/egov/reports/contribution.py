"""What one dossier adds to the summary tables (:class:`Contribution`), computed from its rows with the
on-time rule of indicator 2.1 (``egov.dossiers.statistics.classify_facts``), so that the summaries agree
with the statistics computed from the raw tables (docs/reports.md, docs/statistics.md).

:func:`load_records` reads a set of dossiers with a fixed number of queries (never one per dossier) and
returns each one's facts and contribution; the rebuild and the incremental updates both use it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from egov.catalog.models import Fee, ProcedureVersion
from egov.core.calendar.engine import WorkingCalendar
from egov.core.calendar.selectors import get_calendar
from egov.dossiers.models import Dossier, DossierPaper, Extension, Pause, Rating, Status, SupplementRequest
from egov.dossiers.statistics import DossierFacts, Outcome, SupplementFact, classify_facts
from egov.identity.models import Identity
from egov.payments.models import Payment
from egov.reports.conf import report_setting
from egov.reports.models import DossierState
from egov.results.models import ResultDocument

# Flags of a dossier (DossierState.flags).
ONLINE = 1 << 0
POSTAL = 1 << 1
ONLINE_COUNTED = 1 << 2  # indicator 3.3
SYNCED = 1 << 3  # indicator 1.4: has a code on the National Public Service Portal
REUSED = 1 << 4  # indicator 4.3: a paper reused from the e-store or national databases
FROM_ESTORE = 1 << 5  # indicator 4.4: a paper from the e-store, or the result filed in it
POPULATION_DATA = 1 << 6  # indicator 4.5: VNeID-authenticated applicant or population data
E_RESULT = 1 << 7  # indicator 4.1: an electronic result
DIGITISED = 1 << 8  # indicator 4.2: papers as files and an electronic result
FEE_BEARING = 1 << 9  # indicator 3.6's denominator: the procedure charges a fee
PAID_ONLINE = 1 << 10  # indicator 3.6: paid through the national platform or the local gateway
PAID_NATIONAL = 1 << 11  # indicator 3.5: paid through the national portal's payment platform

RECEIVED_FLAGS = {
    "received_online": ONLINE,
    "received_postal": POSTAL,
    "online_counted": ONLINE_COUNTED,
    "synced": SYNCED,
    "reused": REUSED,
    "from_estore": FROM_ESTORE,
    "population_data": POPULATION_DATA,
    "fee_bearing": FEE_BEARING,
    "paid_online": PAID_ONLINE,
    "paid_national": PAID_NATIONAL,
}
RESOLVED_KINDS = {
    Outcome.EARLY: "resolved_early",
    Outcome.ON_TIME: "resolved_on_time",
    Outcome.LATE: "resolved_late",
}
CLOSED_KINDS = {Outcome.REFUSED: "refused", Outcome.WITHDRAWN: "withdrawn"}
# Statuses in which the agencies, not the applicant, must act (the overdue list).
AGENCY_STATUSES = frozenset({Status.RECEIVED, Status.PROCESSING})
MICROSECONDS_PER_HOUR = 3_600_000_000


@dataclass(frozen=True, slots=True)
class Contribution:
    """What a dossier adds: to the day it was received (``received_on``) and to the day it finished
    (``finished_on``: resolved, refused, withdrawn or stopped), for its agency, procedure and field."""

    agency_id: int | None = None
    procedure_id: int | None = None
    field_id: int | None = None
    received_on: date | None = None
    finished_on: date | None = None
    finish_kind: str = ""  # early, on_time, late, refused, withdrawn or ""
    working_us: int = 0
    flags: int = 0
    rating: int | None = None  # 1 satisfied, 0 not, of a resolved dossier
    awaits_agency: bool = False
    current_due_at: datetime | None = None

    @property
    def is_resolved(self) -> bool:
        return self.finish_kind in {Outcome.EARLY, Outcome.ON_TIME, Outcome.LATE}

    def received_measures(self) -> dict[str, int]:
        if self.received_on is None:
            return {}
        measures = {"received": 1}
        for name, flag in RECEIVED_FLAGS.items():
            if self.flags & flag:
                measures[name] = 1
        return measures

    def finished_measures(self) -> dict[str, int]:
        if self.finished_on is None:
            return {}
        if self.finish_kind in CLOSED_KINDS:
            return {CLOSED_KINDS[Outcome(self.finish_kind)]: 1}
        measures = {RESOLVED_KINDS[Outcome(self.finish_kind)]: 1, "resolved_working_us": self.working_us}
        if self.flags & E_RESULT:
            measures["e_result"] = 1
        if self.flags & DIGITISED:
            measures["digitised"] = 1
        if self.rating is not None:
            measures["rated"] = 1
            measures["satisfied"] = self.rating
        return measures

    def buckets(self) -> list[tuple[date, dict[str, int]]]:
        """(day, measures) pairs this dossier adds to; the same day may appear twice."""
        found: list[tuple[date, dict[str, int]]] = []
        if self.received_on is not None:
            found.append((self.received_on, self.received_measures()))
        if self.finished_on is not None:
            found.append((self.finished_on, self.finished_measures()))
        return found

    @property
    def key(self) -> tuple[int, int, int] | None:
        if self.agency_id is None or self.procedure_id is None or self.field_id is None:
            return None
        return (self.agency_id, self.procedure_id, self.field_id)

    @classmethod
    def from_state(cls, state: DossierState) -> Contribution:
        return cls(
            agency_id=state.agency_id,
            procedure_id=state.procedure_id,
            field_id=state.field_id,
            received_on=state.received_on,
            finished_on=state.finished_on,
            finish_kind=state.finish_kind,
            working_us=state.working_us,
            flags=state.flags,
            rating=state.rating,
            awaits_agency=state.awaits_agency,
            current_due_at=state.current_due_at,
        )

    def state_values(self) -> dict[str, Any]:
        return {
            "agency_id": self.agency_id,
            "procedure_id": self.procedure_id,
            "field_id": self.field_id,
            "received_on": self.received_on,
            "finished_on": self.finished_on,
            "finish_kind": self.finish_kind,
            "working_us": self.working_us,
            "flags": self.flags,
            "rating": self.rating,
            "awaits_agency": self.awaits_agency,
            "current_due_at": self.current_due_at,
        }


@dataclass(frozen=True, slots=True)
class Extras:
    """What a dossier's other rows add to its flags."""

    has_file: bool = False
    has_reuse: bool = False
    has_estore_paper: bool = False
    has_national_paper: bool = False
    has_result: bool = False
    result_in_estore: bool = False
    is_vneid: bool = False
    rating: bool | None = None
    paid_online: bool = False
    paid_national: bool = False
    extension_new_due: datetime | None = None


@dataclass(frozen=True, slots=True)
class DossierRecord:
    id: int
    status: str
    agency_id: int
    procedure_id: int
    field_id: int
    facts: DossierFacts
    contribution: Contribution


def _local_day(moment: datetime, calendar: WorkingCalendar) -> date:
    return moment.astimezone(calendar.tz).date()


def finish_moment(facts: DossierFacts) -> datetime | None:
    """The end moment of indicator 2.1: processed, else returned, else closed (refused or stopped)."""
    if facts.processed_at is not None:
        return facts.processed_at
    if facts.returned_at is not None:
        return facts.returned_at
    if facts.status in {Status.REFUSED, Status.STOPPED} and facts.closed_at is not None:
        return facts.closed_at
    return None


def _latest_moment(facts: DossierFacts) -> datetime:
    moments = [
        moment
        for moment in (
            facts.received_at,
            facts.processed_at,
            facts.returned_at,
            facts.closed_at,
            facts.extension_requested_at,
        )
        if moment is not None
    ]
    for begin, end in facts.pauses:
        moments.extend(moment for moment in (begin, end) if moment is not None)
    for request in facts.supplements:
        moments.extend(
            moment
            for moment in (request.requested_at, request.fulfilled_at, request.expired_at)
            if moment is not None
        )
    return max(moments)


def current_due(
    facts: DossierFacts, extension_new_due: datetime | None, calendar: WorkingCalendar
) -> datetime | None:
    """The appointment officers work to now (as egov.dossiers.processing.dossier_current_due): the one
    extension's; else the statutory time counted again from the end of the last pause; else the
    receipt's."""
    if extension_new_due is not None:
        return extension_new_due
    ended = [end for _begin, end in facts.pauses if end is not None]
    if ended:
        return calendar.add_working_days(max(ended), facts.processing_days)
    return facts.due_at


def contribution_of(
    *,
    facts: DossierFacts,
    channel: str,
    return_method: str,
    national_code: str,
    agency_id: int,
    procedure_id: int,
    field_id: int,
    extras: Extras,
    calendar: WorkingCalendar,
    has_fee: bool = False,
) -> Contribution:
    """The contribution of one dossier (pure, given its facts and the calendar)."""
    finish = finish_moment(facts)
    finish_kind = ""
    finished_on: date | None = None
    working_us = 0
    if finish is not None:
        # Judged after everything recorded: the same class as in any period ending after it finished.
        classification = classify_facts(
            facts, period_end=_latest_moment(facts) + timedelta(microseconds=1), calendar=calendar
        )
        outcome = classification.outcome
        if outcome in RESOLVED_KINDS or outcome in CLOSED_KINDS:
            assert classification.end is not None
            finish_kind = outcome.value
            finished_on = _local_day(classification.end, calendar)
            if outcome in RESOLVED_KINDS:
                assert classification.net_hours is not None
                working_us = round(classification.net_hours * MICROSECONDS_PER_HOUR)
    received_on = _local_day(facts.received_at, calendar) if facts.received_at is not None else None
    is_resolved = finish_kind in RESOLVED_KINDS
    has_e_result = extras.has_result or return_method == "online"
    flags = 0
    if channel == Dossier.Channel.ONLINE:
        flags |= ONLINE
        # Indicator 3.3: an online dossier whose result was given on paper only does not count.
        if not (is_resolved and report_setting("online_needs_e_result") and not has_e_result):
            flags |= ONLINE_COUNTED
    elif channel == Dossier.Channel.POSTAL:
        flags |= POSTAL
    if national_code:
        flags |= SYNCED
    if extras.has_reuse:
        flags |= REUSED
    if extras.has_estore_paper or extras.result_in_estore:
        flags |= FROM_ESTORE
    if extras.is_vneid or extras.has_national_paper:
        flags |= POPULATION_DATA
    if has_fee:
        flags |= FEE_BEARING
    if extras.paid_online:
        flags |= PAID_ONLINE
    if extras.paid_national:
        flags |= PAID_NATIONAL
    if has_e_result:
        flags |= E_RESULT
        if extras.has_file:
            flags |= DIGITISED
    is_open = received_on is not None and finish is None
    return Contribution(
        agency_id=agency_id,
        procedure_id=procedure_id,
        field_id=field_id,
        received_on=received_on,
        finished_on=finished_on,
        finish_kind=finish_kind,
        working_us=working_us,
        flags=flags,
        rating=(int(extras.rating) if extras.rating is not None and is_resolved else None),
        awaits_agency=is_open and facts.status in AGENCY_STATUSES,
        current_due_at=current_due(facts, extras.extension_new_due, calendar) if is_open else None,
    )


DOSSIER_COLUMNS = (
    "id",
    "status",
    "channel",
    "return_method",
    "national_code",
    "applicant_id",
    "processing_agency_id",
    "receiving_agency_id",
    "procedure_version_id",
    "received_at",
    "due_at",
    "processed_at",
    "returned_at",
    "closed_at",
)


def _extras(where: Q, ids_subquery: Any) -> dict[int, dict[str, Any]]:
    """Per dossier id, what its papers, results, rating, extension and applicant say (a few queries)."""
    found: dict[int, dict[str, Any]] = defaultdict(dict)
    papers = DossierPaper.objects.filter(dossier_id__in=ids_subquery)
    for dossier_id, file_id, estore_id, national in papers.values_list(
        "dossier_id", "file_id", "estore_item_id", "from_national_database"
    ).order_by():
        extra = found[dossier_id]
        if file_id is not None or estore_id is not None:
            extra["has_file"] = True
        if estore_id is not None:
            extra["has_estore_paper"] = True
            extra["has_reuse"] = True
        if national:
            extra["has_national_paper"] = True
            extra["has_reuse"] = True
    results = ResultDocument.objects.filter(
        dossier_id__in=ids_subquery, kind=ResultDocument.Kind.RESULT, superseded_at__isnull=True
    )
    for dossier_id, estore_id in results.values_list("dossier_id", "estore_item_id").order_by():
        found[dossier_id]["has_result"] = True
        if estore_id is not None:
            found[dossier_id]["result_in_estore"] = True
    for dossier_id, satisfied in (
        Rating.objects.filter(dossier_id__in=ids_subquery)
        .values_list("dossier_id", "is_satisfied")
        .order_by()
    ):
        found[dossier_id]["rating"] = satisfied
    online_channels = [Payment.Channel.NATIONAL_PORTAL, Payment.Channel.LOCAL_GATEWAY]
    for dossier_id, channel in (
        Payment.objects.filter(
            dossier_id__in=ids_subquery, state=Payment.State.PAID, channel__in=online_channels
        )
        .values_list("dossier_id", "channel")
        .order_by()
    ):
        found[dossier_id]["paid_online"] = True
        if channel == Payment.Channel.NATIONAL_PORTAL:
            found[dossier_id]["paid_national"] = True
    vneid = Identity.objects.filter(user_id=OuterRef("applicant_id"), is_vneid_authenticated=True)
    for dossier_id in (
        Dossier.objects.filter(where, applicant_id__isnull=False)
        .filter(Exists(vneid))
        .values_list("id", flat=True)
        .order_by()
    ):
        found[dossier_id]["is_vneid"] = True
    return found


def _versions(ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Procedure versions by id: procedure, field and processing days."""
    return {
        version["id"]: dict(version)
        for version in ProcedureVersion.objects.filter(pk__in=set(ids))
        .annotate(has_fee=Exists(Fee.objects.filter(version=OuterRef("pk"), amount__gt=0)))
        .values("id", "procedure_id", "field_id", "processing_days", "processing_days_online", "has_fee")
    }


def load_records(where: Q, *, calendar: WorkingCalendar | None = None) -> list[DossierRecord]:
    """Every dossier matching ``where`` (a filter on Dossier) with its facts and contribution, in id
    order. Nine queries whatever the number of dossiers."""
    engine = calendar or get_calendar()
    dossiers = Dossier.objects.filter(where)
    ids = dossiers.values("id")
    rows = list(dossiers.order_by("id").values_list(*DOSSIER_COLUMNS))
    if not rows:
        return []
    pauses: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for dossier_id, started_at, ended_at in (
        Pause.objects.filter(dossier_id__in=ids)
        .values_list("dossier_id", "started_at", "ended_at")
        .order_by()
    ):
        pauses[dossier_id].append((started_at, ended_at))
    supplements: dict[int, list[SupplementFact]] = defaultdict(list)
    for dossier_id, requested_at, fulfilled_at, expired_at in (
        SupplementRequest.objects.filter(dossier_id__in=ids, stage=SupplementRequest.Stage.PROCESSING)
        .values_list("dossier_id", "requested_at", "fulfilled_at", "expired_at")
        .order_by()
    ):
        supplements[dossier_id].append(SupplementFact(requested_at, fulfilled_at, expired_at))
    extensions = {
        dossier_id: (requested_at, new_due_at)
        for dossier_id, requested_at, new_due_at in Extension.objects.filter(dossier_id__in=ids)
        .values_list("dossier_id", "requested_at", "new_due_at")
        .order_by()
    }
    extras = _extras(where, ids)
    versions = _versions(row[8] for row in rows)
    records: list[DossierRecord] = []
    for (
        dossier_id,
        status,
        channel,
        return_method,
        national_code,
        _applicant_id,
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
        extension = extensions.get(dossier_id)
        facts = DossierFacts(
            status=status,
            received_at=received_at,
            due_at=due_at,
            processed_at=processed_at,
            returned_at=returned_at,
            closed_at=closed_at,
            processing_days=online_days
            if is_online and online_days is not None
            else version["processing_days"],
            pauses=tuple(sorted(pauses.get(dossier_id, ()), key=lambda pause: pause[0])),
            supplements=tuple(supplements.get(dossier_id, ())),
            extension_requested_at=extension[0] if extension else None,
        )
        extra = extras.get(dossier_id, {})
        agency_id = processing_agency_id or receiving_agency_id
        contribution = contribution_of(
            facts=facts,
            channel=channel,
            return_method=return_method,
            national_code=national_code,
            agency_id=agency_id,
            procedure_id=version["procedure_id"],
            field_id=version["field_id"],
            extras=Extras(**extra, extension_new_due=extension[1] if extension else None),
            calendar=engine,
            has_fee=version["has_fee"],
        )
        records.append(
            DossierRecord(
                id=dossier_id,
                status=status,
                agency_id=agency_id,
                procedure_id=version["procedure_id"],
                field_id=version["field_id"],
                facts=facts,
                contribution=contribution,
            )
        )
    return records


def in_progress_at(
    record: DossierRecord, moment: datetime, calendar: WorkingCalendar
) -> tuple[bool, bool, bool] | None:
    """(overdue, waiting for a supplement, in progress) of a dossier at ``moment`` by indicator 2.1, or
    None when it was not in progress then."""
    facts = record.facts
    if facts.received_at is None or facts.received_at >= moment:
        return None
    finish = finish_moment(facts)
    if finish is not None and finish < moment:
        return None
    classification = classify_facts(facts, period_end=moment, calendar=calendar)
    if classification.outcome == Outcome.IN_PROGRESS_OVERDUE:
        return (True, classification.is_waiting_for_supplement, True)
    if classification.outcome == Outcome.IN_PROGRESS_ON_TIME:
        return (False, classification.is_waiting_for_supplement, True)
    return None


def local_now() -> datetime:
    return timezone.localtime()


__all__ = [
    "Contribution",
    "DossierRecord",
    "contribution_of",
    "in_progress_at",
    "load_records",
]


def hours_of(working_us: int) -> Fraction:
    return Fraction(working_us, MICROSECONDS_PER_HOUR)
