"""Rows written straight through the connection's cursor, without building model instances.

The importer knows every value already checked; making a model instance per row and letting
``bulk_create`` take it apart again cost most of an import's time (about 45 µs a row). Here
each column is prepared once per table: a column with a plain Python value (text, whole
numbers, yes/no, keys) is passed as it is, any other (dates, times, decimals, JSON) goes
through its field's own ``get_db_prep_save``, so the database sees what ``save()`` would have
sent. Defaults (``default=``, ``auto_now``) are taken once per call, as ``bulk_create`` would
take them. Nothing here fires signals or calls ``save()``: only for tables that need neither,
and never for append-only tables (they are chained row by row, see ``core.appendonly``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection, models
from django.utils import timezone

from repigment.core.appendonly import WriteOnce

BATCH = 2000  # rows per executemany; also the size of an ``__in`` lookup

PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _column(field: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
    """How one column's value is prepared (None: as it is)."""
    if isinstance(field, PLAIN) and not isinstance(field, models.JSONField):
        return None

    def prepare(value: Any) -> Any:
        return field.get_db_prep_save(value, connection)

    return prepare


def bulk_insert(model: type[models.Model], rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` (``attname``: value; missing columns take their default); their count."""
    if not rows:
        return 0
    if issubclass(model, WriteOnce):
        raise TypeError(f"{model.__name__} is append-only: write it through its own save()")
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = f.get_default()  # "" for text, as bulk_create would send
    preparers = [_column(f) for f in fields]
    for f, prepare in zip(fields, preparers, strict=True):
        if prepare is not None and defaults[f.attname] is not None:
            defaults[f.attname] = prepare(defaults[f.attname])
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = []
            for row in rows[start : start + BATCH]:
                values = []
                for name, prepare in zip(names, preparers, strict=True):
                    if name not in row:
                        values.append(defaults[name])
                        continue
                    value = row[name]
                    values.append(value if value is None or prepare is None else prepare(value))
                batch.append(values)
            cursor.executemany(sql, batch)
    return len(rows)
