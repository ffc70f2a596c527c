"""Rows written straight through the connection's cursor, without ``bulk_create``.

Used by the REDCap importer and the scale world's generator (``core.scale``), which both know
every value already checked; making a model instance per row and letting ``bulk_create`` take
it apart again cost most of an import's time (about 45 µs a row). Here
each column is prepared once per table: a column with a plain Python value (text, whole
numbers, yes/no, keys) is passed as it is, any other (dates, times, decimals, JSON) goes
through its field's own ``get_db_prep_save``, so the database sees what ``save()`` would have
sent. Defaults (``default=``, ``auto_now``) are taken once per call, as ``bulk_create`` would
take them. Nothing here fires signals or calls ``save()``: only for tables that need neither.
Append-only tables are refused, except through :func:`write_objects`, which
``core.appendonly.append_many`` calls once it has stamped and chained the rows.
SQLite gets ``executemany`` in batches; PostgreSQL gets ``COPY ... FROM STDIN``, which on the
bench wrote the same rows in about half the importer's CPU time and much less of the server's.

A caller that needs the new rows' ids (other rows point at them) reserves them first with
:func:`reserve_ids` (one ``nextval`` call for the whole batch on PostgreSQL), or hands model
instances to :func:`create_objects`, which does that and writes them as ``bulk_create`` would.
A caller writing several tables in one transaction uses :class:`TableWriter`, which on
PostgreSQL has the server check each table's foreign keys while the next table is prepared.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import date
from decimal import Decimal
from operator import itemgetter
from types import TracebackType
from typing import Any, Self

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

BATCH = 2000  # rows per executemany; also the size of an ``__in`` lookup

PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def _column(field: models.Field[Any, Any], db: BaseDatabaseWrapper) -> Callable[[Any], Any] | None:
    """How one column's value is prepared (None: as it is).

    Dates and decimals, by far the most common prepared values here, go straight to the
    backend's adapter when they already have their type (what ``get_db_prep_save`` would end
    with, without its checks and conversions on the way); anything else takes the long way.
    """
    if isinstance(field, PLAIN) and not isinstance(field, models.JSONField):
        return None
    prepare = field.get_db_prep_save
    if isinstance(field, models.JSONField) and db.vendor == "postgresql":
        # COPY reads each column as text: the JSON text itself, not psycopg's ``Jsonb``
        # wrapper, which would be serialised again for every row (a default as often as a row).
        encoder = field.encoder

        def json_text(value: Any) -> str:
            return json.dumps(value, cls=encoder)

        return json_text
    if isinstance(field, models.DecimalField):
        adapt_decimal = db.ops.adapt_decimalfield_value
        digits, places = field.max_digits, field.decimal_places

        def decimal(value: Any) -> Any:
            if type(value) is Decimal and value.is_finite():
                return adapt_decimal(value, digits, places)
            return prepare(value, db)

        return decimal
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
        adapt_date = db.ops.adapt_datefield_value

        def day(value: Any) -> Any:
            return adapt_date(value) if type(value) is date else prepare(value, db)

        return day
    return lambda value: prepare(value, db)


def bulk_insert(model: type[models.Model], rows: list[dict[str, Any]]) -> int:
    """Insert ``rows`` (``attname``: value; missing columns take their default); their count.

    Rows that give the same columns (in the same order) go in one statement: those columns
    first, the defaults after them as one prepared tail, so a row costs a few C calls plus
    one call per date or decimal it gives. A row may give its primary key (from
    :func:`reserve_ids`); otherwise the database numbers it.
    """
    _refuse_append_only(model)
    return _write(model, rows, DEFAULT_DB_ALIAS)  # the connection of the caller's transaction


def _write(model: type[models.Model], rows: list[dict[str, Any]], alias: str) -> int:
    """:func:`bulk_insert` without its guard against append-only tables."""
    db = connections[alias]
    _send(_prepare(model, rows, db), db)
    return len(rows)


#: One statement's target (``table (columns)``) and its rows' values, ready to send.
Prepared = list[tuple[str, list[list[Any]]]]


def _prepare(
    model: type[models.Model], rows: list[dict[str, Any]], db: BaseDatabaseWrapper
) -> Prepared:
    """The rows' values, grouped by the columns they give, each prepared for the database."""
    if not rows:
        return []
    fields = {f.attname: f for f in model._meta.concrete_fields}
    key = model._meta.pk.attname
    defaults = _defaults([f for f in fields.values() if not f.primary_key], db)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    quote = db.ops.quote_name
    prepared: Prepared = []
    for given, members in groups.items():
        unknown = set(given) - set(fields)
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {', '.join(sorted(unknown))}")
        rest = [name for name in fields if name not in given and name != key]
        columns = [fields[name].column for name in (*given, *rest)]
        into = f"{quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)})"
        prepared.append((into, list(_values(members, given, rest, fields, defaults, db))))
    return prepared


def _send(prepared: Prepared, db: BaseDatabaseWrapper) -> None:
    """Insert prepared rows: ``COPY`` on PostgreSQL, ``executemany`` in batches elsewhere."""
    with db.cursor() as cursor:
        for into, values in prepared:
            if db.vendor == "postgresql":
                # COPY: one stream of rows instead of a statement per row (psycopg 3), through
                # psycopg's own cursor, so its errors are given Django's classes here.
                with db.wrap_database_errors, cursor.cursor.copy(f"COPY {into} FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                continue
            marks = ", ".join(["%s"] * len(values[0]))
            sql = f"INSERT INTO {into} VALUES ({marks})"
            for start in range(0, len(values), BATCH):
                cursor.executemany(sql, values[start : start + BATCH])


def _values(
    rows: list[dict[str, Any]],
    given: tuple[str, ...],
    rest: list[str],
    fields: dict[str, models.Field[Any, Any]],
    defaults: dict[str, Any],
    db: BaseDatabaseWrapper,
) -> Iterator[list[Any]]:
    """Each row's values: the ``given`` columns prepared, then the defaults of the ``rest``."""
    tail = [defaults[name] for name in rest]
    prepared = [
        (i, prepare)
        for i, name in enumerate(given)
        if (prepare := _column(fields[name], db)) is not None
    ]
    take, single = itemgetter(*given), len(given) == 1  # one name: a value, not a tuple
    for row in rows:
        values = [take(row), *tail] if single else [*take(row), *tail]
        for i, prepare in prepared:
            if values[i] is not None:
                values[i] = prepare(values[i])
        yield values


def _defaults(fields: list[models.Field[Any, Any]], db: BaseDatabaseWrapper) -> dict[str, Any]:
    """Each column's value when a row does not give it, prepared for the database (taken once,
    as ``bulk_create`` takes a default once per call)."""
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            value = now
        elif f.has_default() or not f.null:
            value = f.get_default()  # "" for text without a default, as bulk_create sends
        else:
            value = None
        prepare = _column(f, db)
        defaults[f.attname] = value if value is None or prepare is None else prepare(value)
    return defaults


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys of ``model``'s table, in the order the database would have
    given them to ``count`` rows inserted now (so a world built with them is the same).

    PostgreSQL: one ``nextval`` call per key, all in one statement. SQLite: the keys after the
    largest ever given (``sqlite_sequence``, as AUTOINCREMENT counts) or stored; the caller's
    transaction holds SQLite's write lock (Repigment's SQLite begins every transaction
    IMMEDIATE), so no other writer can take them before the rows are inserted; insert them
    before reserving more (until then, SQLite would give the same keys again).
    """
    if count <= 0:
        return []
    db = connections[DEFAULT_DB_ALIAS]
    table, column = model._meta.db_table, model._meta.pk.column
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) "
                "ORDER BY 1",
                [db.ops.quote_name(table), column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = db.ops.quote_name
        cursor.execute(
            f"SELECT MAX(n) FROM (SELECT MAX({quote(column)}) AS n FROM {quote(table)} "
            "UNION ALL SELECT seq FROM sqlite_sequence WHERE name = %s)",
            [table],
        )
        last = cursor.fetchone()[0] or 0
    return list(range(last + 1, last + 1 + count))


def create_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> list[int]:
    """:func:`bulk_insert` of new ``rows``, their ids reserved first (:func:`reserve_ids`) and
    returned in the rows' order, for rows other rows will point at."""
    ids = reserve_ids(model, len(rows))
    bulk_insert(model, _keyed(model, ids, rows))
    return ids


def _keyed(
    model: type[models.Model], ids: list[int], rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each row with its reserved primary key."""
    key = model._meta.pk.attname
    return [{key: pk, **row} for pk, row in zip(ids, rows, strict=True)]


def create_objects(objs: list[Any]) -> list[Any]:
    """Insert new instances of one model as ``bulk_create`` would (no ``save()``, no signals),
    their ids reserved first (:func:`reserve_ids`) and set on them; returns ``objs``."""
    if objs:
        if _written_once(type(objs[0])):
            raise TypeError(f"{type(objs[0]).__name__} is append-only: use its bulk_create")
        key = type(objs[0])._meta.pk.attname
        for obj, pk in zip(objs, reserve_ids(type(objs[0]), len(objs)), strict=True):
            setattr(obj, key, pk)
        write_objects(objs)
    return objs


def write_objects(objs: list[Any], using: str = DEFAULT_DB_ALIAS) -> None:
    """Insert instances of one model whose ids are set, as ``bulk_create`` would.

    Each field's ``pre_save`` runs where the field has one of its own (``auto_now`` times take
    the moment of the insert, as in ``bulk_create``); the other columns are read as they are.
    Unguarded: append-only rows come here only through ``appendonly.append_many``, which has
    chained them.
    """
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("write_objects takes instances of one model")
    fields = model._meta.concrete_fields
    special = [f for f in fields if type(f).pre_save is not models.Field.pre_save]
    plain = [f.attname for f in fields if f not in special]
    rows = []
    for obj in objs:
        values = obj.__dict__
        row = {name: values[name] for name in plain}
        for f in special:
            row[f.attname] = f.pre_save(obj, True)
        rows.append(row)
        obj._state.adding, obj._state.db = False, using
    _write(model, rows, using)


class TableWriter:
    """Inserts one table after another in the caller's transaction, each table's foreign-key
    checks overlapped with the preparing of the next.

    Django declares every foreign key ``DEFERRABLE INITIALLY DEFERRED``, so PostgreSQL checks
    an import's rows at ``COMMIT``, row by row, while the client only waits (1.5 s of a 5 s
    REDCap import). Here, once a table's rows are in, ``SET CONSTRAINTS ALL IMMEDIATE`` (which
    runs the checks owed so far) and ``SET CONSTRAINTS ALL DEFERRED`` (the initial state again)
    are sent in pipeline mode without waiting for their answer: the server checks while this
    process prepares the next table's values. The checks are the same and a failed one fails
    the transaction as before. Every method waits for the checks under way before using the
    connection, and so does leaving the ``with`` block; in between, the caller must not use
    the connection. Elsewhere (SQLite) the tables are simply inserted in turn.
    """

    def __init__(self, using: str = DEFAULT_DB_ALIAS) -> None:
        self.db = connections[using]
        self._checks: ExitStack | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._checks is not None:
            checks, self._checks = self._checks, None
            with self.db.wrap_database_errors:
                checks.__exit__(kind, error, trace)

    def insert(self, model: type[models.Model], rows: list[dict[str, Any]]) -> int:
        """:func:`bulk_insert` of ``rows``, then this table's checks started."""
        _refuse_append_only(model)
        prepared = _prepare(model, rows, self.db)  # while the previous table is checked
        self.wait()
        if prepared:
            _send(prepared, self.db)
            self._start_checks()
        return len(rows)

    def create(self, model: type[models.Model], rows: list[dict[str, Any]]) -> list[int]:
        """:func:`create_rows` through this writer: ids reserved, then :meth:`insert`."""
        ids = self.reserve(model, len(rows))
        self.insert(model, _keyed(model, ids, rows))
        return ids

    def reserve(self, model: type[models.Model], count: int) -> list[int]:
        """:func:`reserve_ids`, once the checks under way are done."""
        self.wait()
        return reserve_ids(model, count)

    def wait(self) -> None:
        """Wait for the checks under way; a failed one raises Django's ``IntegrityError``."""
        self.__exit__(None, None, None)

    def _start_checks(self) -> None:
        if self.db.vendor != "postgresql" or not self.db.in_atomic_block:
            return  # outside a transaction each COPY was checked as it ended
        checks = ExitStack()
        raw = self.db.connection
        cursor = raw.cursor()
        checks.callback(cursor.close)  # after the pipeline has ended: its answers are read
        self._checks = checks  # from here on, leaving the writer ends the pipeline
        # A check that fails at once may already answer while the second statement is sent:
        # psycopg raises it there, so that one is given Django's class too.
        with self.db.wrap_database_errors:
            checks.enter_context(raw.pipeline())
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _refuse_append_only(model: type[models.Model]) -> None:
    if _written_once(model):
        raise TypeError(f"{model.__name__} is append-only: write it through its own save()")


def _written_once(model: type[models.Model]) -> bool:
    """Whether ``model`` is a ``core.appendonly.WriteOnce`` (which every such model marks with
    ``changeable_fields``; that module imports this one, so the class is not imported here)."""
    return hasattr(model, "changeable_fields")


#: Rows written at once past which the planner's statistics of a table are refreshed.
STALE_AFTER = 10_000


def refresh_statistics(*tables: type[models.Model], using: str = DEFAULT_DB_ALIAS) -> None:
    """``ANALYZE`` these tables, after a bulk write made them many times larger than the
    planner's statistics say: planned as tiny tables, the dashboards' lists read every row
    (SQLite: 50 ms a reminder list at 100,000 patients; PostgreSQL: 76 ms for the reports
    owed, 20 ms once analysed), and PostgreSQL's autovacuum may be off or not yet awake."""
    with connections[using].cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connections[using].ops.quote_name(model._meta.db_table)}")
