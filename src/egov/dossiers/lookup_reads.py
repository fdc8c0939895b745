"""The public lookup's three reads, as plain SQL. Identifiers come from the models' metadata, never from
input; values are always parameters.

The lookup is the busiest read of the system (a QR code on every receipt, statuses pushed to phones).
Through the ORM, building and compiling its four queries took more than half of each lookup's time
(docs/benchmarks.md, "Where the lookup's time goes"); the statements below are the ones the ORM issued,
written once. Table and column names come from the models, so a renamed field fails the tests here
rather than in production. Portable SQL: SQLite and PostgreSQL run the same statements.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import NamedTuple

from django.db import connection

from egov.accounts.models import Agency
from egov.catalog.models import ProcedureVersion
from egov.core.sql import sql_column, sql_table
from egov.dossiers.models import ControlRow, Dossier, DossierEvent


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
def _statements() -> tuple[str, str, str]:
    d, pv, a = sql_table(Dossier), sql_table(ProcedureVersion), sql_table(Agency)
    name, agency_name, agency_id = (
        sql_column(ProcedureVersion, "name"),
        *(sql_column(Agency, field) for field in ("name", "id")),
    )
    c, e = sql_table(ControlRow), sql_table(DossierEvent)

    def dc(field: str) -> str:
        return f"d.{sql_column(Dossier, field)}"

    dossier = (
        f"SELECT {dc('id')}, {dc('code')}, {dc('status')}, {dc('applicant_phone')}, "  # noqa: S608
        f"{dc('applicant_personal_id')}, {dc('submitted_at')}, {dc('received_at')}, {dc('due_at')}, "
        f"pv.{name}, ra.{agency_name}, pa.{agency_name} "
        f"FROM {d} d JOIN {pv} pv ON pv.{sql_column(ProcedureVersion, 'id')} = {dc('procedure_version')} "
        f"JOIN {a} ra ON ra.{agency_id} = {dc('receiving_agency')} "
        f"LEFT JOIN {a} pa ON pa.{agency_id} = {dc('processing_agency')} "
        f"WHERE {dc('code')} = %s"
    )

    def cc(field: str) -> str:
        return f"c.{sql_column(ControlRow, field)}"

    control = (
        f"SELECT {cc('step')}, fa.{agency_name}, ta.{agency_name}, "  # noqa: S608
        f"{cc('handed_at')}, {cc('due_at')}, {cc('outcome')} FROM {c} c "
        f"LEFT JOIN {a} fa ON fa.{agency_id} = {cc('from_agency')} "
        f"LEFT JOIN {a} ta ON ta.{agency_id} = {cc('to_agency')} "
        f"WHERE {cc('dossier')} = %s ORDER BY {cc('handed_at')}, {cc('id')}"
    )
    history = (
        f"SELECT {sql_column(DossierEvent, 'to_status')}, {sql_column(DossierEvent, 'at')} FROM {e} "  # noqa: S608
        f"WHERE {sql_column(DossierEvent, 'dossier')} = %s "
        f"ORDER BY {sql_column(DossierEvent, 'at')}, {sql_column(DossierEvent, 'id')}"
    )
    return dossier, control, history


def aware(value: datetime | None) -> datetime | None:
    """SQLite gives a plain cursor naive UTC datetimes (the ORM converts them); PostgreSQL aware ones."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def dossier_row(code: str) -> DossierRow | None:
    with connection.cursor() as cursor:
        cursor.execute(_statements()[0], [code])
        found = cursor.fetchone()
    if found is None:
        return None
    (pk, code, status, phone, personal_id, submitted, received, due, procedure, receiving, processing) = found
    return DossierRow(
        id=pk,
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


def control_rows(dossier_id: int) -> list[ControlRowView]:
    with connection.cursor() as cursor:
        cursor.execute(_statements()[1], [dossier_id])
        rows = cursor.fetchall()
    return [
        ControlRowView(step, from_agency or "", to_agency or "", aware(handed), aware(due), outcome or "")  # type: ignore[arg-type]
        for step, from_agency, to_agency, handed, due, outcome in rows
    ]


def status_history(dossier_id: int) -> list[tuple[str, datetime]]:
    with connection.cursor() as cursor:
        cursor.execute(_statements()[2], [dossier_id])
        rows = cursor.fetchall()
    return [(status, aware(at)) for status, at in rows]  # type: ignore[misc]
