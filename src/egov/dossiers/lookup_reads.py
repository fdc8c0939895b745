"""The public lookup's reads, as plain SQL. Identifiers come from the models' metadata, never from
input; values are always parameters.

The lookup is the busiest read of the system (a QR code on every receipt, statuses pushed to phones).
Through the ORM, building and compiling its four queries took more than half of each lookup's time
(docs/benchmarks.md, "Where the lookup's time goes"); the statement below reads what those queries read —
the dossier, the control slip's rows, the status history and the rate limiter's two counters — in one
round trip (each round trip cost a lookup about a quarter of the bare view's time under load). Table and
column names come from the models, so a renamed field fails the tests here rather than in production.
Portable SQL: SQLite and PostgreSQL run the same statement.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any, NamedTuple

from egov.accounts.models import Agency
from egov.catalog.models import ProcedureVersion
from egov.core.sql import fetch_all, sql_column, sql_table
from egov.dossiers.models import ControlRow, Dossier, DossierEvent, LookupStory
from egov.identity.models import RateLimitCounter
from egov.identity.ratelimit import rate_limit_digests


class DossierRow(NamedTuple):
    id: int
    code: str
    status: str
    applicant_phone: str
    applicant_personal_id: str
    submitted_at: datetime
    received_at: datetime | None
    due_at: datetime | None
    procedure: str
    receiving_agency: str
    processing_agency: str


class ControlRowView(NamedTuple):
    step: str
    from_agency: str
    to_agency: str
    handed_at: datetime
    due_at: datetime | None
    outcome: str


@cache
def _statement() -> str:
    """The dossier, its control slip's rows, its status history and the lookup's rate-limit counters, in
    one round trip: part 0 is the dossier, 1 the slip's rows, 2 the history, 3 the counters; each part in
    its order (moment, id). The columns line up by kind across parts (text, moments, id or count), the
    moments in the columns where the dossier's are, so that SQLite converts them in every part."""
    d, a = sql_table(Dossier), sql_table(Agency)
    agency_name, agency_id = (sql_column(Agency, field) for field in ("name", "id"))
    c, e = sql_table(ControlRow), sql_table(DossierEvent)

    def cc(field: str) -> str:
        return f"c.{sql_column(ControlRow, field)}"

    def ec(field: str) -> str:
        return f"e.{sql_column(DossierEvent, field)}"

    dossier_id = f"(SELECT {sql_column(Dossier, 'id')} FROM {d} WHERE {sql_column(Dossier, 'code')} = %s)"  # noqa: S608
    return (
        f"{_dossier_part()} "  # noqa: S608
        f"UNION ALL SELECT 1, {cc('step')}, fa.{agency_name}, ta.{agency_name}, "
        f"{cc('handed_at')}, {cc('due_at')}, NULL, {cc('id')}, {cc('outcome')}, NULL, NULL, NULL FROM {c} c "
        f"LEFT JOIN {a} fa ON fa.{agency_id} = {cc('from_agency')} "
        f"LEFT JOIN {a} ta ON ta.{agency_id} = {cc('to_agency')} "
        f"WHERE {cc('dossier')} = {dossier_id} "
        f"UNION ALL SELECT 2, {ec('to_status')}, NULL, NULL, {ec('at')}, NULL, NULL, {ec('id')}, "
        f"NULL, NULL, NULL, NULL FROM {e} e WHERE {ec('dossier')} = {dossier_id} "
        f"UNION ALL {_counters_part(12)} ORDER BY 1, 5, 8"
    )


def _dossier_part(*extra: str) -> str:
    """Part 0 of the lookup's statements: the dossier of a code, its procedure's and agencies' names, and
    ``extra`` columns of the joins below (``ka``: the answer kept, if any)."""
    d, pv, a = sql_table(Dossier), sql_table(ProcedureVersion), sql_table(Agency)
    agency_name, agency_id = (sql_column(Agency, field) for field in ("name", "id"))

    def dc(field: str) -> str:
        return f"d.{sql_column(Dossier, field)}"

    columns = "".join(f", {column}" for column in extra)
    return (
        f"SELECT 0, {dc('code')}, {dc('status')}, pv.{sql_column(ProcedureVersion, 'name')}, "  # noqa: S608
        f"{dc('submitted_at')}, {dc('received_at')}, {dc('due_at')}, {dc('id')}, "
        f"{dc('applicant_phone')}, {dc('applicant_personal_id')}, "
        f"ra.{agency_name}, pa.{agency_name}{columns} "
        f"FROM {d} d JOIN {pv} pv ON pv.{sql_column(ProcedureVersion, 'id')} = {dc('procedure_version')} "
        f"JOIN {a} ra ON ra.{agency_id} = {dc('receiving_agency')} "
        f"LEFT JOIN {a} pa ON pa.{agency_id} = {dc('processing_agency')} "
        + (
            f"LEFT JOIN {sql_table(LookupStory)} ka ON ka.{sql_column(LookupStory, 'dossier')} = {dc('id')} "
            if extra
            else ""
        )
        + f"WHERE {dc('code')} = %s"
    )


def _counters_part(width: int) -> str:
    """Part 3: the rate limiter's counters of two key digests in a window, as rows ``width`` wide."""
    r = sql_table(RateLimitCounter)

    def rc(field: str) -> str:
        return f"r.{sql_column(RateLimitCounter, field)}"

    nulls = ", NULL" * (width - 8)
    return (
        f"SELECT 3, {rc('key_hash')}, NULL, NULL, NULL, NULL, NULL, {rc('count')}{nulls} "  # noqa: S608
        f"FROM {r} r WHERE {rc('key_hash')} IN (%s, %s) AND {rc('window_start')} = %s"
    )


@cache
def _answer_statement() -> str:
    """The dossier, the story kept for it (if any) and the rate-limit counters, in one round trip; the
    rows in no particular order (the first column says which part a row is)."""
    kept = (f"ka.{sql_column(LookupStory, field)}" for field in ("stamp", "finished_at", "story"))
    return f"{_dossier_part(*kept)} UNION ALL {_counters_part(15)}"


def aware(value: datetime | None) -> datetime | None:
    """SQLite gives a plain cursor naive UTC datetimes (the ORM converts them); PostgreSQL aware ones."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


class LookupRead(NamedTuple):
    dossier: DossierRow | None
    control: list[ControlRowView]  # the control slip's rows (form 06), in order
    history: list[tuple[str, datetime]]  # (to status, moment), in order
    counts: dict[str, int]  # rate-limit key → hits in its current window


def _dossier_row(row: tuple[Any, ...]) -> DossierRow:
    _, code, status, procedure, submitted, received, due, number, phone, personal_id = row[:10]
    receiving, processing = row[10:12]
    return DossierRow(
        id=number,
        code=code,
        status=status,
        applicant_phone=phone or "",
        applicant_personal_id=personal_id or "",
        submitted_at=aware(submitted),  # type: ignore[arg-type]
        received_at=aware(received),
        due_at=aware(due),
        procedure=procedure or "",
        receiving_agency=receiving or "",
        processing_agency=processing or "",
    )


def _rate_parameters(
    rate_keys: tuple[str, str] | None, window_seconds: int
) -> tuple[dict[str, str], list[Any]]:
    """Digest → key, and the counters' parameters; without keys the counters' part reads nothing."""
    if rate_keys is None:
        return {}, [None, None, None]
    digests, window_start = rate_limit_digests(rate_keys, window_seconds)
    return digests, [*digests, window_start]


def lookup_read(code: str, rate_keys: tuple[str, str] | None, window_seconds: int) -> LookupRead:
    """Everything one lookup reads, in one statement: the dossier of ``code`` (None when there is none),
    its story, and the hits of the two rate-limit keys in the current window (none without keys)."""
    digests, rate_parameters = _rate_parameters(rate_keys, window_seconds)
    rows = fetch_all(_statement(), [code, code, code, *rate_parameters])
    dossier: DossierRow | None = None
    control: list[ControlRowView] = []
    history: list[tuple[str, datetime]] = []
    counts = dict.fromkeys(rate_keys or (), 0)
    for row in rows:
        part, text, b, c, moment, second, _, number, d = row[:9]
        if part == 0:
            dossier = _dossier_row(row)
        elif part == 1:
            control.append(ControlRowView(text, b or "", c or "", aware(moment), aware(second), d or ""))  # type: ignore[arg-type]
        elif part == 2:
            history.append((text, aware(moment)))  # type: ignore[arg-type]
        else:
            counts[digests[text]] = number
    return LookupRead(dossier=dossier, control=control, history=history, counts=counts)


class KeptStory(NamedTuple):
    stamp: str  # the labels it was written with (lookup_answers.answer_stamp)
    finished_at: datetime | None
    story: str  # JSON members: "finished_at", "steps", "history"


class AnswerRead(NamedTuple):
    dossier: DossierRow | None
    kept: KeptStory | None
    counts: dict[str, int]


def answer_read(code: str, rate_keys: tuple[str, str], window_seconds: int) -> AnswerRead:
    """The dossier of ``code``, the answer kept for it, and the hits of the two rate-limit keys in the
    current window, in one statement: what a lookup reads when its answer is kept (lookup_answers)."""
    digests, rate_parameters = _rate_parameters(rate_keys, window_seconds)
    dossier: DossierRow | None = None
    kept: KeptStory | None = None
    counts = dict.fromkeys(rate_keys, 0)
    for row in fetch_all(_answer_statement(), [code, *rate_parameters]):
        if row[0] == 0:
            dossier = _dossier_row(row)
            stamp, finished_at, story = row[12:]
            if story is not None:
                kept = KeptStory(stamp, aware(finished_at), story)
        else:
            counts[digests[row[1]]] = row[7]
    return AnswerRead(dossier=dossier, kept=kept, counts=counts)
