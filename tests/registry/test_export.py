"""`repigment registry export`: the de-identified dataset of the consenting patients."""

from __future__ import annotations

import csv
import json
import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.registry.dataset import DICTIONARY_PATH, build, columns, dictionary
from repigment.registry.models import PseudonymKey
from repigment.safety.models import AdverseEvent
from tests.conftest import World
from tests.registry.cohort import START, registry_patient, scored

DOCS = Path(__file__).parents[2] / "docs" / "registry-dataset.md"
VISIT_COLUMNS = [
    "patient", "site", "sex", "age_at_start", "phototype", "disease_years", "day", "fvasi", "tvasi",
]  # fmt: skip


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def cohort(world: World) -> World:
    world.clinic.code = "JHB"
    world.clinic.save()
    consenting = registry_patient(world.clinic, "R1", born=date(1980, 6, 1), onset_year=2015)
    scored(consenting, -3, "1.2", "10")
    scored(consenting, 0, None, "9.5")  # T-VASI only: the F-VASI column is empty
    scored(consenting, 170, "0.3", "6")
    AdverseEvent.objects.create(
        patient=consenting,
        term="application_site_acne",
        onset_date=START.replace(day=20),
        severity="mild",
        reporter_kind="prescriber",
    )
    registry_patient(world.clinic, "R2", consent=False)  # never consented: left out
    other = registry_patient(world.other_clinic, "R3", sex="male", phototype=6, onset_year=None)
    scored(other, 0, "2", None)
    return world


def test_the_visits_table_has_the_issues_columns_and_days_not_dates(
    cohort: World, tmp_path: Path
) -> None:
    call_command("registry_export", str(tmp_path), "--format", "csv")
    visits = read_csv(tmp_path / "visits.csv")
    assert list(visits[0]) == VISIT_COLUMNS
    jhb = [row for row in visits if row["site"] == "JHB"]
    # Born 1 June 1980, started 3 March 2025: 44 (the birthday is still to come); onset 2015: 10.
    assert [(r["age_at_start"], r["disease_years"], r["phototype"]) for r in jhb] == [
        ("44", "10", "5")
    ] * 3
    assert [(r["day"], r["fvasi"], r["tvasi"]) for r in jhb] == [
        ("-3", "1.2", "10.0"),
        ("0", "", "9.5"),
        ("170", "0.3", "6.0"),
    ]
    cpt = [row for row in visits if row["site"] != "JHB"]
    assert [(r["sex"], r["phototype"], r["disease_years"], r["tvasi"]) for r in cpt] == [
        ("male", "6", "", "")
    ]
    assert cpt[0]["site"] == f"C{cohort.other_clinic.pk}"  # a clinic without a code


def test_it_writes_nothing_that_identifies_a_patient(cohort: World, tmp_path: Path) -> None:
    call_command("registry_export", str(tmp_path), "--format", "csv")
    text = "".join(path.read_text() for path in tmp_path.glob("*.csv"))
    for identifying in ("Nomsa", "Registry", "R1", "+2782", "1980", "2025-", "Johannesburg"):
        assert identifying not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    patients = read_csv(tmp_path / "patients.csv")
    assert len(patients) == 2  # the patient without registry consent is not there
    assert all(re.fullmatch(r"[0-9a-f]{16}", row["patient"]) for row in patients)


def test_a_withdrawn_consent_takes_the_patient_out(cohort: World) -> None:
    assert len(build().patient_ids) == 2
    cohort.clinic.patients.get(record_number="R1").consents.update(withdrawn_on=START)
    assert len(build().patient_ids) == 1


def test_adverse_events_carry_day_term_and_seriousness(cohort: World, tmp_path: Path) -> None:
    call_command("registry_export", str(tmp_path))
    assert read_csv(tmp_path / "adverse_events.csv") == [
        {
            "patient": read_csv(tmp_path / "visits.csv")[0]["patient"],
            "site": "JHB",
            "day": "17",
            "term": "application_site_acne",
            "serious": "false",
        }
    ]


def test_the_pseudonym_is_stable_here_and_different_under_another_key(cohort: World) -> None:
    first = build().tables["patients"]
    assert build().tables["patients"] == first
    PseudonymKey.objects.filter(pk=1).update(key="00" * 32)
    assert {row["patient"] for row in build().tables["patients"]}.isdisjoint(
        {row["patient"] for row in first}
    )


def test_parquet_holds_the_same_rows_with_types(cohort: World, tmp_path: Path) -> None:
    call_command("registry_export", str(tmp_path / "csv"), "--format", "csv")
    call_command("registry_export", str(tmp_path / "pq"), "--format", "parquet")
    frame = pl.read_parquet(tmp_path / "pq" / "visits.parquet")
    assert frame.columns == VISIT_COLUMNS
    assert frame.schema["day"] == pl.Int64 and frame.schema["fvasi"] == pl.Float64
    assert frame.equals(pl.read_csv(tmp_path / "csv" / "visits.csv", schema=frame.schema))


def test_clinic_codes_choose_the_sites(cohort: World, tmp_path: Path) -> None:
    call_command("registry_export", str(tmp_path), "--clinic", "jhb")
    assert {row["site"] for row in read_csv(tmp_path / "visits.csv")} == {"JHB"}
    with pytest.raises(CommandError, match="No clinic with the code NOPE"):
        call_command("registry_export", str(tmp_path), "--clinic", "NOPE")


def test_the_export_is_audited_naming_its_patients(cohort: World, tmp_path: Path) -> None:
    call_command("registry_export", str(tmp_path))
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="registry_dataset")
    assert entry.patient_ids == sorted(build().patient_ids)


def test_every_export_carries_the_dictionary_and_the_docs_describe_every_column(
    cohort: World, tmp_path: Path
) -> None:
    call_command("registry_export", str(tmp_path))
    assert json.loads((tmp_path / "dictionary.json").read_text()) == dictionary()
    assert columns("visits") == VISIT_COLUMNS
    docs = DOCS.read_text()
    assert DICTIONARY_PATH.name in docs
    for table, spec in dictionary()["tables"].items():
        assert f"`{spec['file']}`" in docs, table
        header = (tmp_path / f"{spec['file']}.csv").read_text().splitlines()[0]
        assert header.split(",") == columns(table)
        for name in columns(table):
            assert f"`{name}`" in docs, f"{table}.{name} is not documented"


def test_an_exported_parquet_dataset_analyses_to_the_pages_numbers(
    cohort: World, tmp_path: Path
) -> None:
    from repigment.registry.analysis import as_json, load, report, tables_from_rows

    call_command("registry_export", str(tmp_path), "--format", "parquet")
    from_files = as_json(report(load([tmp_path])))
    from_database = as_json(report(tables_from_rows(build().tables)))
    assert from_files == from_database
    assert from_files["patients"] == 2 and from_files["visits"] == 4
    # JHB: F-VASI 1.2 on day -3 -> 0.3 on day 170 (75 %, exactly); T-VASI 9.5 on day 0 -> 6
    week24 = {
        (r["instrument"], r["threshold"]): (r["evaluable"], r["responders"])
        for r in from_files["responses"]
        if r["week"] == 24
    }
    assert week24[("F-VASI", 75)] == (1, 1) and week24[("F-VASI", 90)] == (1, 0)
    assert week24[("T-VASI", 50)] == (1, 0)


def test_adherence_counts_diary_days_and_applications_per_treatment_week(
    cohort: World, tmp_path: Path
) -> None:
    from datetime import timedelta

    from repigment.treatment.models import DiaryEntry

    patient = cohort.clinic.patients.get(record_number="R1")
    # day -1 (before the start: left out); days 0, 1, 6 in week 0 (2 + 1 + 0 applications);
    # day 7 in week 1 (2 applications)
    for day, morning, evening in ((-1, True, True), (0, True, True), (1, True, False),
                                  (6, False, False), (7, True, True)):  # fmt: skip
        DiaryEntry.objects.create(
            patient=patient, day=START + timedelta(days=day), morning=morning, evening=evening
        )
    call_command("registry_export", str(tmp_path))
    rows = read_csv(tmp_path / "adherence.csv")
    assert [(r["site"], r["week"], r["days_recorded"], r["applications"]) for r in rows] == [
        ("JHB", "0", "3", "3"),
        ("JHB", "1", "1", "2"),
    ]
