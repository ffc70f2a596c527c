"""core.rows: rows written without ``bulk_create`` (COPY on PostgreSQL), with their ids
reserved first, hold what ``bulk_create`` would have stored, under the same ids."""

from __future__ import annotations

import time
from datetime import date

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction

from repigment.core.rows import TableWriter, bulk_insert, create_objects, reserve_ids
from repigment.patients.models import Patient
from repigment.registry.models import PatientSummary
from repigment.registry.stale import mark_stale
from repigment.supply.models import PackMovement
from repigment.treatment.models import DiaryEntry
from tests.conftest import World, build_world
from tests.patients.helpers import patient_in


def diary(world: World, day: int) -> DiaryEntry:
    return DiaryEntry(patient=world.patient, day=date(2026, 1, day), morning=True)


@pytest.mark.django_db
def test_created_objects_get_the_ids_the_database_would_have_given(world: World) -> None:
    before = DiaryEntry.objects.create(patient=world.patient, day=date(2026, 1, 1))
    made = create_objects([diary(world, day) for day in (2, 3, 4)])
    after = DiaryEntry.objects.create(patient=world.patient, day=date(2026, 1, 5))
    assert [row.pk for row in made] == [before.pk + 1, before.pk + 2, before.pk + 3]
    assert after.pk == before.pk + 4  # the reserved ids are never given again
    assert not made[0]._state.adding
    stored = DiaryEntry.objects.get(pk=made[1].pk)
    assert (stored.patient_id, stored.day, stored.morning) == (
        world.patient.pk,
        date(2026, 1, 3),
        True,
    )
    assert stored.updated is not None and stored.created is not None  # auto_now and default


@pytest.mark.django_db
def test_reserved_ids_follow_each_other(world: World) -> None:
    first = reserve_ids(DiaryEntry, 3)
    assert first == list(range(first[0], first[0] + 3)) and reserve_ids(DiaryEntry, 0) == []
    if connection.vendor == "postgresql":  # taken from the sequence: never given again
        assert reserve_ids(DiaryEntry, 2)[0] > first[-1]


@pytest.mark.django_db
def test_append_only_rows_are_refused(world: World) -> None:
    with pytest.raises(TypeError, match="append-only"):
        create_objects([PackMovement(reason="not through its chain")])


def nowhere() -> int:
    """A patient id no row has."""
    return (Patient.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


@pytest.mark.django_db(transaction=True)
def test_a_row_pointing_nowhere_fails_its_table_writer_and_nothing_is_kept() -> None:
    world = build_world()
    failed_in_the_writer = False
    with pytest.raises(IntegrityError), transaction.atomic():
        try:
            with TableWriter() as out:
                out.insert(DiaryEntry, [{"patient_id": world.patient.pk, "day": date(2026, 1, 1)}])
                out.insert(DiaryEntry, [{"patient_id": nowhere(), "day": date(2026, 1, 2)}])
        except IntegrityError:
            failed_in_the_writer = True
            raise
    # PostgreSQL checks each table as soon as it is written; SQLite at the commit
    assert failed_in_the_writer is (connection.vendor == "postgresql")
    assert not DiaryEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_after_a_table_writer_the_foreign_keys_are_deferred_again() -> None:
    world = build_world()
    with transaction.atomic():
        with TableWriter() as out:
            out.insert(DiaryEntry, [{"patient_id": world.patient.pk, "day": date(2026, 1, 1)}])
        # checked at the commit, as Django declares them: a row gone by then is not checked
        # (written and deleted without the signals, which would mark a summary of nobody)
        missing = nowhere()
        bulk_insert(DiaryEntry, [{"patient_id": missing, "day": date(2026, 1, 2)}])
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM treatment_diaryentry WHERE patient_id = %s", [missing])
    assert list(DiaryEntry.objects.values_list("patient_id", "day")) == [
        (world.patient.pk, date(2026, 1, 1))
    ]


@pytest.mark.django_db
def test_marking_stale_makes_missing_summaries_and_moves_the_version_of_the_others(
    world: World,
) -> None:
    kept = PatientSummary.objects.create(patient=world.patient, stale=False, version=3)
    other = patient_in(world, world.other_clinic)
    assert not PatientSummary.objects.filter(patient=other).exists()
    mark_stale([world.patient.pk, other.pk, None, other.pk])
    rows = dict(PatientSummary.objects.values_list("patient_id", "version"))
    assert rows == {kept.pk: 4, other.pk: 1}
    assert PatientSummary.objects.filter(stale=True).count() == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_table_writer_checks_each_table_as_it_is_written() -> None:
    world = build_world()
    with TableWriter() as out:
        out.insert(DiaryEntry, [{"patient_id": world.patient.pk, "day": date(2026, 1, 1)}])
        with pytest.raises(IntegrityError):
            out.insert(DiaryEntry, [{"patient_id": nowhere(), "day": date(2026, 1, 2)}])
    assert list(DiaryEntry.objects.values_list("day", flat=True)) == [date(2026, 1, 1)]


@pytest.mark.django_db(transaction=True)
def test_a_check_that_fails_while_the_writer_still_sends_is_django_s_integrity_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """In CI the failed check answered before the second SET CONSTRAINTS was sent, and psycopg
    raised its own class from there; the second statement is held back here to make it so."""
    world = build_world()
    send = psycopg.Cursor.execute

    def late(self: psycopg.Cursor, query: str, *args: object, **kwargs: object) -> object:
        if query == "SET CONSTRAINTS ALL DEFERRED":
            time.sleep(0.3)  # the check of one row has answered by then
        return send(self, query, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(psycopg.Cursor, "execute", late)
    with pytest.raises(IntegrityError), transaction.atomic(), TableWriter() as out:
        out.insert(DiaryEntry, [{"patient_id": world.patient.pk, "day": date(2026, 1, 1)}])
        out.insert(DiaryEntry, [{"patient_id": nowhere(), "day": date(2026, 1, 2)}])
    assert not DiaryEntry.objects.exists()
