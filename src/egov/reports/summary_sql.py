"""Sums over the summary tables in plain SQL, for the dashboard's few hot queries (the ORM spends more time
compiling a query with thirty sums than the database spends answering it on a few thousand rows)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Model


def sums(
    model: type[Model],
    *,
    date_field: str,
    start: date,
    end: date,
    agencies: Iterable[int] | None,
    procedure_id: int | None,
    group: Sequence[str],
    measures: Sequence[str],
) -> list[dict[str, Any]]:
    """``SUM`` of ``measures`` per ``group`` over the rows dated ``start``…``end`` (both included) of those
    agencies (None: all) and that procedure (None: all). Column names come from the code, never from input."""
    quote = connection.ops.quote_name
    where = [f"{quote(date_field)} >= %s", f"{quote(date_field)} <= %s"]
    params: list[Any] = [
        connection.ops.adapt_datefield_value(start),
        connection.ops.adapt_datefield_value(end),
    ]
    if agencies is not None:
        listed = sorted(set(agencies))
        if not listed:
            return []
        where.append(f"agency_id IN ({', '.join(['%s'] * len(listed))})")
        params += listed
    if procedure_id is not None:
        where.append("procedure_id = %s")
        params.append(procedure_id)
    columns = ", ".join([*(quote(name) for name in group), *(f"SUM({quote(name)})" for name in measures)])
    sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} WHERE {' AND '.join(where)}"  # noqa: S608
    if group:
        sql += " GROUP BY " + ", ".join(quote(name) for name in group)
    names = [*group, *measures]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        for name in measures:
            values[name] = int(values[name] or 0)
        found.append(values)
    return found
