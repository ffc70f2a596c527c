"""Upgrading a database made before authorisations left the access app keeps every row.

The database is taken back to the migrations of that release (the authorisation tables under
``access_…``, the models in the access app's state), filled through the models of that state,
then migrated forward; the rows must be found through the new app's models, and the foreign
keys of the supply app must reference the renamed table.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from repigment.access.models import AccessRoute
from repigment.authorisations.models import (
    ApplicationDocument,
    ApplicationEvent,
    AuthorisationApplication,
    Importer,
    PrescriberRecord,
    ReportTask,
)
from tests.authorisations.helpers import cream_prescription, patient_ready, section_21
from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)

#: The last migrations before the move, per app; the authorisations app did not exist yet.
BEFORE_THE_MOVE = {
    "access": "0002_authorisation_applications",
    "supply": "0002_orders_receiving_dispensing",
    "authorisations": None,
}


def _leaves(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return executor.loader.graph.leaf_nodes()


@pytest.fixture
def executor() -> Iterator[MigrationExecutor]:
    """A migration executor; the database is back on the latest migrations afterwards."""
    migrations = MigrationExecutor(connection)
    yield migrations
    migrations = MigrationExecutor(connection)  # a fresh loader sees what is applied now
    migrations.migrate(_leaves(migrations))


def _before_the_move(executor: MigrationExecutor) -> list[tuple[str, str | None]]:
    targets: list[tuple[str, str | None]] = [
        (app, name) for app, name in _leaves(executor) if app not in BEFORE_THE_MOVE
    ]
    return [*targets, *BEFORE_THE_MOVE.items()]


def _old_rows(apps: Any, world: World, route: AccessRoute) -> dict[str, int]:
    """One row in each moved table, written through the models as they were before the move."""
    model = lambda name: apps.get_model("access", name)  # noqa: E731
    prescription = cream_prescription(patient_ready(world))
    record = model("PrescriberRecord").objects.create(
        user_id=world.prescriber.pk,
        hpcsa_number="MP 0999999",
        qualifications="MBChB",
        specialty="Dermatology",
        practice_number="0999999",
    )
    importer = model("Importer").objects.create(
        name="Old Import Pharmacy",
        sahpra_licence_number="SAHPRA-IMP-0099",
        site_master_file_number="SMF-0001",
        address="1 Old Road",
    )
    application = model("AuthorisationApplication").objects.create(
        patient_id=world.patient.pk,
        prescription_id=prescription.pk,
        product_id=prescription.product_id,
        route_id=route.pk,
        prescriber=record,
        importer=importer,
        state="approved",
        dosage="Twice daily to the face",
        period_weeks=26,
        requested_pack_grams=100,
        requested_packs=7,
        requested_grams=Decimal("700.000"),
        motivation="Nothing registered works.",
        authorisation_number="S21-OLD-0001",
        approved_on=date(2026, 1, 5),
        valid_until=date(2026, 7, 4),
        authorised_packs=7,
        pack_grams=100,
    )
    event = model("ApplicationEvent").objects.create(
        application=application, from_state="submitted", to_state="approved", on=date(2026, 1, 5)
    )
    document = model("ApplicationDocument").objects.create(
        application=application,
        # Only the key: today's checklist columns did not exist in the old schema.
        item_id=route.checklist.values_list("pk", flat=True).first(),
        source="uploaded",
        file="access/applications/1/old.pdf",
        content_type="application/pdf",
        size=1234,
    )
    task = model("ReportTask").objects.create(
        first_application=application,
        application=application,
        kind="progress",
        period_start=date(2026, 1, 5),
        period_end=date(2026, 7, 4),
        due_on=date(2026, 7, 4),
    )
    return {
        "application": application.pk,
        "event": event.pk,
        "document": document.pk,
        "task": task.pk,
        "record": record.pk,
        "importer": importer.pk,
    }


def _referenced_table(table: str, column: str) -> str:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    targets = {
        c["foreign_key"][0]
        for c in constraints.values()
        if c["foreign_key"] and c["columns"] == [column]
    }
    assert len(targets) == 1, constraints
    return targets.pop()


def test_rows_made_before_the_move_are_found_through_the_new_app(
    world: World, executor: MigrationExecutor
) -> None:
    route = section_21()
    content_type = ContentType.objects.get_for_model(AuthorisationApplication)
    before = _before_the_move(executor)
    executor.migrate(before)
    tables = connection.introspection.table_names()
    assert "access_authorisationapplication" in tables
    assert "authorisations_authorisationapplication" not in tables
    nodes = [(app, name) for app, name in before if name is not None]
    old_apps = MigrationExecutor(connection).loader.project_state(nodes).apps
    ids = _old_rows(old_apps, world, route)

    forward = MigrationExecutor(connection)
    forward.migrate(_leaves(forward))

    tables = connection.introspection.table_names()
    assert "access_authorisationapplication" not in tables
    application = AuthorisationApplication.objects.get(pk=ids["application"])
    assert application.authorisation_number == "S21-OLD-0001"
    assert application.usable_on(date(2026, 3, 1))
    assert application.route == route
    assert application.prescriber == PrescriberRecord.objects.get(pk=ids["record"])
    assert application.importer == Importer.objects.get(pk=ids["importer"])
    assert list(application.events.values_list("pk", flat=True)) == [ids["event"]]
    assert ApplicationEvent.objects.get(pk=ids["event"]).to_state == "approved"
    document = ApplicationDocument.objects.get(pk=ids["document"])
    assert (document.application_id, document.file.name) == (
        application.pk,
        "access/applications/1/old.pdf",
    )
    assert ReportTask.objects.get(pk=ids["task"]).first_application == application
    for table in ("supply_dispense", "supply_importorder"):
        referenced = _referenced_table(table, "authorisation_id")
        assert referenced == "authorisations_authorisationapplication"
    moved = ContentType.objects.get(pk=content_type.pk)
    assert (moved.app_label, moved.model) == ("authorisations", "authorisationapplication")
