"""Helpers for the few hot reads written as plain SQL (the session, roles and delegations, the public
lookup and its rate limiter, the work queue's rows: docs/benchmarks.md). Table and column names come
from the models' metadata, never from input, so a renamed field changes the statement with it; values
always go as parameters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models


def fetch_one(statement: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """The first row of ``statement`` on the default database, or None."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


def fetch_all(statement: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Every row of ``statement`` on the default database."""
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def sql_table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def sql_column(model: type[models.Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{field_name} is not a concrete column")
    return connection.ops.quote_name(field.column)
