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
from typing import NamedTuple

from egov.accounts.models import Agency
from egov.catalog.models import ProcedureVersion
from egov.core.sql import fetch_all, sql_column, sql_table
from egov.dossiers.models import ControlRow, Dossier, DossierEvent
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
    d, pv, a = sql_table(Dossier), sql_table(ProcedureVersion), sql_table(Agency)
    name, agency_name, agency_id = (
        sql_column(ProcedureVersion, "name"),
        *(sql_column(Agency, field) for field in ("name", "id")),
    )
    c, e, r = sql_table(ControlRow), sql_table(DossierEvent), sql_table(RateLimitCounter)

    def dc(field: str) -> str:
        return f"d.{sql_column(Dossier, field)}"

    def cc(field: str) -> str:
        return f"c.{sql_column(ControlRow, field)}"

    def ec(field: str) -> str:
        return f"e.{sql_column(DossierEvent, field)}"

    def rc(field: str) -> str:
        return f"r.{sql_column(RateLimitCounter, field)}"

    dossier_id = f"(SELECT {sql_column(Dossier, 'id')} FROM {d} WHERE {sql_column(Dossier, 'code')} = %s)"  # noqa: S608
    return (
        f"SELECT 0, {dc('code')}, {dc('status')}, pv.{name}, "  # noqa: S608
        f"{dc('submitted_at')}, {dc('received_at')}, {dc('due_at')}, {dc('id')}, "
        f"{dc('applicant_phone')}, {dc('applicant_personal_id')}, ra.{agency_name}, pa.{agency_name} "
        f"FROM {d} d JOIN {pv} pv ON pv.{sql_column(ProcedureVersion, 'id')} = {dc('procedure_version')} "
        f"JOIN {a} ra ON ra.{agency_id} = {dc('receiving_agency')} "
        f"LEFT JOIN {a} pa ON pa.{agency_id} = {dc('processing_agency')} "
        f"WHERE {dc('code')} = %s "
        f"UNION ALL SELECT 1, {cc('step')}, fa.{agency_name}, ta.{agency_name}, "
        f"{cc('handed_at')}, {cc('due_at')}, NULL, {cc('id')}, {cc('outcome')}, NULL, NULL, NULL FROM {c} c "
        f"LEFT JOIN {a} fa ON fa.{agency_id} = {cc('from_agency')} "
        f"LEFT JOIN {a} ta ON ta.{agency_id} = {cc('to_agency')} "
        f"WHERE {cc('dossier')} = {dossier_id} "
        f"UNION ALL SELECT 2, {ec('to_status')}, NULL, NULL, {ec('at')}, NULL, NULL, {ec('id')}, "
        f"NULL, NULL, NULL, NULL FROM {e} e WHERE {ec('dossier')} = {dossier_id} "
        f"UNION ALL SELECT 3, {rc('key_hash')}, NULL, NULL, NULL, NULL, NULL, {rc('count')}, "
        f"NULL, NULL, NULL, NULL FROM {r} r WHERE {rc('key_hash')} IN (%s, %s) AND {rc('window_start')} = %s "
        "ORDER BY 1, 5, 8"
    )


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


def lookup_read(code: str, rate_keys: tuple[str, str], window_seconds: int) -> LookupRead:
    """Everything one lookup reads, in one statement: the dossier of ``code`` (None when there is none),
    its story, and the hits of the two rate-limit keys in the current window."""
    digests, window_start = rate_limit_digests(rate_keys, window_seconds)
    rows = fetch_all(_statement(), [code, code, code, *digests, window_start])
    dossier: DossierRow | None = None
    control: list[ControlRowView] = []
    history: list[tuple[str, datetime]] = []
    counts = dict.fromkeys(rate_keys, 0)
    for part, text, b, c, moment, second, third, number, d, personal_id, receiving, processing in rows:
        if part == 0:
            dossier = DossierRow(
                id=number,
                code=text,
                status=b,
                applicant_phone=d or "",
                applicant_personal_id=personal_id or "",
                submitted_at=aware(moment),  # type: ignore[arg-type]
                received_at=aware(second),
                due_at=aware(third),
                procedure=c or "",
                receiving_agency=receiving or "",
                processing_agency=processing or "",
            )
        elif part == 1:
            control.append(ControlRowView(text, b or "", c or "", aware(moment), aware(second), d or ""))  # type: ignore[arg-type]
        elif part == 2:
            history.append((text, aware(moment)))  # type: ignore[arg-type]
        else:
            counts[digests[text]] = number
    return LookupRead(dossier=dossier, control=control, history=history, counts=counts)
