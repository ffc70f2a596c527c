"""The patients API: same rules and wording as the pages, JSON errors, every call audited."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.test import Client

from repigment.accounts.models import ApiToken, AuditAction, AuditEntry, User
from repigment.clinical.identifiers import Citizenship, format_za_id
from repigment.patients.models import ConsentPurpose, Patient
from tests.conftest import World
from tests.patients.helpers import TODAY, consent

ZA_ID = format_za_id(date(1980, 1, 1), 6021, Citizenship.CITIZEN)  # male


class Api:
    def __init__(self, client: Client, user: User) -> None:
        self.client = client
        _token, raw = ApiToken.issue(user, "test")
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, path: str, **query: Any) -> Any:
        return self.client.get("/api/v1" + path, query, **self.headers)

    def post(self, path: str, body: Any) -> Any:
        return self.client.post(
            "/api/v1" + path, body, content_type="application/json", **self.headers
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(
            "/api/v1" + path, body, content_type="application/json", **self.headers
        )


def new_patient(world: World, **changes: Any) -> dict[str, Any]:
    body = {
        "clinic_id": world.clinic.pk,
        "record_number": "API-1",
        "given_names": "Sipho",
        "family_name": "Ndlovu",
        "date_of_birth": "1980-01-01",
        "sex": "male",
        "za_id_number": ZA_ID,
        "phototype": 6,
    }
    body.update(changes)
    return body


def test_a_patient_is_registered_and_read_back(client: Client, world: World) -> None:
    api = Api(client, world.prescriber)
    created = api.post("/patients", new_patient(world))
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["record_number"] == "API-1" and body["current_consents"] == []
    assert api.get(f"/patients/{body['id']}").json()["za_id_number"] == ZA_ID
    assert AuditEntry.objects.naming(body["id"]).filter(action=AuditAction.VIEW).exists()


def test_invalid_fields_answer_422_in_the_pages_words(client: Client, world: World) -> None:
    api = Api(client, world.prescriber)
    response = api.post("/patients", new_patient(world, date_of_birth="1980-01-02", phototype=9))
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert fields["date_of_birth"] == [
        "The ID number gives 1 Jan 1980 as the date of birth, not 2 Jan 1980."
    ]
    assert "phototype" in fields
    assert not Patient.objects.filter(record_number="API-1").exists()


def test_a_wrong_type_or_an_unknown_field_is_a_422_too(client: Client, world: World) -> None:
    api = Api(client, world.prescriber)
    wrong = api.post("/patients", new_patient(world, date_of_birth="yesterday"))
    assert wrong.status_code == 422 and "date_of_birth" in wrong.json()["error"]["fields"]
    extra = api.post("/patients", new_patient(world, created_by=1))
    assert extra.status_code == 422 and "created_by" in extra.json()["error"]["fields"]


def test_a_possible_duplicate_needs_allow_duplicate(client: Client, world: World) -> None:
    api = Api(client, world.prescriber)
    first = api.post("/patients", new_patient(world)).json()
    again = api.post("/patients", new_patient(world, record_number="API-2"))
    assert again.status_code == 409
    assert again.json()["error"]["fields"]["duplicates"] == [str(first["id"])]
    allowed = api.post("/patients", new_patient(world, record_number="API-2", allow_duplicate=True))
    assert allowed.status_code == 201


def test_registering_in_a_clinic_without_a_role_there_is_refused(
    client: Client, world: World
) -> None:
    api = Api(client, world.prescriber)
    assert (
        api.post("/patients", new_patient(world, clinic_id=world.other_clinic.pk)).status_code
        == 403
    )
    assert Api(client, world.analyst).post("/patients", new_patient(world)).status_code == 403


def test_the_list_holds_only_patients_of_the_users_clinics(client: Client, world: World) -> None:
    Api(client, world.other_prescriber).post(
        "/patients", new_patient(world, clinic_id=world.other_clinic.pk)
    )
    api = Api(client, world.prescriber)
    assert [p["record_number"] for p in api.get("/patients").json()["items"]] == ["JHB-T-1"]
    other = Patient.objects.get(clinic=world.other_clinic)
    assert api.get(f"/patients/{other.pk}").status_code == 404
    assert Api(client, world.auditor).get("/patients").status_code == 403
    assert Api(client, world.patient_user).get(f"/patients/{world.patient.pk}").status_code == 404


def test_a_patch_changes_only_what_is_sent_and_is_checked(client: Client, world: World) -> None:
    api = Api(client, world.clinic_admin)
    changed = api.patch(f"/patients/{world.patient.pk}", {"phone": "+27 82 555 0199"})
    assert changed.status_code == 200 and changed.json()["phone"] == "+27 82 555 0199"
    assert changed.json()["given_names"] == "Patient"
    bad = api.patch(f"/patients/{world.patient.pk}", {"phone": "call me"})
    assert bad.status_code == 422 and "phone" in bad.json()["error"]["fields"]


def test_consents_are_recorded_and_withdrawn(client: Client, world: World) -> None:
    api = Api(client, world.clinic_admin)
    path = f"/patients/{world.patient.pk}/consents"
    given = {
        "purposes": ["treatment", "photos"],
        "given_on": "2026-01-05",
        "method": "in_person",
        "given_by": "patient",
    }
    rows = api.post(path, given)
    assert rows.status_code == 201 and {r["purpose"] for r in rows.json()} == {
        "treatment",
        "photos",
    }
    signed = api.post(path, {**given, "purposes": ["registry"], "method": "signed_form"})
    assert signed.json()["error"]["fields"] == {
        "document_id": ["Upload the signed form first and give its id."]
    }
    photos = next(r for r in rows.json() if r["purpose"] == "photos")
    gone = api.post(f"{path}/{photos['id']}/withdraw", {"withdrawn_on": TODAY().isoformat()})
    assert gone.status_code == 200 and gone.json()["withdrawn_on"] == TODAY().isoformat()
    again = api.post(f"{path}/{photos['id']}/withdraw", {"withdrawn_on": TODAY().isoformat()})
    assert again.status_code == 409


def test_a_signed_form_is_uploaded_then_cited(client: Client, world: World) -> None:
    api = Api(client, world.prescriber)
    pdf = b"%PDF-1.4\n%%EOF\n"
    from django.core.files.uploadedfile import SimpleUploadedFile

    uploaded = client.post(
        f"/api/v1/patients/{world.patient.pk}/consent-documents",
        {"file": SimpleUploadedFile("f.pdf", pdf)},
        **api.headers,
    )
    assert uploaded.status_code == 201, uploaded.json()
    document = uploaded.json()["id"]
    rows = api.post(
        f"/patients/{world.patient.pk}/consents",
        {
            "purposes": ["registry"],
            "given_on": "2026-01-05",
            "method": "signed_form",
            "given_by": "patient",
            "document_id": document,
        },
    )
    assert rows.status_code == 201 and rows.json()[0]["document_id"] == document
    download = api.get(f"/patients/{world.patient.pk}/consent-documents/{document}")
    assert download.content == pdf


def test_a_diagnosis_needs_treatment_consent(client: Client, world: World) -> None:
    api = Api(client, world.prescriber)
    path = f"/patients/{world.patient.pk}/diagnoses"
    body = {
        "vitiligo_type": "non_segmental",
        "onset_year": 2010,
        "activity": "stable",
        "facial_involvement": True,
        "comorbidities": ["thyroid"],
        "recorded_on": "2026-01-05",
    }
    refused = api.post(path, body)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "consent_required"
    consent(world.patient, ConsentPurpose.TREATMENT)
    created = api.post(path, body)
    assert created.status_code == 201 and created.json()["icd10_code"] == "L80"
    assert Api(client, world.clinic_admin).get(path).status_code == 403
