"""The analyst's safety tables count the monitoring the labels ask for (issue 16): TB screenings
and skin examinations travel in the dataset's `screenings` table and are counted per cohort."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command

from repigment.registry.analysis import as_json, load, report, tables_from_rows
from repigment.registry.dataset import build
from repigment.treatment.models import SkinExam, TbScreening
from tests.conftest import World
from tests.registry.cohort import START, registry_patient, scored

pytestmark = pytest.mark.django_db


def visit(patient: str, day: int) -> dict[str, object]:
    return {
        "patient": patient, "site": "S", "sex": "female", "age_at_start": 30, "phototype": 5,
        "disease_years": 2, "day": day, "fvasi": 1.0, "tvasi": 10.0,
    }  # fmt: skip


def screening(patient: str, day: int, check: str, result: str) -> dict[str, object]:
    return {"patient": patient, "site": "S", "day": day, "check": check, "result": result}


def test_screenings_are_counted_per_patient_and_per_record() -> None:
    # A: two TB screenings (negative before start, positive at day 200); B: one skin
    # examination finding a skin cancer; C: nothing. So TB: 1 patient, 2 records, 1 positive;
    # skin: 1 patient, 1 record, 1 cancer; 3 patients in the cohort.
    rows = {
        "visits": [visit("A", 0), visit("B", 0), visit("C", 0)],
        "screenings": [
            screening("A", -10, "tb", "negative"),
            screening("A", 200, "tb", "positive"),
            screening("B", 180, "skin", "skin_cancer"),
        ],
    }
    exact = as_json(report(tables_from_rows(rows)))["monitoring"]
    assert exact == {
        "patients": 3,
        "tb_screened_patients": 1,
        "tb_screenings": 2,
        "tb_positive": 1,
        "skin_examined_patients": 1,
        "skin_examinations": 1,
        "skin_cancers_found": 1,
    }
    # On pages, counts of 1 to 4 could point to a person: every one of these is withheld.
    shown = as_json(report(tables_from_rows(rows)), suppress=True)["monitoring"]
    assert set(shown.values()) == {None}


def test_the_export_carries_each_screening_as_a_day_and_a_result(
    world: World, tmp_path: Path
) -> None:
    patient = registry_patient(world.clinic, "M1")
    scored(patient, 0, "1", "10")
    TbScreening.objects.create(
        patient=patient, test="igra", tested_on=START - timedelta(days=7), result="negative",
        latent_treatment="not_needed",
    )  # fmt: skip
    SkinExam.objects.create(
        patient=patient, examined_on=START + timedelta(days=90), finding="nothing_suspicious",
        next_due=START + timedelta(days=270),
    )  # fmt: skip
    call_command("registry_export", str(tmp_path))
    with (tmp_path / "screenings.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["day"], r["check"], r["result"]) for r in rows] == [
        ("-7", "tb", "negative"),
        ("90", "skin", "nothing_suspicious"),
    ]
    from_files = as_json(report(load([tmp_path])))["monitoring"]
    assert from_files == as_json(report(tables_from_rows(build().tables)))["monitoring"]
    assert (from_files["tb_screened_patients"], from_files["skin_examinations"]) == (1, 1)
