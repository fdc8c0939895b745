"""The rows of one page of the officers' work queue, as plain SQL: one statement joining the step, its
dossier, procedure version and procedure, its agency and its holder, read into small objects with the
attribute paths the templates and the API use (``row.dossier.procedure_version.name``).

The queue page is the officers' busiest page and reloads itself every minute. Through the ORM
(``select_related`` over six tables, ``only`` the shown columns) building the statement and the model
instances cost about as much as the rest of the page's reads together (docs/benchmarks.md, "Where the
queue's time goes"). Identifiers come from the models' metadata, never from input; the page's ids go as
parameters. Portable SQL: SQLite and PostgreSQL run the same statement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.db import connection

from egov.accounts.models import Agency, User
from egov.catalog.models import Procedure, ProcedureVersion
from egov.core.sql import fetch_all, sql_column, sql_table
from egov.dossiers.lookup_reads import aware
from egov.dossiers.models import Dossier, DossierStep


@dataclass(frozen=True, slots=True)
class RowProcedure:
    national_code: str


@dataclass(frozen=True, slots=True)
class RowVersion:
    name: str
    procedure: RowProcedure


@dataclass(frozen=True, slots=True)
class RowDossier:
    id: int
    code: str
    status: str
    applicant_name: str
    procedure_version: RowVersion


@dataclass(frozen=True, slots=True)
class RowAgency:
    id: int
    code: str
    name: str
    short_name: str

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class RowPerson:
    id: int
    username: str
    full_name: str

    def __str__(self) -> str:  # as User.__str__
        return self.full_name or self.username


@dataclass(slots=True)
class QueueRow:
    """One active step of the queue with what its row shows; ``can_act`` and ``is_paused`` are set by
    ``selectors_work.work_queue_page``."""

    id: int
    order: int
    name: str
    role: str
    state: str
    started_at: datetime | None
    due_at: datetime | None
    dossier: RowDossier
    agency: RowAgency
    assignee: RowPerson | None
    can_act: bool = False
    is_paused: int = 0

    @property
    def pk(self) -> int:
        return self.id

    @property
    def dossier_id(self) -> int:
        return self.dossier.id

    @property
    def agency_id(self) -> int:
        return self.agency.id

    @property
    def assignee_id(self) -> int | None:
        return self.assignee.id if self.assignee is not None else None


@cache
def _statement(ids: int, vendor: str) -> str:
    models = (DossierStep, Dossier, ProcedureVersion, Procedure, Agency, User)
    s, d, pv, p, a, u = (sql_table(model) for model in models)

    def col(alias: str, model: type, field: str) -> str:
        return f"{alias}.{sql_column(model, field)}"

    step_fields = ("id", "order", "name", "role", "state", "started_at", "due_at")
    step = [col("s", DossierStep, f) for f in step_fields]
    dossier = [col("d", Dossier, f) for f in ("id", "code", "status", "applicant_name")]
    agency = [col("a", Agency, f) for f in ("id", "code", "name", "short_name")]
    person = [col("u", User, f) for f in ("id", "username", "full_name")]
    procedure = [col("pv", ProcedureVersion, "name"), col("p", Procedure, "national_code")]
    columns = ", ".join([*step, *dossier, *procedure, *agency, *person])
    placeholders = ", ".join(["%s"] * ids)
    return (
        f"SELECT {columns} FROM {s} s "  # noqa: S608
        f"JOIN {d} d ON {col('d', Dossier, 'id')} = {col('s', DossierStep, 'dossier')} "
        f"JOIN {pv} pv ON {col('pv', ProcedureVersion, 'id')} = {col('d', Dossier, 'procedure_version')} "
        f"JOIN {p} p ON {col('p', Procedure, 'id')} = {col('pv', ProcedureVersion, 'procedure')} "
        f"JOIN {a} a ON {col('a', Agency, 'id')} = {col('s', DossierStep, 'agency')} "
        f"LEFT JOIN {u} u ON {col('u', User, 'id')} = {col('s', DossierStep, 'assignee')} "
        f"WHERE {col('s', DossierStep, 'id')} IN ({placeholders})"
    )


def queue_rows(ids: list[int]) -> list[QueueRow]:
    """The steps of ``ids`` in that order (ids no longer found are left out)."""
    if not ids:
        return []
    found = fetch_all(_statement(len(ids), connection.vendor), ids)
    rows: dict[int, QueueRow] = {}
    for (
        pk, order, name, role, state, started, due,
        dossier_id, code, status, applicant,
        version_name, national_code,
        agency_id, agency_code, agency_name, agency_short,
        person_id, username, full_name,
    ) in found:  # fmt: skip
        rows[pk] = QueueRow(
            id=pk,
            order=order,
            name=name,
            role=role,
            state=state,
            started_at=aware(started),
            due_at=aware(due),
            dossier=RowDossier(
                id=dossier_id,
                code=code,
                status=status,
                applicant_name=applicant or "",
                procedure_version=RowVersion(name=version_name, procedure=RowProcedure(national_code)),
            ),
            agency=RowAgency(id=agency_id, code=agency_code, name=agency_name, short_name=agency_short or ""),
            assignee=RowPerson(person_id, username, full_name or "") if person_id is not None else None,
        )
    return [rows[pk] for pk in ids if pk in rows]
