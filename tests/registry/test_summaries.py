"""The stored per-patient summaries: the report read from them equals the one from every visit,
they follow the writes, and ``registry summaries --check`` finds a row that was changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from repigment.registry import stale, summaries
from repigment.registry.analysis import as_json, report, tables_from_frames
from repigment.registry.dataset import build
from repigment.registry.models import PatientSummary
from repigment.treatment.models import DiaryEntry
from tests.authorisations.helpers import cream_prescription
from tests.conftest import World
from tests.registry.cohort import START, registry_patient, scored
from tests.scale_world import grow


def from_every_visit() -> dict[str, Any]:
    return as_json(report(tables_from_frames(build().frames)))


def from_summaries() -> dict[str, Any]:
    dataset = summaries.build_summarised()
    assert "visits" not in dataset.frames and dataset.per_patient is not None
    return as_json(report(tables_from_frames(dataset.frames), None, dataset.per_patient))


def edge_cases(world: World) -> dict[str, Any]:
    """Patients on the rules' edges (the same as the hand-worked analysis tests)."""
    made: dict[str, Any] = {}
    for number, days in {
        # empty scores: a visit with neither, one with the T-VASI only
        "EMPTY": [(-7, "1.0", None), (0, None, "10"), (3, None, None), (170, "0.4", "4")],
        # a tie at 2 from day 168 (the earlier counts); window edges 140, 196, 322 and 406
        "TIE": [(0, "2.0", "20"), (166, "0.1", None), (170, "1.9", None), (406, "0.5", "5")],
        "EDGE": [(-1, "1.0", None), (140, "0.5", None), (196, "0.2", None), (322, "0.9", None)],
        "OUT": [(0, "1.0", None), (139, "0.1", None), (197, "0.1", None), (407, "0.1", None)],
        "ZERO": [(0, "0", "0"), (168, "0", "0")],  # baseline 0: never evaluable
        "EXACT": [(0, "1.2", "12"), (168, "0.3", "3"), (364, "0.3", "3")],  # exactly 75 %
        "LATE": [(3, "1.0", None), (168, "0.1", None)],  # no visit with day <= 0
        "PRE": [(-30, "1.5", None), (-2, "1.4", None)],  # nothing after the start
    }.items():
        patient = registry_patient(world.clinic, number)
        made[number] = patient
        for day, fvasi, tvasi in days:
            made[f"{number} {day}"] = scored(patient, day, fvasi, tvasi)
    for day, morning, evening in ((-1, True, True), (0, True, True), (9, True, False)):
        DiaryEntry.objects.create(
            patient=made["EXACT"], day=START + timedelta(days=day), morning=morning, evening=evening
        )
    # started by a prescription, not a recorded start
    late = registry_patient(world.other_clinic, "RX", sex="male", phototype=2)
    late.treatment_start = None
    late.save()
    made["RX prescription"] = cream_prescription(late, START + timedelta(days=10))
    made["RX"] = late
    for day, fvasi in ((5, "2.0"), (180, "0.4"), (370, "0.2")):
        scored(late, day, fvasi, None)
    return made


@pytest.mark.django_db
def test_the_report_from_summaries_equals_the_one_from_every_visit_on_edge_cases(
    world: World,
) -> None:
    edge_cases(world)
    expected = from_every_visit()
    assert expected["patients"] == 9 and expected["responses"][0]["evaluable"] > 0
    assert from_summaries() == expected
    assert PatientSummary.objects.filter(stale=False).count() >= 9
    assert from_summaries() == expected  # now read from the stored rows alone


@pytest.mark.django_db
def test_summaries_follow_edits_deletions_and_start_changes(world: World) -> None:
    made = edge_cases(world)
    from_summaries()  # every summary computed and stored
    moved = made["TIE 166"]
    moved.visit_date = START + timedelta(days=200)  # out of the week-24 window
    moved.save()
    made["EXACT 168"].delete()
    patient = made["EDGE"]
    patient.treatment_start = START + timedelta(days=20)
    patient.save()
    prescription = made["RX prescription"]
    prescription.start_date = START - timedelta(days=40)
    prescription.save()
    DiaryEntry.objects.create(patient=made["EXACT"], day=START + timedelta(days=20), morning=True)
    stale = set(PatientSummary.objects.filter(stale=True).values_list("patient_id", flat=True))
    assert {made[n].pk for n in ("TIE", "EXACT", "EDGE", "RX")} <= stale
    assert from_summaries() == from_every_visit()
    assert not PatientSummary.objects.filter(stale=True).exists()


@pytest.mark.django_db
def test_check_finds_a_bulk_write_that_marked_nothing_and_rebuild_repairs_it(world: World) -> None:
    made = edge_cases(world)
    from_summaries()
    type(made["EDGE"]).objects.filter(pk=made["EDGE"].pk).update(
        treatment_start=START - timedelta(days=5)
    )  # a bulk write: no signal
    found = summaries.check().differences
    assert {d.field for d in found} >= {"start", "last_day"}
    assert {d.patient_id for d in found} == {made["EDGE"].pk}
    summaries.rebuild()
    assert from_summaries() == from_every_visit()


@pytest.mark.django_db
def test_a_new_diagnosis_and_a_renamed_clinic_show_in_the_next_report(world: World) -> None:
    from repigment.patients.models import Diagnosis

    made = edge_cases(world)
    from_summaries()
    Diagnosis.objects.create(
        patient=made["TIE"], vitiligo_type="non_segmental", onset_year=2001, activity="stable"
    )
    world.clinic.code = "NEW"
    world.clinic.save()
    assert from_summaries() == from_every_visit()
    assert "NEW" in from_summaries()["sites"]


@pytest.mark.django_db
def test_a_write_while_a_summary_is_computed_keeps_it_stale(world: World) -> None:
    made = edge_cases(world)
    pk = made["TIE"].pk
    computed = summaries.compute([pk])
    made["TIE 170"].delete()  # written after the rows were read, before they are stored
    summaries.save(computed, {})  # the row the writer made is left alone
    assert PatientSummary.objects.get(pk=pk).stale
    assert from_summaries() == from_every_visit()


def scale_world(world: World, first: int, count: int) -> None:
    """``count`` synthetic patients with all their records, as ``repigment demo --scale``."""
    grow(world, first, count, seed=14)


@pytest.mark.django_db
def test_the_report_from_summaries_equals_the_one_from_every_visit_on_a_random_registry(
    world: World,
) -> None:
    from repigment.patients.models import Consent, Patient

    scale_world(world, 0, 60)
    for patient in Patient.objects.exclude(consents__purpose="registry")[:30]:
        Consent.objects.create(
            patient=patient,
            purpose="registry",
            given_on=START - timedelta(days=400),
            method="in_person",
            given_by="patient",
        )
    expected = from_every_visit()
    assert expected["patients"] >= 10 and DiaryEntry.objects.exists()
    assert from_summaries() == expected
    assert summaries.check().differences == []
    scale_world(world, 60, 20)  # bulk written: marked stale by the registry's scale builder
    assert from_summaries() == from_every_visit()


@pytest.mark.django_db
def test_check_finds_a_tampered_row_and_rebuild_repairs_it(world: World) -> None:
    made = edge_cases(world)
    call_command("registry_summaries", "--rebuild")
    call_command("registry_summaries", "--check")
    row = PatientSummary.objects.get(pk=made["EXACT"].pk)
    tampered = summaries.unpack([row.figures]).with_columns(
        patient_id=pl.lit(row.pk), fvasi_24=pl.lit(1, dtype=pl.Int64)
    )
    PatientSummary.objects.filter(pk=row.pk).update(figures=summaries.pack(tampered)[0])
    with pytest.raises(CommandError):
        call_command("registry_summaries", "--check")
    found = summaries.check().differences
    assert [(d.patient_id, d.field, d.stored) for d in found] == [(made["EXACT"].pk, "fvasi_24", 1)]
    call_command("registry_summaries", "--rebuild")
    assert summaries.check().differences == []


def queries_of_a_report() -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        summaries.build_summarised()
    return len(captured)


@pytest.mark.django_db
def test_recomputing_stale_summaries_costs_the_same_queries_for_few_and_for_many(
    world: World,
) -> None:
    made = edge_cases(world)
    scale_world(world, 0, 40)
    from repigment.patients.models import Patient

    summaries.rebuild()
    at_rest = queries_of_a_report()
    stale.mark_stale([made["TIE"].pk, made["EXACT"].pk])
    few = queries_of_a_report()
    stale.mark_stale(Patient.objects.values_list("pk", flat=True))
    many = queries_of_a_report()
    assert at_rest < few == many
    assert at_rest == queries_of_a_report()


@pytest.mark.django_db
def test_the_redcap_import_marks_its_patients_summaries_stale(world: World) -> None:
    from repigment.interop.redcap.importer import run_import
    from repigment.patients.models import Patient
    from tests.interop.test_redcap_import import files

    report_ = run_import(*files(world), user=world.prescriber)
    assert report_.ok and report_.written
    imported = set(Patient.objects.filter(visits__isnull=False).values_list("pk", flat=True))
    marked = set(PatientSummary.objects.filter(stale=True).values_list("patient_id", flat=True))
    assert imported and imported <= marked
