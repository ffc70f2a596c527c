"""Append-only, hash-chained records: the audit trail, authorisation events and pack records.

Three guards, from the outside in:

- **Python.** A ``WriteOnce`` row refuses ``save()`` once stored and ``delete()``; its queryset
  refuses ``update()``, ``delete()`` and ``bulk_update()`` (``AppendOnlyError``).
- **Database.** The table's migration runs ``GuardAppendOnly``: triggers refuse UPDATE and
  DELETE (and TRUNCATE on PostgreSQL), so ``_base_manager``, raw SQL and a database shell fail
  too (``IntegrityError``). A model may name fields that may still change (a pack's ``state``,
  whose every move is itself a chained row); the trigger refuses a change to any other column.
- **Chain.** An ``AppendOnly`` row is also chained. Its time (``time_field``) is the database's
  clock, read while the chain is locked; what the caller put there is ignored, and an insert
  trigger refuses a time off the database clock or earlier than the newest row's. ``prev_hash``
  is the ``hash`` of the row before it in the same table (by id; "" for the first row) and
  ``hash`` covers ``prev_hash`` and the row's content. ``verify`` walks every chain.

What ``hash`` covers (the canonical serialisation; change it and every stored chain breaks):
SHA-256, as 64 lowercase hex digits, of the ASCII JSON (keys sorted, separators ``,`` and
``:``, no spaces) of ``{"table": <db table>, "prev": <prev_hash>, "row": {<column>: <value>},
"children": {<name>: [<value>, ...]}}``. ``row`` holds every column (the id included) except
``hash``, ``prev_hash`` and the changeable ones; ``children`` holds the sorted child values a
model adds (an audit entry's patient ids). Values: null, true/false, integers; a date as
``YYYY-MM-DD``; a date-time in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; a decimal with its
field's decimal places; a file as its stored name; JSON as stored; anything else as its text.

Serialising the head so that concurrent writers cannot fork a chain: on PostgreSQL a
transaction-scoped advisory lock (one for every chain, so a transaction writing two chains
cannot deadlock with another) taken just before the insert and released at commit; on SQLite
the write transaction itself (Repigment's SQLite begins every transaction IMMEDIATE, checked at
start-up). So write chained rows last in a transaction: the lock lasts from insert to commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.apps import apps
from django.core import checks
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import StateApps

from repigment.core.rows import write_objects

#: The advisory lock (PostgreSQL) that serialises the heads of every chain.
CHAIN_LOCK_KEY = 0x52_45_50_49_47_4D  # "REPIGM"
#: How far behind the database clock an inserted row's time may be (the insert trigger's slack
#: for a busy server between reading the clock and inserting); never ahead by more than 1 s.
CLOCK_SLACK_SECONDS = 30
CHAIN_FIELDS = frozenset({"hash", "prev_hash"})
READ_CHUNK = 2000


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove a record that is written once."""


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk changes and deletions; ``bulk_create`` of chained rows chains them."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be deleted")

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model._meta.verbose_name_plural} cannot be changed")

    def bulk_create(  # type: ignore[override]
        self, objs: Iterable[Any], batch_size: int | None = None
    ) -> list[Any]:
        rows = list(objs)
        if issubclass(self.model, AppendOnly):
            append_many(self.model, rows)  # one COPY or executemany: no batches
            return rows
        return super().bulk_create(rows, batch_size=batch_size)


class WriteOnce(models.Model):
    """A row that is written once and never changed or deleted (guarded in the database too)."""

    #: Fields the database still lets change; every other column is fixed once written.
    changeable_fields: ClassVar[tuple[str, ...]] = ()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name_plural} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self._meta.verbose_name_plural} cannot be deleted")


class AppendOnly(WriteOnce):
    """A write-once row in a hash chain, stamped with the database's clock."""

    #: The date-time field set from the database clock when the row is written.
    time_field: ClassVar[str]

    prev_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.verbose_name_plural} cannot be changed")
        append_many(type(self), [self], using=kwargs.get("using"))

    def chain_children(self) -> dict[str, list[Any]]:
        """Child values the hash covers besides the row's columns (sorted lists)."""
        return {}

    @classmethod
    def chain_prefetch(cls) -> tuple[str, ...]:
        """What ``verify`` prefetches so that ``chain_children`` reads no row at a time."""
        return ()

    @classmethod
    def write_children(cls, rows: Sequence[AppendOnly]) -> None:
        """Write the child rows of freshly appended rows (same transaction, same lock)."""

    @classmethod
    def verify_more(cls) -> Break | None:
        """A model's own consistency check beyond its chain (first problem found)."""
        return None


# --- Writing -----------------------------------------------------------------------------------


def append_many(model: type[AppendOnly], rows: list[Any], using: str | None = None) -> None:
    """Stamp, chain and insert ``rows`` in order while holding the chain's head."""
    if not rows:
        return
    alias = using or router.db_for_write(model, instance=rows[0])
    with transaction.atomic(using=alias, savepoint=False):
        prev, ids, now = _claim_head(connections[alias], model, len(rows))
        for row, pk in zip(rows, ids, strict=True):
            row.pk = pk
            setattr(row, model.time_field, now)
            row.prev_hash = prev
            row.hash = prev = row_hash(
                model._meta.db_table, prev, row_values(model, row), row.chain_children()
            )
        if len(rows) == 1:
            models.Model.save(rows[0], using=alias, force_insert=True)
        else:
            write_objects(rows, using=alias)  # COPY on PostgreSQL: no statement per batch
        model.write_children(rows)


def _claim_head(
    connection: BaseDatabaseWrapper, model: type[models.Model], count: int
) -> tuple[str, list[int], datetime]:
    """Lock the chain and return (head hash, the next ``count`` ids, the database clock)."""
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)  # type: ignore[union-attr]
    head = f"(SELECT hash FROM {table} ORDER BY {pk} DESC LIMIT 1)"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
            cursor.execute(
                f"SELECT {head}, clock_timestamp(), ARRAY(SELECT nextval("
                f"pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s))",
                [model._meta.db_table, model._meta.pk.column, count],  # type: ignore[union-attr]
            )
            prev, now, ids = cursor.fetchone()
            return prev or "", list(ids), now
        # SQLite: the transaction began IMMEDIATE, so this connection alone may write.
        cursor.execute(
            f"SELECT {head}, strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now'), max("
            f"COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT max({pk}) FROM {table}), 0))",
            [model._meta.db_table],
        )
        prev, clock, last = cursor.fetchone()
        now = datetime.fromisoformat(clock).replace(tzinfo=UTC)
        return prev or "", list(range(last + 1, last + 1 + count)), now


# --- The canonical serialisation -----------------------------------------------------------


def chained_fields(model: type[models.Model], changeable: Iterable[str] = ()) -> list[Any]:
    """The columns a row's hash covers: all but the chain's own and the changeable ones."""
    skip = CHAIN_FIELDS | set(changeable)
    return [f for f in model._meta.concrete_fields if f.name not in skip]


def row_values(
    model: type[models.Model], row: models.Model, changeable: Iterable[str] | None = None
) -> dict[str, Any]:
    """Column name → canonical value, for the columns the hash covers."""
    fields = chained_fields(
        model, getattr(model, "changeable_fields", ()) if changeable is None else changeable
    )
    return {f.column: canonical(f, getattr(row, f.attname)) for f in fields}


def canonical(field: models.Field[Any, Any], value: Any) -> Any:
    """The value as the hash sees it, the same before the insert and after reading it back."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        moment = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(field, models.DateField):
        return value.isoformat()
    if isinstance(field, models.DecimalField):
        return str(Decimal(value).quantize(Decimal(1).scaleb(-(field.decimal_places or 0))))
    if isinstance(field, models.FileField):
        return str(getattr(value, "name", value) or "")
    if isinstance(field, models.JSONField):
        return json.loads(json.dumps(value, cls=field.encoder or DjangoJSONEncoder))
    if isinstance(field, models.BooleanField):
        return bool(value)
    if isinstance(field, models.GenericIPAddressField):
        return field.get_prep_value(value)
    if isinstance(value, int):
        return value
    return str(value)


def row_hash(table: str, prev: str, values: dict[str, Any], children: dict[str, list[Any]]) -> str:
    payload = {"table": table, "prev": prev, "row": values, "children": children}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# --- Database guards -----------------------------------------------------------------------


@dataclass(frozen=True)
class Guard:
    """What the triggers of one table enforce."""

    table: str
    columns: tuple[str, ...]
    changeable: tuple[str, ...] = ()  # columns an UPDATE may still change
    time_column: str = ""  # chained tables: the column stamped with the database clock
    pk_column: str = "id"

    @classmethod
    def of(
        cls, model: type[models.Model], changeable: Iterable[str] = (), time_field: str = ""
    ) -> Guard:
        meta = model._meta
        by_name = {f.name: f.column for f in meta.concrete_fields}
        return cls(
            table=meta.db_table,
            columns=tuple(sorted(f.column for f in meta.concrete_fields)),
            changeable=tuple(by_name[name] for name in changeable),
            time_column=by_name[time_field] if time_field else "",
            pk_column=meta.pk.column,  # type: ignore[union-attr]
        )

    @classmethod
    def of_model(cls, model: type[WriteOnce]) -> Guard:
        return cls.of(model, model.changeable_fields, getattr(model, "time_field", ""))

    def trigger_names(self) -> list[str]:
        names = [f"appendonly_{self.table}_update", f"appendonly_{self.table}_delete"]
        if self.time_column:
            names.append(f"appendonly_{self.table}_clock")
        return names


def guarded_models() -> list[type[WriteOnce]]:
    return [m for m in apps.get_models() if issubclass(m, WriteOnce)]


def chained_models() -> list[type[AppendOnly]]:
    return [m for m in apps.get_models() if issubclass(m, AppendOnly)]


def create_sql(guard: Guard, vendor: str) -> list[str]:
    """The statements that (re)create the table's triggers; safe to run again."""
    drop = drop_sql(guard, vendor)
    if vendor == "postgresql":
        return [*_POSTGRES_FUNCTIONS, *drop, *_postgres_triggers(guard)]
    if vendor == "sqlite":
        return [*drop, *_sqlite_triggers(guard)]
    raise NotImplementedError(f"no append-only guard for {vendor}")


def drop_sql(guard: Guard, vendor: str) -> list[str]:
    names = guard.trigger_names()
    if vendor == "postgresql":
        names.append(f"appendonly_{guard.table}_truncate")
        return [f'DROP TRIGGER IF EXISTS "{name}" ON "{guard.table}"' for name in names]
    return [f'DROP TRIGGER IF EXISTS "{name}"' for name in names]


def _refusal(guard: Guard, what: str) -> str:
    return f"SELECT RAISE(ABORT, '{guard.table} is append-only: {what}')"


def _sqlite_triggers(guard: Guard) -> list[str]:
    update, delete, *clock = guard.trigger_names()
    table = guard.table
    when = ""
    if guard.changeable:
        fixed = [c for c in guard.columns if c not in guard.changeable]
        when = " WHEN " + " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in fixed)
    statements = [
        f'CREATE TRIGGER "{update}" BEFORE UPDATE ON "{table}"{when} '
        f"BEGIN {_refusal(guard, 'a row cannot be changed')}; END",
        f'CREATE TRIGGER "{delete}" BEFORE DELETE ON "{table}" '
        f"BEGIN {_refusal(guard, 'a row cannot be deleted')}; END",
    ]
    if guard.time_column:
        column, now = f'NEW."{guard.time_column}"', "strftime('%Y-%m-%d %H:%M:%f', 'now'"
        statements.append(
            f'CREATE TRIGGER "{clock[0]}" BEFORE INSERT ON "{table}" WHEN {column} IS NULL'
            f" OR {column} < {now}, '-{CLOCK_SLACK_SECONDS} seconds')"
            f" OR {column} > {now}, '+1 seconds')"
            f' OR {column} < (SELECT "{guard.time_column}" FROM "{table}"'
            f' ORDER BY "{guard.pk_column}" DESC LIMIT 1) '
            f"BEGIN {_refusal(guard, 'its time is the database clock')}; END"
        )
    return statements


_POSTGRES_FUNCTIONS = [
    """CREATE OR REPLACE FUNCTION repigment_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND TG_NARGS > 0 THEN
    IF (to_jsonb(NEW) - TG_ARGV) = (to_jsonb(OLD) - TG_ARGV) THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END $$""",
    f"""CREATE OR REPLACE FUNCTION repigment_append_only_clock() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  stamp timestamptz := (to_jsonb(NEW) ->> TG_ARGV[0])::timestamptz;
  newest timestamptz;
BEGIN
  IF stamp IS NULL OR stamp < clock_timestamp() - interval '{CLOCK_SLACK_SECONDS} seconds'
     OR stamp > clock_timestamp() + interval '1 second' THEN
    RAISE EXCEPTION '% is append-only: its time is the database clock', TG_TABLE_NAME
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  EXECUTE format('SELECT %I FROM %I.%I ORDER BY %I DESC LIMIT 1',
                 TG_ARGV[0], TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_ARGV[1]) INTO newest;
  IF newest IS NOT NULL AND stamp < newest THEN
    RAISE EXCEPTION '% is append-only: its time is the database clock', TG_TABLE_NAME
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$""",
]


def _postgres_triggers(guard: Guard) -> list[str]:
    table = guard.table
    update, delete, *clock = guard.trigger_names()
    changeable = ", ".join(f"'{c}'" for c in guard.changeable)
    row = f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION'
    statements = [
        f'CREATE TRIGGER "{update}" BEFORE UPDATE {row} repigment_append_only({changeable})',
        f'CREATE TRIGGER "{delete}" BEFORE DELETE {row} repigment_append_only()',
        f'CREATE TRIGGER "appendonly_{table}_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION repigment_append_only()",
    ]
    if guard.time_column:
        statements.append(
            f'CREATE TRIGGER "{clock[0]}" BEFORE INSERT {row} '
            f"repigment_append_only_clock('{guard.time_column}', '{guard.pk_column}')"
        )
    return statements


def installed_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


class GuardAppendOnly(Operation):
    """Migration operation: (re)create the append-only triggers of one model's table.

    Run it again after any later migration that alters the table: SQLite rebuilds a table to
    alter it, and the rebuilt table has no triggers (``repigment audit verify`` reports it).
    """

    reversible = True
    reduces_to_sql = True

    def __init__(
        self, model_name: str, changeable: Sequence[str] = (), time_field: str = ""
    ) -> None:
        self.model_name = model_name
        self.changeable = tuple(changeable)
        self.time_field = time_field

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {}
        if self.changeable:
            kwargs["changeable"] = list(self.changeable)
        if self.time_field:
            kwargs["time_field"] = self.time_field
        return self.__class__.__qualname__, [self.model_name], kwargs

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _guard(self, app_label: str, state_apps: StateApps) -> Guard:
        model = state_apps.get_model(app_label, self.model_name)
        return Guard.of(model, self.changeable, self.time_field)

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: Any,
        to_state: Any,
    ) -> None:  # fmt: skip
        guard = self._guard(app_label, to_state.apps)
        for statement in create_sql(guard, schema_editor.connection.vendor):
            schema_editor.execute(statement, params=None)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: Any,
        to_state: Any,
    ) -> None:  # fmt: skip
        guard = self._guard(app_label, from_state.apps)
        for statement in drop_sql(guard, schema_editor.connection.vendor):
            schema_editor.execute(statement, params=None)

    def describe(self) -> str:
        return f"Refuse changes to {self.model_name} in the database"

    @property
    def migration_name_fragment(self) -> str:
        return f"guard_{self.model_name.lower()}"


def chain_existing(
    model: type[models.Model],
    changeable: Iterable[str] = (),
    children: Any = None,
) -> None:
    """Data migration helper: give the rows already stored their chain, oldest id first.

    ``children(rows)`` returns {row id: {name: sorted values}} for a chunk of rows. Run it
    before ``GuardAppendOnly`` (the rows are updated once, here).
    """
    prev, chunk = "", []
    table = model._meta.db_table
    for row in model._base_manager.order_by("pk").iterator(chunk_size=READ_CHUNK):
        chunk.append(row)
        if len(chunk) == READ_CHUNK:
            prev = _chain_chunk(model, table, chunk, prev, changeable, children)
            chunk = []
    _chain_chunk(model, table, chunk, prev, changeable, children)


def _chain_chunk(
    model: type[models.Model], table: str, rows: list[Any], prev: str,
    changeable: Iterable[str], children: Any,
) -> str:  # fmt: skip
    extra = children(rows) if children is not None and rows else {}
    for row in rows:
        row.prev_hash = prev
        row.hash = prev = row_hash(
            table, prev, row_values(model, row, changeable), extra.get(row.pk, {})
        )
    models.QuerySet(model).bulk_update(rows, ["prev_hash", "hash"], batch_size=500)
    return prev


# --- Verifying -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first thing wrong in one table: which row (None: the table itself) and what."""

    table: str
    row_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"row id {self.row_id}" if self.row_id is not None else "table"
        return f"{self.table} {where}: {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    table: str
    rows: int
    head_id: int | None
    head_hash: str
    broken: Break | None


def verify_chain(model: type[AppendOnly]) -> ChainReport:
    """Walk one chain in id order and stop at the first row that does not hold."""
    table, rows, last = model._meta.db_table, 0, None
    for row in _walk(model):
        problem = _row_problem(model, row, last)
        if problem:
            return ChainReport(table, rows, _pk(last), _hash(last), Break(table, row.pk, problem))
        rows, last = rows + 1, row
    broken = model.verify_more()
    return ChainReport(table, rows, _pk(last), _hash(last), broken)


def _walk(model: type[AppendOnly]) -> Iterator[AppendOnly]:
    rows = model._base_manager.order_by("pk")
    if model.chain_prefetch():
        rows = rows.prefetch_related(*model.chain_prefetch())
    return rows.iterator(chunk_size=READ_CHUNK)


def _row_problem(model: type[AppendOnly], row: AppendOnly, last: AppendOnly | None) -> str:
    expected = row_hash(
        model._meta.db_table, row.prev_hash, row_values(model, row), row.chain_children()
    )
    earlier = last is not None and getattr(row, model.time_field) < getattr(last, model.time_field)
    if row.hash != expected:
        why = "its content no longer matches its hash (changed after it was written)"
        return why + ("; its time is earlier than the row before it" if earlier else "")
    if row.prev_hash != _hash(last):
        if last is None:
            return "the rows before it are missing (it is not the first row of the chain)"
        return f"the row before it is missing or replaced (the row before it is id {last.pk})"
    if earlier:
        return "its time is earlier than the row before it (back-dated)"
    return ""


def _pk(row: models.Model | None) -> int | None:
    return None if row is None else row.pk


def _hash(row: AppendOnly | None) -> str:
    return "" if row is None else row.hash


def missing_guards(using: str = "default") -> list[Break]:
    """Tables whose triggers are not all in the database (e.g. dropped, or a rebuilt table)."""
    connection = connections[using]
    present = installed_triggers(connection)
    found = []
    for model in guarded_models():
        guard = Guard.of_model(model)
        missing = [name for name in guard.trigger_names() if name not in present]
        if missing:
            found.append(Break(guard.table, None, f"trigger {missing[0]} is missing"))
    return found


@checks.register(checks.Tags.database)
def sqlite_begins_immediate(**kwargs: Any) -> list[checks.CheckMessage]:
    """The SQLite chain relies on every transaction taking the write lock when it begins."""
    found = []
    for alias in kwargs.get("databases") or []:
        connection = connections[alias]
        mode = str(connection.settings_dict.get("OPTIONS", {}).get("transaction_mode", ""))
        if connection.vendor == "sqlite" and mode.upper() != "IMMEDIATE":
            found.append(
                checks.Error(
                    "SQLite must begin transactions IMMEDIATE for the hash chains",
                    hint='Set DATABASES[...]["OPTIONS"]["transaction_mode"] = "IMMEDIATE".',
                    id="repigment.E001",
                )
            )
    return found
