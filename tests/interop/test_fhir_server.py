"""The FHIR R4 server: tokens and scopes, OperationOutcome errors, the CapabilityStatement,
read and search for every type (each emitted resource validated), scoping and audit."""

from __future__ import annotations

from typing import Any

import pytest

from repigment.accounts.models import ApiToken, AuditAction, AuditEntry
from repigment.interop.fhir import codes
from tests.conftest import World
from tests.interop.fhir_world import FHIR, Record, build_record, fhir_token, get, ids, valid
from tests.patients.helpers import consenting_patient_in

TYPES = [
    *("Patient", "Practitioner", "Organization", "Condition", "Observation"),
    *("MedicationRequest", "Medication", "MedicationDispense", "AdverseEvent", "Consent"),
]


def outcome(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body = valid(response.json())
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == code
    return body


def test_no_token_a_bad_token_and_a_token_without_the_scope_are_refused(world: World) -> None:
    outcome(get("Patient", None), 401, "login")
    assert get("Patient", None)["WWW-Authenticate"].startswith("Bearer")
    outcome(get("Patient", "rpg_nonsense"), 401, "login")
    assert AuditEntry.objects.filter(action=AuditAction.API_AUTH_FAILED).exists()
    _, plain = ApiToken.issue(world.prescriber, "rest only")
    outcome(get("Patient", plain), 403, "forbidden")
    token, raw = ApiToken.issue(world.prescriber, "fhir", [ApiToken.SCOPE_FHIR])
    assert get("Patient", raw).status_code == 200
    token.revoked_at = token.created
    token.save()
    outcome(get("Patient", raw), 401, "login")


def test_the_capability_statement_lists_exactly_what_works(client: Any, record: Record) -> None:
    body = valid(get("metadata", None).json())
    assert body["fhirVersion"] == "4.0.1"
    listed = {r["type"]: r for r in body["rest"][0]["resource"]}
    assert set(listed) == {*TYPES, "CodeSystem", "Group"}
    token = fhir_token(record.world.prescriber)
    for name in TYPES:
        declared = {p["name"] for p in listed[name]["searchParam"]}
        for param in declared - {"_count"}:
            # every declared parameter is accepted (an impossible value finds nothing or is a
            # specific 400, never "unknown parameter")
            answer = get(
                name,
                token,
                **{
                    param: "1900-01-01"
                    if "date" in param
                    or param in ("_lastUpdated", "birthdate", "authoredon", "whenhandedover")
                    else "1"
                },
            )
            assert answer.status_code == 200 or "cannot be searched" not in answer.content.decode()
        refused = get(name, token, nonsense="1")
        assert (
            "cannot be searched by 'nonsense'"
            in outcome(refused, 400, "not-supported")["issue"][0]["diagnostics"]
        )
        for include in listed[name].get("searchInclude", []):
            assert get(name, token, _include=include).status_code == 200


def test_every_type_reads_and_searches_and_every_resource_validates(record: Record) -> None:
    token = fhir_token(record.world.prescriber)
    seen: dict[str, int] = {}
    for name in TYPES:
        bundle = valid(get(name, token, _count="500").json())
        assert bundle["type"] == "searchset"
        seen[name] = len(bundle["entry"])
        for entry in bundle["entry"]:
            resource = valid(entry["resource"])
            assert entry["fullUrl"] == f"http://testserver{FHIR}/{name}/{resource['id']}"
            read = get(f"{name}/{resource['id']}", token)
            assert read.status_code == 200
            assert valid(read.json()) == resource
    # two visits: F-VASI and T-VASI each, and one VNS
    assert seen["Observation"] == 5
    assert all(seen[name] >= 1 for name in TYPES), seen


def test_the_resources_carry_the_codes_and_links(record: Record) -> None:
    token = fhir_token(record.world.prescriber)
    condition = get(f"Condition/{record.diagnosis.pk}", token).json()
    coding = {(c["system"], c["code"]) for c in condition["code"]["coding"]}
    assert {
        (codes.SNOMED, "56727007"),
        (codes.ICD10, "L80"),
        (codes.VITILIGO_SYSTEM, "type-non_segmental"),
    } <= coding
    tvasi = get(f"Observation/tvasi-{record.first_visit.pk}", token).json()
    # hands 2 HU x 75 % + trunk 4 HU x 25 % = 2.5
    assert tvasi["valueQuantity"]["value"] == 2.5
    parts = {
        c["code"]["coding"][0]["code"]: c["valueQuantity"]["value"] for c in tvasi["component"]
    }
    assert parts["tvasi-hands"] == 1.5 and parts["tvasi-trunk"] == 1 and parts["tvasi-feet"] == 0
    vns = get(f"Observation/vns-{record.first_visit.pk}", token).json()
    assert vns["valueInteger"] == 2
    dispense = get(f"MedicationDispense/{record.dispense.pk}", token).json()
    medication = dispense["contained"][0]
    assert medication["code"]["coding"][0] == {"system": codes.GTIN, "code": "09520000000608"}
    assert medication["batch"] == {"lotNumber": "L24A", "expirationDate": "2045-03-31"}
    assert dispense["identifier"][0]["value"] == "(01)09520000000608(21)SER1"
    assert dispense["authorizingPrescription"][0]["reference"] == (
        f"MedicationRequest/{record.prescription.pk}"
    )
    adverse = get(f"AdverseEvent/{record.event.pk}", token).json()
    suspect = adverse["suspectEntity"][0]["instance"]["reference"]
    lot = next(m for m in adverse["contained"] if f"#{m['id']}" == suspect)
    assert lot["batch"]["lotNumber"] == "L24A"
    assert adverse["seriousness"]["coding"][0]["code"] == "SeriousResultsInHospitalization"
    system = valid(get("CodeSystem/vitiligo", None).json())
    assert {"fvasi", "tvasi", "vns", "tvasi-hands"} <= {c["code"] for c in system["concept"]}


def test_each_role_sees_what_its_pages_show(record: Record) -> None:
    world = record.world
    other = consenting_patient_in(world, world.other_clinic)
    admin = fhir_token(world.clinic_admin)
    # a clinic administrator: registration and consents, nothing clinical
    assert ids(get("Patient", admin).json()) == [f"Patient/{world.patient.pk}"]
    assert len(ids(get("Consent", admin).json())) == 4
    assert ids(get("Condition", admin).json()) == []
    outcome(get(f"Condition/{record.diagnosis.pk}", admin), 403, "forbidden")
    # another clinic's prescriber: nothing of this patient exists
    other_prescriber = fhir_token(world.other_prescriber)
    outcome(get(f"Patient/{world.patient.pk}", other_prescriber), 404, "not-found")
    outcome(get(f"Observation/fvasi-{record.first_visit.pk}", other_prescriber), 404, "not-found")
    assert ids(get("Patient", other_prescriber).json()) == [f"Patient/{other.pk}"]
    # the pharmacist: the dispenses of their pharmacy, not the clinical record
    pharmacist = fhir_token(world.pharmacist)
    assert ids(get("MedicationDispense", pharmacist).json()) == [
        f"MedicationDispense/{record.dispense.pk}"
    ]
    assert ids(get("Observation", pharmacist).json()) == []
    assert AuditEntry.objects.filter(action=AuditAction.ACCESS_DENIED).count() >= 3


def test_one_audit_entry_per_request_naming_every_patient_shown(world: World) -> None:
    build_record(world)
    token = fhir_token(world.prescriber)
    before = AuditEntry.objects.count()
    get("Observation", token, _include="Observation:patient")
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry is not None and entry.action == AuditAction.VIEW
    assert entry.object_type == "fhir:Observation"
    assert entry.patient_ids == [world.patient.pk]


@pytest.mark.parametrize("path", ["Unicorn", "Unicorn/1", "Patient/abc", "Observation/x-1"])
def test_unknown_types_and_ids_are_operation_outcomes(world: World, path: str) -> None:
    response = get(path, fhir_token(world.prescriber))
    outcome(response, 404, "not-supported" if "Unicorn" in path else "not-found")


def test_only_json_and_only_get(world: World) -> None:
    token = fhir_token(world.prescriber)
    outcome(get("Patient", token, _format="xml"), 406, "not-supported")
    from django.test import Client

    posted = Client().post(f"{FHIR}/Patient", {}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert posted.status_code == 405
