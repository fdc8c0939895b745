"""The public lookup's reads, as plain SQL. Identifiers come from the models' metadata, never from
input; values are always parameters.

The lookup is the busiest read of the system (a QR code on every receipt, statuses pushed to phones).
Through the ORM, building and compiling its four queries took more than half of each lookup's time
(docs/benchmarks.md, "Where the lookup's time goes"); the statements below are the ones the ORM issued,
written once, the slip's rows and the history in one round trip. Table and column names come from the
models, so a renamed field fails the tests here rather than in production. Portable SQL: SQLite and
PostgreSQL run the same statements.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import NamedTuple

from egov.accounts.models import Agency
from egov.catalog.models import ProcedureVersion
from egov.core.sql import fetch_all, fetch_one, sql_column, sql_table
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
def _statements() -> tuple[str, str]:
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

    def ec(field: str) -> str:
        return f"e.{sql_column(DossierEvent, field)}"

    # The control slip's rows and the status history in one round trip: part 0, then part 1, each in
    # its order (moment, id). The history's rows leave the agency and outcome columns empty.
    story = (
        f"SELECT 0, {cc('step')}, fa.{agency_name}, ta.{agency_name}, "  # noqa: S608
        f"{cc('handed_at')}, {cc('due_at')}, {cc('outcome')}, {cc('id')} FROM {c} c "
        f"LEFT JOIN {a} fa ON fa.{agency_id} = {cc('from_agency')} "
        f"LEFT JOIN {a} ta ON ta.{agency_id} = {cc('to_agency')} "
        f"WHERE {cc('dossier')} = %s "
        f"UNION ALL SELECT 1, {ec('to_status')}, NULL, NULL, {ec('at')}, NULL, NULL, {ec('id')} FROM {e} e "
        f"WHERE {ec('dossier')} = %s ORDER BY 1, 5, 8"
    )
    return dossier, story


def aware(value: datetime | None) -> datetime | None:
    """SQLite gives a plain cursor naive UTC datetimes (the ORM converts them); PostgreSQL aware ones."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def dossier_row(code: str) -> DossierRow | None:
    found = fetch_one(_statements()[0], [code])
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


def dossier_story(dossier_id: int) -> tuple[list[ControlRowView], list[tuple[str, datetime]]]:
    """The control slip's rows (form 06) and the status history (to status, moment), each in order."""
    rows = fetch_all(_statements()[1], [dossier_id, dossier_id])
    control: list[ControlRowView] = []
    history: list[tuple[str, datetime]] = []
    for part, text, from_agency, to_agency, moment, due, outcome, _id in rows:
        if part == 0:
            handed, until = aware(moment), aware(due)
            row = ControlRowView(text, from_agency or "", to_agency or "", handed, until, outcome or "")  # type: ignore[arg-type]
            control.append(row)
        else:
            history.append((text, aware(moment)))  # type: ignore[arg-type]
    return control, history
