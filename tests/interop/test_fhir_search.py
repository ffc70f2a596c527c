"""Search parameters, paging by keyset with next links, _include and $everything."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from repigment.interop.fhir import codes
from repigment.interop.fhir.errors import FhirError
from repigment.interop.fhir.types import date_range
from repigment.patients.models import Patient
from tests.interop.fhir_world import Record, fhir_token, get, ids, valid
from tests.patients.helpers import TODAY, visit


def search(token: str, kind: str, **params: Any) -> list[str]:
    response = get(kind, token, **params)
    assert response.status_code == 200, response.content
    return ids(valid(response.json()))


def test_patient_and_subject_narrow_to_one_patient(record: Record) -> None:
    world = record.world
    token = fhir_token(world.prescriber)
    second = Patient.objects.create(
        clinic=world.clinic,
        record_number="JHB-T-2",
        given_names="B",
        family_name="C",
        date_of_birth=TODAY() - timedelta(days=9000),
        sex="male",
        phototype=4,
    )
    visit(second, TODAY(), face=[("1", 10)])
    everyone = search(token, "Observation")
    assert len(everyone) == 7
    mine = search(token, "Observation", patient=f"Patient/{world.patient.pk}")
    assert len(mine) == 5
    assert search(token, "Observation", subject=str(second.pk)) == [
        f"Observation/fvasi-{second.visits.get().pk}",
        f"Observation/tvasi-{second.visits.get().pk}",
    ]
    both = search(token, "Observation", patient=f"{world.patient.pk},{second.pk}")
    assert sorted(both) == sorted(everyone)
    refused = get("Observation", token, patient="Practitioner/1")
    assert refused.status_code == 400


def test_dates_take_prefixes_and_precision(record: Record) -> None:
    token = fhir_token(record.world.prescriber)
    first, second = record.first_visit, record.second_visit
    day1, day2 = first.visit_date.isoformat(), second.visit_date.isoformat()
    assert set(search(token, "Observation", date=day1)) == {
        f"Observation/fvasi-{first.pk}",
        f"Observation/tvasi-{first.pk}",
        f"Observation/vns-{first.pk}",
    }
    assert len(search(token, "Observation", date=f"gt{day1}")) == 2
    assert len(search(token, "Observation", date=f"ge{day1}")) == 5
    assert len(search(token, "Observation", date=f"lt{day2}")) == 3
    assert len(search(token, "Observation", date=f"le{day2}")) == 5
    assert len(search(token, "Observation", date=f"ne{day2}")) == 3
    # two values: both must hold (a range)
    assert len(search(token, "Observation", date=[f"gt{day1}", f"le{day2}"])) == 2
    # a year stands for the whole year
    year = second.visit_date.year
    assert len(search(token, "Observation", date=f"lt{year + 1}")) == 5
    assert search(token, "Observation", date=f"ge{year + 1}") == []
    assert search(token, "Observation", date=f"ge{year + 1}-01-01T00:00:00Z") == []
    bad = get("Observation", token, date="sa2024-01-01")
    assert bad.status_code == 400 and "prefix" in bad.json()["issue"][0]["diagnostics"]
    assert get("Observation", token, date="2024-02-30").status_code == 400
    assert get("Observation", token, date="yesterday").status_code == 400


def test_date_ranges_follow_the_precision_given() -> None:
    prefix, start, end = date_range("date", "ge2024-12")
    assert prefix == "ge" and (start.month, end.year, end.month) == (12, 2025, 1)
    with pytest.raises(FhirError):
        date_range("date", "2024-13")


def test_code_id_and_last_updated(record: Record) -> None:
    token = fhir_token(record.world.prescriber)
    first = record.first_visit.pk
    vns = search(token, "Observation", code=f"{codes.VITILIGO_SYSTEM}|vns")
    assert vns == [f"Observation/vns-{first}"]
    assert len(search(token, "Observation", code="fvasi,tvasi")) == 4
    assert get("Observation", token, code="http://unknown|x").status_code == 400
    # code and date together: the kinds asked for survive the other filters
    assert (
        search(token, "Observation", code="vns", date=f"ge{record.first_visit.visit_date}") == vns
    )
    assert search(token, "Observation", _id=f"tvasi-{first},vns-{first}") == [
        f"Observation/tvasi-{first}",
        f"Observation/vns-{first}",
    ]
    assert search(token, "Condition", code=f"{codes.SNOMED}|56727007") == [
        f"Condition/{record.diagnosis.pk}"
    ]
    assert search(token, "Condition", code=f"{codes.ICD10}|L80") != []
    assert search(token, "Condition", code=f"{codes.SNOMED}|12345") == []
    assert search(token, "Condition", code="type-segmental") == []
    assert search(token, "Medication", code=f"{codes.GTIN}|09520000001001") == [
        f"Medication/{record.catalogue.pack_100.pk}"
    ]
    assert search(token, "Patient", _id=str(record.world.patient.pk)) != []
    today = TODAY().isoformat()
    assert search(token, "Patient", _lastUpdated=f"ge{today}") != []
    assert search(token, "Patient", _lastUpdated=f"lt{today}") == []
    assert search(token, "AdverseEvent", date=f"ge{today}") == []


def test_paging_walks_every_result_once_by_next_links(record: Record) -> None:
    world = record.world
    for n in range(7):
        visit(world.patient, TODAY() - timedelta(days=100 + n), face=[("1", 10)], vns=3)
    token = fhir_token(world.prescriber)
    everything = search(token, "Observation", _count="500")
    assert len(everything) == 5 + 7 * 3
    seen: list[str] = []
    url: str | None = None
    pages = 0
    while True:
        response = get(url, token) if url else get("Observation", token, _count="4")
        bundle = valid(response.json())
        page = ids(bundle)
        assert len(page) <= 4
        seen += page
        pages += 1
        url = next((link["url"] for link in bundle["link"] if link["relation"] == "next"), None)
        if url is None:
            break
        assert "_count=4" in url
    assert seen == everything and pages == 7
    assert get("Observation", token, _count="0").status_code == 400
    assert get("Observation", token, _count="501").status_code == 400
    assert get("Observation", token, _after="x").status_code == 400


def test_a_page_costs_the_same_queries_however_much_data(record: Record) -> None:
    world = record.world
    token = fhir_token(world.prescriber)

    def cost() -> int:
        with CaptureQueriesContext(connection) as queries:
            for kind in ("Observation", "AdverseEvent", "MedicationDispense", "Patient"):
                assert get(kind, token, _count="3").status_code == 200
        return len(queries)

    small = cost()
    for n in range(12):
        visit(world.patient, TODAY() - timedelta(days=200 + n), face=[("1", 10)], vns=3)
    assert cost() == small


def test_include_brings_the_referenced_resources(record: Record) -> None:
    world = record.world
    token = fhir_token(world.prescriber)
    bundle = get(
        "MedicationDispense",
        token,
        _include=[
            "MedicationDispense:patient",
            "MedicationDispense:prescription",
            "MedicationDispense:performer",
        ],
    ).json()
    valid(bundle)
    assert set(ids(bundle, "include")) == {
        f"Patient/{world.patient.pk}",
        f"MedicationRequest/{record.prescription.pk}",
        f"Practitioner/{world.pharmacist.pk}",
    }
    observations = get("Observation", token, _include="Observation:subject:Patient").json()
    assert ids(observations, "include") == [f"Patient/{world.patient.pk}"]
    assert get("Observation", token, _include="Patient:organization").status_code == 400
    assert get("Observation", token, _include="Observation:device").status_code == 400
    # what the user may not see is left out of _include
    pharmacist = fhir_token(world.pharmacist)
    theirs = get("MedicationDispense", pharmacist, _include="MedicationDispense:patient").json()
    assert ids(theirs, "include") == []


def test_everything_about_a_patient(record: Record) -> None:
    world = record.world
    bundle = valid(
        get(f"Patient/{world.patient.pk}/$everything", fhir_token(world.prescriber)).json()
    )
    found = ids(bundle)
    kinds = {item.split("/")[0] for item in found}
    assert found[0] == f"Patient/{world.patient.pk}"
    assert kinds == {
        "Patient",
        "Organization",
        "Condition",
        "Observation",
        "MedicationRequest",
        "MedicationDispense",
        "AdverseEvent",
        "Consent",
    }
    admin = valid(
        get(f"Patient/{world.patient.pk}/$everything", fhir_token(world.clinic_admin)).json()
    )
    assert {item.split("/")[0] for item in ids(admin)} == {"Patient", "Organization", "Consent"}
    other = get(f"Patient/{world.patient.pk}/$everything", fhir_token(world.other_prescriber))
    assert other.status_code == 404
