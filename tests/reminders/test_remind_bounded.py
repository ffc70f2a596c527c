"""`repigment remind` in bounded memory: a registry's reminders go in chunks, so no statement
carries a list of ids or keys longer than a chunk, and the result is the same as one pass."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from repigment.accounts.models import AuditEntry
from repigment.authorisations import reporting, services
from repigment.authorisations.models import AuthorisationApplication, ReportTask, State
from repigment.reminders import channels, engine
from repigment.reminders.models import DoneReason, PatientMessage, Reminder
from repigment.treatment.models import Prescription
from tests.authorisations.helpers import actor, importer, section_21
from tests.conftest import World
from tests.test_query_budgets import grow

CHUNK = 7
IN_LIST = re.compile(r"\bIN \(([^()]*)\)", re.IGNORECASE)


def longest_in_list(queries: list[dict[str, str]]) -> int:
    return max(
        (m.group(1).count(",") + 1 for q in queries for m in IN_LIST.finditer(q["sql"])),
        default=0,
    )


def test_a_run_handles_the_registry_a_chunk_at_a_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "CHUNK", CHUNK)
    grow(world, 0, 60)
    with CaptureQueriesContext(connection) as captured:
        call_command("remind", stdout=StringIO())
    created = Reminder.objects.count()
    assert created > 3 * CHUNK, "the world should need many chunks"
    assert longest_in_list(captured.captured_queries) <= CHUNK
    entries = AuditEntry.objects.filter(object_type="reminder", action="create")
    named = {pid for e in entries for pid in e.patient_ids}
    assert named == set(Reminder.objects.values_list("patient_id", flat=True))
    assert entries.count() <= created // CHUNK + 3

    call_command("remind", stdout=StringIO())  # again: nothing new
    assert Reminder.objects.count() == created
    stopped = Prescription.objects.filter(patient__reminders__isnull=False).first()
    assert stopped is not None
    # the patient stops being treated at all: their open course reminders resolve
    Prescription.objects.filter(patient=stopped.patient).delete()
    stopped.patient.treatment_start = None
    stopped.patient.save()
    call_command("remind", stdout=StringIO())
    closed = Reminder.objects.filter(patient=stopped.patient, done_reason=DoneReason.RESOLVED)
    assert closed.exists()


def test_patients_are_messaged_a_chunk_at_a_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A chunk of messages is one insert of claims, one mail connection and one audit entry
    naming its patients, never a query or a connection per message."""
    monkeypatch.setattr(engine, "CHUNK", CHUNK)
    monkeypatch.setattr(engine, "ANALYSE_AFTER", 0)  # PostgreSQL's statistics refreshed too
    grow(world, 0, 60)
    connections = []
    real = mail.get_connection

    def counted(*args: object, **kwargs: object) -> object:
        connections.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(channels, "get_connection", counted)
    with CaptureQueriesContext(connection) as captured:
        call_command("remind", stdout=StringIO())
    sent = PatientMessage.objects.count()
    assert sent > 3 * CHUNK, "the world should need many chunks of messages"
    assert len(mail.outbox) == sent
    assert {m.to[0] for m in mail.outbox} == set(
        PatientMessage.objects.values_list("reminder__patient__email", flat=True)
    )
    chunks = -(-sent // CHUNK)
    claims = [
        q for q in captured.captured_queries if 'INSERT INTO "reminders_patientmessage"' in q["sql"]
    ]
    assert len(claims) <= chunks
    assert len(connections) <= chunks
    entries = AuditEntry.objects.filter(object_type="patient_message", action="create")
    assert entries.count() <= chunks
    named = {pid for e in entries for pid in e.patient_ids}
    assert named == set(PatientMessage.objects.values_list("reminder__patient_id", flat=True))

    call_command("remind", stdout=StringIO())  # again: nobody hears twice
    assert len(mail.outbox) == sent == PatientMessage.objects.count()


def test_messages_another_run_claimed_are_left_to_it(world: World) -> None:
    """Two timers at once: the claims are one insert, and when another run got some first,
    this run claims one at a time and sends only what it claimed."""
    grow(world, 0, 10)
    engine.collect(timezone.localdate(), engine.RunResult())
    due = list(engine._messages_due(timezone.localdate())[:3])
    assert len(due) == 3
    ready = [(reminder, "en", "subject", "body") for reminder in due]
    PatientMessage.objects.create(reminder=due[1], channel="email", language="en")
    mine = engine._claim("email", ready)
    assert [message[0] for message in mine] == [due[0], due[2]]
    assert PatientMessage.objects.filter(reminder__in=due).count() == 3


def test_report_tasks_are_brought_up_to_date_a_chunk_of_courses_at_a_time(
    world: World,
) -> None:
    """``sync_all`` in small chunks leaves the same report tasks as bringing each course up
    to date on its own, in the same number of queries per chunk whatever the courses hold."""
    section_21(), importer(world)  # the scale builder applies on this route
    grow(world, 0, 60)
    today = timezone.localdate()
    roots = AuthorisationApplication.objects.filter(
        renews__isnull=True, state__in=list(reporting.WAS_APPROVED)
    )
    assert roots.count() > 2 * CHUNK
    renewed = roots.filter(state=State.APPROVED).last()
    assert renewed is not None
    renewal = services.start_reauthorisation(renewed, actor(world.prescriber), today)
    AuthorisationApplication.objects.filter(pk=renewal.pk).update(
        state=State.APPROVED,
        approved_on=today,
        valid_until=today + timedelta(days=182),
        authorisation_number="S21-RENEWED",
        authorised_packs=7,
        pack_grams=100,
    )  # fmt: skip  (approved as the regulator would; its checklist is not what is tested)

    def tasks() -> list[tuple[object, ...]]:
        return sorted(ReportTask.objects.values_list(
            "first_application", "application", "kind", "number", "period_start", "period_end",
            "due_on",
        ))  # fmt: skip

    for root in roots:
        reporting.sync_tasks_for(root, today)
    one_by_one = tasks()
    assert one_by_one
    ReportTask.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        reporting.sync_all(today, CHUNK)
    assert tasks() == one_by_one
    assert ReportTask.objects.filter(application=renewal).exists()
    assert longest_in_list(captured.captured_queries) <= CHUNK
    assert len(captured.captured_queries) <= 12 * (roots.count() // CHUNK + 1)
    with CaptureQueriesContext(connection) as again:
        reporting.sync_all(today, CHUNK)  # nothing changed: nothing written
    assert not [
        q for q in again.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_a_large_run_refreshes_the_planners_statistics(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Statistics taken while the tables were nearly empty led both databases' planners to read
    every reminder for each dashboard list once a first run had created 155,000 of them, and
    PostgreSQL to walk every application for the reports owed."""
    monkeypatch.setattr(engine, "ANALYSE_AFTER", 0)
    monkeypatch.setattr(reporting, "STALE_AFTER", 0)
    section_21(), importer(world)  # the scale builder applies on this route
    grow(world, 0, 60)
    call_command("remind", stdout=StringIO())
    for model in (Reminder, ReportTask):
        rows = model.objects.count()
        assert rows > 0, model
        assert _planned_rows(model) == rows, model


def _planned_rows(model: type[Model]) -> int:
    """The row count the planner's statistics give the table (on SQLite, its largest index's:
    a partial index counts only its own rows)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = %s AND idx IS NOT NULL", [table]
            )
            return max(int(row[0].split()[0]) for row in cursor.fetchall())
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return int(cursor.fetchone()[0])
