"""The run stores reminders and claims with its own one-row INSERT executed per row: the rows
must be those ``bulk_create`` stores, and conflicts ignored or refused the same way."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from repigment.reminders.engine import insert
from repigment.reminders.models import PatientMessage, Reminder
from tests.conftest import World

FIELDS = [f.attname for f in Reminder._meta.concrete_fields if not f.primary_key]


def reminder(world: World, key: str) -> Reminder:
    return Reminder(
        key=key, kind="course.reassessment", due_on=date(2026, 6, 22), clinic=world.clinic,
        patient=world.patient, responsible_role="prescriber",
        params={"start": "2026-01-05", "name": "Zoë \"Ngũgĩ\"", "n": 2, "none": None},
        url="/patients/1/", notify_patient=True,
    )  # fmt: skip


def stored(key: str) -> tuple[object, ...]:
    values = Reminder.objects.filter(key=key).values_list(*FIELDS).get()
    with connection.cursor() as cursor:  # and the stored text of the JSON, as the database has it
        cursor.execute("SELECT params FROM reminders_reminder WHERE key = %s", [key])
        (raw,) = cursor.fetchone()
    return (*values, raw if isinstance(raw, str) else repr(raw))


def test_insert_stores_what_bulk_create_stores(world: World) -> None:
    ours, django = reminder(world, "ours"), reminder(world, "django")
    django.created = ours.created
    insert([ours])
    Reminder.objects.bulk_create([django])
    mine, theirs = stored("ours"), stored("django")
    assert mine[0] == "ours" and theirs[0] == "django"
    assert mine[1:] == theirs[1:]


def test_conflicts_are_ignored_when_asked_and_refused_otherwise(world: World) -> None:
    insert([reminder(world, "one")])
    insert([reminder(world, "one"), reminder(world, "two")], ignore_conflicts=True)
    assert sorted(Reminder.objects.values_list("key", flat=True)) == ["one", "two"]
    one = Reminder.objects.get(key="one")
    insert([PatientMessage(reminder=one, channel="email", language="fr")])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert([PatientMessage(reminder=one, channel="sms", language="en")])
    assert list(PatientMessage.objects.values_list("channel", "language")) == [("email", "fr")]
