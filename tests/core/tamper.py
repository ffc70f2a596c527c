"""What someone with the database in hand can do: lift a table's guards and rewrite rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

from repigment.core.appendonly import Guard, WriteOnce, create_sql, drop_sql


def run_sql(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def unguarded(*models: type[WriteOnce]) -> Iterator[None]:
    """Drop the tables' triggers for the block, then put them back."""
    guards = [Guard.of_model(model) for model in models]
    for guard in guards:
        for sql in drop_sql(guard, connection.vendor):
            run_sql(sql)
    try:
        yield
    finally:
        for guard in guards:
            for sql in create_sql(guard, connection.vendor):
                run_sql(sql)


def table(model: type[WriteOnce]) -> str:
    return connection.ops.quote_name(model._meta.db_table)
