"""core.rows: rows written without ``bulk_create`` (COPY on PostgreSQL), with their ids
reserved first, hold what ``bulk_create`` would have stored, under the same ids."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from repigment.core.rows import create_objects, reserve_ids
from repigment.supply.models import PackMovement
from repigment.treatment.models import DiaryEntry
from tests.conftest import World


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
