"""The large synthetic world of ``repigment demo --scale N --seed S``: the shared plumbing.

Each app that has records to add lists a builder in ``settings.SCALE_BUILDERS``
(``build(chunk: Chunk) -> None``). The command cuts the N patients into chunks of
:data:`CHUNK_SIZE`; for each chunk it calls every builder in order, inside one transaction, so
memory stays bounded and an interrupted run keeps whole chunks. The first builder that makes
patients puts them in ``chunk.patients``; later builders add their records to those patients,
each with one ``bulk_create`` per table. ``chunk.shared`` lives across chunks (the clinics and
their staff, looked up once).

Deterministic: every chunk has its own random generator seeded from the seed and the chunk's
number, so the same seed gives the same world on the same day (dates count back from today),
whatever the chunk that was interrupted. A chunk whose first patient exists is skipped, so a
run can be resumed or repeated.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connections, models, router

from repigment.core.appendonly import WriteOnce

#: Patients per chunk (and per transaction).
CHUNK_SIZE = 1000
#: Rows per INSERT statement: below SQLite's limit on variables for the widest table.
BATCH_SIZE = 500


@dataclass
class Chunk:
    seed: int
    #: The whole run's size, and this chunk's share: patients number ``first`` .. ``first+count-1``.
    total: int
    first: int
    count: int
    today: date
    shared: dict[str, Any]
    patients: list[Any] = field(default_factory=list)
    #: What one builder leaves for the next, by name and patient id (a patient's diagnosis).
    by_patient: dict[str, dict[int, Any]] = field(default_factory=dict)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.seed}:{self.first}")

    def numbers(self) -> range:
        return range(self.first, self.first + self.count)


#: Columns passed to the database as they are; any other type goes through its field.
_AS_IS = frozenset({
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "ForeignKey",
    "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField",
    "TextField",
})  # fmt: skip


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Plain INSERTs of many rows in one ``executemany``, for the largest simple tables.

    Five to ten times faster than ``bulk_create`` (no model instances), and nothing returned:
    use it for rows nothing else points at. Write-once and chained records are refused (their
    chain and guards need ``bulk_create``).
    """
    if issubclass(model, WriteOnce):
        raise TypeError(f"{model.__name__} is written once: use bulk_create")
    connection = connections[router.db_for_write(model)]
    fields = [model._meta.get_field(name) for name in columns]
    prepare = [
        None if f.get_internal_type() in _AS_IS else f
        for f in fields  # type: ignore[union-attr]
    ]
    quote = connection.ops.quote_name
    names = ", ".join(quote(f.column) for f in fields)  # type: ignore[union-attr]
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"
    values = [tuple(row) for row in rows]
    if any(len(row) != len(fields) for row in values):
        raise ValueError(f"every row needs {len(fields)} values")
    for index, how in enumerate(prepare):
        if how is None:
            continue
        done: dict[Any, Any] = {}  # a repeated date or time is prepared once
        for number, row in enumerate(values):
            value = row[index]
            try:
                ready = done[value]
            except KeyError:
                ready = done[value] = how.get_db_prep_save(value, connection)
            except TypeError:  # unhashable (JSON)
                ready = how.get_db_prep_save(value, connection)
            values[number] = (*row[:index], ready, *row[index + 1 :])
    if values:
        with connection.cursor() as cursor:
            cursor.executemany(sql, values)
    return len(values)
