"""Upgrading a database made before the chains: every stored row gets its hash in id order, the
patient each audit entry named moves to its child table, and `audit verify` passes."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from repigment.accounts.models import AuditEntry
from repigment.core.appendonly import missing_guards
from repigment.supply.models import Pack
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

#: The last migrations before the chains, per app.
BEFORE_THE_CHAINS = {
    "accounts": "0002_clinic_label_jurisdiction",
    "authorisations": "0002_rename_tables",
    "supply": "0003_authorisations_moved",
}


def _leaves(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    """A migration executor; the database is back on the latest migrations afterwards."""
    yield MigrationExecutor(connection)
    latest = MigrationExecutor(connection)
    latest.migrate(_leaves(latest))


def test_an_upgraded_database_verifies(executor: MigrationExecutor, ledger: World) -> None:
    packs = Pack.objects.count()
    executor.migrate(
        [
            *((app, name) for app, name in _leaves(executor) if app not in BEFORE_THE_CHAINS),
            *BEFORE_THE_CHAINS.items(),
        ]
    )
    old = MigrationExecutor(connection).loader.project_state(list(BEFORE_THE_CHAINS.items())).apps
    old_entry = old.get_model("accounts", "AuditEntry")
    for patient_id in (world_patient := ledger.patient.pk, None, world_patient):
        old_entry.objects.create(action="view", object_type="patient", patient_id=patient_id)
    latest = MigrationExecutor(connection)
    latest.migrate(_leaves(latest))

    naming = AuditEntry.objects.naming(world_patient).filter(object_type="patient")
    assert naming.count() == 2 and all(entry.patient_ids == [world_patient] for entry in naming)
    assert Pack.objects.count() == packs and missing_guards() == []
    out = io.StringIO()
    call_command("audit_verify", stdout=out)
    assert "Every chain verified" in out.getvalue()
    assert "supply_packmovement: 0 rows" not in out.getvalue()
