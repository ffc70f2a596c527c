"""Append-only tables refuse change in Python and in the database, take the database's clock,
and chain every row to the one before it, even with concurrent writers."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, AuditEntry, AuditPatient
from repigment.authorisations.models import ApplicationEvent
from repigment.core.appendonly import (
    AppendOnly,
    AppendOnlyError,
    Guard,
    WriteOnce,
    chained_models,
    create_sql,
    guarded_models,
    installed_triggers,
    missing_guards,
    row_hash,
    row_values,
    sqlite_begins_immediate,
    verify_chain,
)
from repigment.knowledge.models import SourceCheck
from repigment.supply.models import (
    Discrepancy,
    Dispense,
    Incident,
    Pack,
    PackMovement,
    PackState,
    Scan,
)
from tests.accounts.test_demo_and_cli import REPIGMENT, cli_env
from tests.conftest import World
from tests.core.tamper import run_sql, table

GUARDED: list[type[WriteOnce]] = [
    AuditEntry, AuditPatient, ApplicationEvent, Pack, PackMovement, Scan, Discrepancy, Incident,
    Dispense,
]  # fmt: skip


def first(model: type[WriteOnce]) -> WriteOnce:
    row = model._base_manager.order_by("pk").first()
    assert row is not None, f"the ledger has no {model.__name__}"
    return row


def refused(sql: str, params: list[object] | None = None) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        run_sql(sql, params)


def test_the_audit_trail_events_and_pack_records_share_the_base() -> None:
    assert set(GUARDED) <= set(guarded_models())
    assert SourceCheck in chained_models() and AuditPatient not in chained_models()
    assert set(chained_models()) <= set(guarded_models())


@pytest.mark.parametrize("model", GUARDED, ids=lambda m: m.__name__)
def test_python_refuses_to_change_or_delete_a_row(model: type[WriteOnce], ledger: World) -> None:
    row = first(model)
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).update(pk=row.pk)
    with pytest.raises(AppendOnlyError):
        model.objects.filter(pk=row.pk).delete()


@pytest.mark.parametrize("model", GUARDED, ids=lambda m: m.__name__)
def test_the_database_refuses_to_change_or_delete_a_row(
    model: type[WriteOnce], ledger: World
) -> None:
    row = first(model)
    column = "hash" if issubclass(model, AppendOnly) else "patient_id"
    changed = "f" * 64 if column == "hash" else row.patient_id + 1  # type: ignore[attr-defined]
    with pytest.raises(IntegrityError), transaction.atomic():
        model._base_manager.filter(pk=row.pk).update(**{column: changed})
    refused(f"UPDATE {table(model)} SET {column} = %s WHERE id = %s", [changed, row.pk])
    refused(f"DELETE FROM {table(model)} WHERE id = %s", [row.pk])
    if connection.vendor == "postgresql":
        run_sql("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE waits for no deferred check
        refused(f"TRUNCATE {table(model)} CASCADE")
    assert model._base_manager.filter(pk=row.pk).exists()


def test_a_pack_may_change_its_state_in_the_database_and_nothing_else(ledger: World) -> None:
    pack = first(Pack)
    refused(f"UPDATE {table(Pack)} SET serial = 'CLONE1' WHERE id = %s", [pack.pk])
    moved = Pack.objects.filter(pk=pack.pk)._move_state(pack.state, PackState.DESTROYED)
    assert moved == 1


def test_the_time_is_the_database_clock_whatever_the_caller_gives(world: World) -> None:
    claimed = datetime(2001, 1, 1, tzinfo=UTC)
    entry = AuditEntry(action=AuditAction.VIEW, time=claimed, actor=world.prescriber)
    entry.save()
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.time == entry.time
    assert abs(stored.time - timezone.now()) < timedelta(seconds=30)


def test_the_database_refuses_a_back_dated_insert(world: World) -> None:
    newest = audit.record(None, AuditAction.VIEW, actor=world.prescriber)
    assert newest is not None
    columns = (
        "time, actor_email, role, action, object_type, object_id, also, path, request_id, "
        "prev_hash, hash"
    )
    insert = f"INSERT INTO {table(AuditEntry)} ({columns}) VALUES (%s, '', '', 'view', '', '', "
    insert += "'[]', '', '', '', '')"
    refused(insert, [datetime(2001, 1, 1, tzinfo=UTC)])
    refused(insert, [newest.time - timedelta(seconds=5)])  # within the slack, but older
    refused(insert, [timezone.now() + timedelta(minutes=5)])


def test_each_row_covers_the_hash_of_the_row_before_it(world: World) -> None:
    one = audit.record(None, AuditAction.LOGIN, actor=world.prescriber)
    two = audit.record(None, AuditAction.VIEW, actor=world.prescriber, patient_id=world.patient.pk)
    assert one is not None and two is not None
    assert one.prev_hash == "" and two.prev_hash == one.hash
    stored = AuditEntry.objects.get(pk=two.pk)
    values = row_values(AuditEntry, stored)
    assert values["id"] == two.pk and "patient_id" not in values
    assert row_hash("accounts_auditentry", one.hash, values, {"patients": [world.patient.pk]}) == (
        stored.hash
    )
    assert row_hash("accounts_auditentry", one.hash, values, {"patients": []}) != stored.hash


def test_bulk_create_chains_the_rows_in_order(world: World) -> None:
    rows = [AuditEntry(action=AuditAction.VIEW, object_id=str(n)) for n in range(3)]
    AuditEntry.objects.bulk_create(rows)
    stored = list(AuditEntry.objects.order_by("pk"))
    assert [row.object_id for row in stored] == ["0", "1", "2"]
    assert [row.prev_hash for row in stored[1:]] == [row.hash for row in stored[:2]]
    assert verify_chain(AuditEntry).broken is None


def test_every_guard_is_in_the_database_as_the_models_describe_it(db: None) -> None:
    assert missing_guards() == []
    if connection.vendor != "sqlite":
        assert {"appendonly_supply_pack_truncate"} <= installed_triggers(connection)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        stored = dict(cursor.fetchall())
    for model in guarded_models():
        for sql in create_sql(Guard.of_model(model), "sqlite"):
            if sql.startswith("CREATE TRIGGER"):
                name = sql.split('"')[1]
                assert stored[name] == sql, f"{name} was made for other columns: migrate it again"


def test_sqlite_transactions_begin_immediate_so_the_chain_cannot_fork() -> None:
    assert sqlite_begins_immediate(databases=["default"]) == []


WRITER = """
import sys, django
django.setup()
from repigment.accounts import audit
for i in range(int(sys.argv[2])):
    audit.record(None, "view", object_id=f"{sys.argv[1]}-{i}", patient_ids=[int(sys.argv[1]), i])
"""


def _threads_write(writers: int, each: int) -> None:
    """PostgreSQL: threads of this process, each with its own connection."""
    barrier = threading.Barrier(writers)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(each):
                audit.record(None, AuditAction.VIEW, object_id=f"{n}-{i}", patient_ids=[n, i])
        except BaseException as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    report = verify_chain(AuditEntry)
    assert report.broken is None and report.rows == writers * each
    assert len(set(AuditEntry.objects.values_list("prev_hash", flat=True))) == writers * each


def _processes_write(writers: int, each: int, var_dir: Path) -> None:
    """SQLite: the test database lives in memory, so processes write a database file, as
    gunicorn's workers would (WAL, busy timeout, BEGIN IMMEDIATE)."""
    env = cli_env(var_dir)
    env["DJANGO_SETTINGS_MODULE"] = "repigment.settings"
    subprocess.run([REPIGMENT, "migrate"], check=True, env=env, timeout=300)
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(n), str(each)], env=env)
        for n in range(writers)
    ]
    assert [proc.wait(timeout=300) for proc in procs] == [0] * writers
    verify = subprocess.run(
        [REPIGMENT, "audit", "verify"], capture_output=True, text=True, env=env, timeout=300
    )
    assert verify.returncode == 0, verify.stderr
    assert f"accounts_auditentry: {writers * each} rows verified" in verify.stdout
    with sqlite3.connect(var_dir / "repigment.sqlite3") as db:
        forks = db.execute(
            "SELECT count(*) - count(DISTINCT prev_hash) FROM accounts_auditentry"
        ).fetchone()
    assert forks == (0,)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(tmp_path: Path) -> None:
    if connection.vendor == "postgresql":
        _threads_write(4, 10)
    else:
        _processes_write(4, 25, tmp_path)


@pytest.mark.django_db(transaction=True)
def test_a_test_flush_empties_guarded_tables_and_leaves_them_guarded() -> None:
    audit.record(None, AuditAction.VIEW, patient_ids=[1, 2])
    call_command("flush", "--no-input", verbosity=0)
    assert not AuditEntry.objects.exists() and not AuditPatient.objects.exists()
    assert missing_guards() == []
    entry = audit.record(None, AuditAction.VIEW)
    assert entry is not None and entry.prev_hash == ""
    refused(f"DELETE FROM {table(AuditEntry)} WHERE id = %s", [entry.pk])
