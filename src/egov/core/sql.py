"""Quoted table and column names for the few hot reads written as plain SQL (the public lookup and its
rate limiter: docs/benchmarks.md). Names come from the models' metadata, never from input, so a renamed
field changes the statement with it; values always go as parameters."""

from __future__ import annotations

from django.db import connection, models


def sql_table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def sql_column(model: type[models.Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    if not isinstance(field, models.Field) or not field.column:
        raise TypeError(f"{model.__name__}.{field_name} is not a concrete column")
    return connection.ops.quote_name(field.column)
