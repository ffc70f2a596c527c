"""`repigment audit verify` passes on an honest database and names the first row someone with
the database in hand changed, deleted or back-dated, in the audit trail, the authorisation
events and the pack records."""

from __future__ import annotations

import io
import sqlite3
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, AuditEntry, AuditPatient
from repigment.authorisations.models import ApplicationEvent
from repigment.core.appendonly import Guard, drop_sql
from repigment.supply.models import Pack, PackMovement, PackState
from tests.accounts.test_demo_and_cli import REPIGMENT, cli_env
from tests.conftest import World
from tests.core.tamper import run_sql, table, unguarded


def verify() -> str:
    """The command's output; raises CommandError when something is broken."""
    out, err = io.StringIO(), io.StringIO()
    call_command("audit_verify", stdout=out, stderr=err)
    return out.getvalue()


def broken() -> str:
    with pytest.raises(CommandError) as failure:
        verify()
    return str(failure.value)


def three_entries(world: World) -> list[AuditEntry]:
    entries = [
        audit.record(None, AuditAction.VIEW, actor=world.prescriber, object_id=str(n))
        for n in range(3)
    ]
    return [entry for entry in entries if entry is not None]


@pytest.mark.django_db
def test_a_fresh_demo_world_verifies() -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())
    output = verify()
    for chain in (
        "accounts_auditentry",
        "authorisations_applicationevent",
        "supply_pack",
        "supply_dispense",
    ):
        line = next(line for line in output.splitlines() if line.startswith(chain + ":"))
        assert " 0 rows" not in line, line
    assert "Every chain verified; every table guarded." in output


def test_a_changed_audit_field_is_named(world: World) -> None:
    _, middle, _ = three_entries(world)
    with unguarded(AuditEntry):
        run_sql(f"UPDATE {table(AuditEntry)} SET actor_email = 'x@y.z' WHERE id = %s", [middle.pk])
    assert f"accounts_auditentry row id {middle.pk}: its content no longer matches" in broken()


def test_a_deleted_audit_row_is_named_by_the_row_after_it(world: World) -> None:
    _, middle, last = three_entries(world)
    with unguarded(AuditEntry):
        run_sql(f"DELETE FROM {table(AuditEntry)} WHERE id = %s", [middle.pk])
    assert f"accounts_auditentry row id {last.pk}: the row before it is missing" in broken()


def test_a_back_dated_audit_row_is_named(world: World) -> None:
    _, middle, _ = three_entries(world)
    earlier = middle.time - timedelta(days=3)
    with unguarded(AuditEntry):
        run_sql(f"UPDATE {table(AuditEntry)} SET time = %s WHERE id = %s", [earlier, middle.pk])
    message = broken()
    assert f"accounts_auditentry row id {middle.pk}" in message
    assert "its time is earlier than the row before it" in message


def test_a_patient_removed_from_an_entry_is_named(world: World) -> None:
    entry = audit.record(None, AuditAction.VIEW, patient_ids=[world.patient.pk, 999])
    assert entry is not None
    with unguarded(AuditPatient):
        run_sql(f"DELETE FROM {table(AuditPatient)} WHERE patient_id = 999")
    assert f"accounts_auditentry row id {entry.pk}: its content no longer matches" in broken()


def test_a_changed_authorisation_event_is_named(ledger: World) -> None:
    event = ApplicationEvent.objects.order_by("pk").first()
    assert event is not None
    with unguarded(ApplicationEvent):
        run_sql(f"UPDATE {table(ApplicationEvent)} SET note = 'edited' WHERE id = %s", [event.pk])
    assert f"authorisations_applicationevent row id {event.pk}: its content no longer" in broken()


def test_a_changed_pack_movement_is_named(ledger: World) -> None:
    move = PackMovement.objects.order_by("pk").last()
    assert move is not None
    with unguarded(PackMovement):
        run_sql(f"UPDATE {table(PackMovement)} SET reason = 'x' WHERE id = %s", [move.pk])
    assert f"supply_packmovement row id {move.pk}: its content no longer" in broken()


def test_a_pack_state_changed_without_its_movement_is_named(ledger: World) -> None:
    pack = Pack.objects.filter(state=PackState.QUARANTINED).get()
    run_sql(f"UPDATE {table(Pack)} SET state = 'available' WHERE id = %s", [pack.pk])  # allowed
    assert f"supply_pack row id {pack.pk}: its state 'available' is not where" in broken()


def test_a_dropped_trigger_is_reported(world: World) -> None:
    three_entries(world)
    delete_trigger = drop_sql(Guard.of_model(AuditEntry), connection.vendor)[1]
    run_sql(delete_trigger)
    assert "accounts_auditentry table: trigger appendonly_accounts_auditentry_delete" in broken()


def test_the_command_line_exits_non_zero_naming_the_row(tmp_path: Path) -> None:
    """End to end on a database file: a demo world verifies; a raw edit is found."""
    env = cli_env(tmp_path)
    for command in (["migrate"], ["demo", "--no-progress", "--no-logins"]):
        subprocess.run([REPIGMENT, *command], check=True, env=env, timeout=600)
    good = subprocess.run(
        [REPIGMENT, "audit", "verify"], capture_output=True, text=True, env=env, timeout=300
    )
    assert good.returncode == 0, good.stderr
    with sqlite3.connect(tmp_path / "repigment.sqlite3") as db:
        db.execute('DROP TRIGGER "appendonly_accounts_auditentry_update"')
        (target,) = db.execute("SELECT min(id) + 1 FROM accounts_auditentry").fetchone()
        db.execute("UPDATE accounts_auditentry SET action = 'login' WHERE id = ?", [target])
    bad = subprocess.run(
        [REPIGMENT, "audit", "verify"], capture_output=True, text=True, env=env, timeout=300
    )
    assert bad.returncode == 1
    assert f"accounts_auditentry row id {target}: its content no longer matches" in bad.stderr
    assert "trigger appendonly_accounts_auditentry_update is missing" in bad.stderr
