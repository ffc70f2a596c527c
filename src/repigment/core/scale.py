"""The large synthetic world of ``repigment demo --scale N --seed S``: the shared plumbing.

Each app that has records to add lists a builder in ``settings.SCALE_BUILDERS``
(``build(chunk: Chunk) -> None``). The command cuts the N patients into chunks of
:data:`CHUNK_SIZE`; for each chunk it calls every builder in order, inside one transaction, so
memory stays bounded and an interrupted run keeps whole chunks. The first builder that makes
patients puts them in ``chunk.patients``; later builders add their records to those patients,
one write per table: ``core.rows.create_objects`` (ids reserved in one call, rows sent by
``COPY`` on PostgreSQL) or :func:`insert_rows`, and ``bulk_create`` for the chained tables.
``chunk.shared`` lives across chunks (the clinics and their staff, looked up once).

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

from django.db import models

from repigment.core.rows import bulk_insert

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


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Many rows of ``columns`` (field names) in one go, for the largest simple tables: no
    model instances, nothing returned (``core.rows.bulk_insert``: ``COPY`` on PostgreSQL,
    ``executemany`` on SQLite). Use it for rows nothing else points at; append-only records
    are refused (their chain and guards need ``bulk_create``)."""
    names = [model._meta.get_field(name).attname for name in columns]  # type: ignore[union-attr]
    try:
        values = [dict(zip(names, row, strict=True)) for row in rows]
    except ValueError:
        raise ValueError(f"every row needs {len(names)} values") from None
    return bulk_insert(model, values)
