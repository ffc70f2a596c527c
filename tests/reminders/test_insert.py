"""The run stores reminders and claims with its own one-row INSERT executed per row: the rows
must be those ``bulk_create`` stores, and conflicts ignored or refused the same way."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from repigment.reminders.engine import insert, store_claims, store_dues
from repigment.reminders.models import PatientMessage, Reminder
from repigment.reminders.registry import Due
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


def test_dues_are_stored_as_bulk_create_stores_them(world: World) -> None:
    """The run's reminders, stored from what the sources found without model instances."""
    found = [
        Due(
            key=f"due-{n}", kind="course.reassessment", due_on=date(2026, 6, 22),
            clinic=world.clinic, patient=patient, responsible_role="prescriber",
            responsible_user=user, params={"start": "2026-01-05", "name": "Zoë \"Ngũgĩ\""},
            url="/patients/1/", notify_patient=notify,
        )
        for n, (patient, user, notify) in enumerate(
            [(world.patient, None, True), (None, world.prescriber, False)]
        )
    ]  # fmt: skip
    store_dues(found)
    store_dues(found[:1])  # a key stored already is ignored
    for due in found:
        ours = Reminder.objects.get(key=due.key)
        Reminder.objects.bulk_create(
            [
                Reminder(
                    key=f"django-{due.key}", kind=due.kind, due_on=due.due_on, clinic=due.clinic,
                    patient=due.patient, responsible_role=due.responsible_role,
                    responsible_user=due.responsible_user, params=due.params, url=due.url,
                    notify_patient=due.notify_patient, created=ours.created,
                )
            ]
        )  # fmt: skip
        assert stored(due.key)[1:] == stored(f"django-{due.key}")[1:]
    assert Reminder.objects.count() == 4


def test_conflicts_are_ignored_when_asked_and_refused_otherwise(world: World) -> None:
    insert([reminder(world, "one")])
    insert([reminder(world, "one"), reminder(world, "two")], ignore_conflicts=True)
    assert sorted(Reminder.objects.values_list("key", flat=True)) == ["one", "two"]
    one = Reminder.objects.get(key="one")
    insert([PatientMessage(reminder=one, channel="email", language="fr")])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert([PatientMessage(reminder=one, channel="sms", language="en")])
    assert list(PatientMessage.objects.values_list("channel", "language")) == [("email", "fr")]


def test_claims_are_stored_as_bulk_create_stores_them(world: World) -> None:
    insert([reminder(world, "one"), reminder(world, "two")])
    one, two = Reminder.objects.order_by("key")
    store_claims("email", [(one.pk, "fr")])
    ours = PatientMessage.objects.get(reminder=one)
    PatientMessage.objects.bulk_create(
        [PatientMessage(reminder=two, channel="email", language="fr", sent_at=ours.sent_at)]
    )
    columns = ["channel", "language", "sent_at"]
    assert PatientMessage.objects.filter(reminder=one).values_list(*columns).get() == (
        PatientMessage.objects.filter(reminder=two).values_list(*columns).get()
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        store_claims("sms", [(two.pk, "en")])  # claimed already: refused, as before
