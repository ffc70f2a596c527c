"""`repigment remind` in bounded memory: a registry's reminders go in chunks, so no statement
carries a list of ids or keys longer than a chunk, and the result is the same as one pass."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repigment.accounts.models import AuditEntry
from repigment.reminders import engine
from repigment.reminders.models import DoneReason, Reminder
from repigment.treatment.models import Prescription
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
