"""The API prescribes with the same checks as the page, answers 422 with the findings, and
lets a patient write only their own diary. Every read and change is audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from repigment.accounts.models import ApiToken, AuditAction, AuditEntry
from repigment.patients.models import Patient
from repigment.treatment.models import CoMedication, DiaryEntry, Prescription
from tests.audit_trail import actions
from tests.conftest import World
from tests.patients.helpers import TODAY
from tests.treatment.helpers import ruxolitinib

pytestmark = pytest.mark.django_db


def payload(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "product_id": ruxolitinib().pk,
        "treated_areas": [
            {"region": "face", "bsa_percent": "2"},
            {"region": "trunk", "bsa_percent": "6"},
        ],
        "start_date": TODAY().isoformat(),
        "planned_weeks": 24,
        "tube_grams": 100,
        "pregnant": False,
        "breastfeeding": False,
        "active_serious_infection": False,
        "warnings_reviewed": True,
    }
    data.update(changes)
    return data


def create(client: Client, patient: Patient, **changes: Any) -> Any:
    return client.post(
        f"/api/v1/patients/{patient.pk}/prescriptions",
        payload(**changes),
        content_type="application/json",
    )


def test_within_the_label_it_is_created_with_the_clinics_label(
    prescriber: Client, teen: Patient
) -> None:
    response = create(prescriber, teen)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["jurisdiction"] == "EMA"
    assert body["label_overall"] == "ok"
    assert body["grams_per_week"] == "28.000"
    assert body["treated_bsa_percent"] == "8.00"
    assert all(f["reference"]["url"].startswith("https://") for f in body["label_findings"])


def test_outside_the_label_answers_422_with_the_findings_until_justified(
    prescriber: Client, teen: Patient
) -> None:
    areas = [{"region": "trunk", "bsa_percent": "14"}]
    refused = create(prescriber, teen, treated_areas=areas)
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"]["code"] == "label_check"
    assert "justification" in body["error"]["fields"]
    levels = {f["rule"]: f["level"] for f in body["label"]["findings"]}
    assert levels["ema.bsa"] == "outside_label"
    assert not Prescription.objects.exists()
    reason = "Extensive disease; agreed to treat 14 % for eight weeks."
    created = create(prescriber, teen, treated_areas=areas, justification=reason)
    assert created.status_code == 201
    assert created.json()["justification"] == reason


def test_a_caution_is_acknowledged_by_its_key(prescriber: Client, teen: Patient) -> None:
    refused = create(prescriber, teen, active_serious_infection=True)
    assert refused.status_code == 422
    caution = next(f for f in refused.json()["label"]["findings"] if f["level"] == "caution")
    assert refused.json()["error"]["fields"]["acknowledged"]
    created = create(prescriber, teen, active_serious_infection=True, acknowledged=[caution["key"]])
    assert created.status_code == 201
    assert created.json()["acknowledged"] == [caution["key"]]


def test_check_answers_the_findings_and_saves_nothing(prescriber: Client, teen: Patient) -> None:
    response = prescriber.post(
        f"/api/v1/patients/{teen.pk}/prescriptions/check",
        payload(jurisdiction="FDA", tube_grams=60),
        content_type="application/json",
    )
    body = response.json()
    assert response.status_code == 200
    assert body["label"]["jurisdiction"] == "FDA" and body["label"]["overall"] == "ok"
    assert body["quantity"]["tubes"] == 12 and body["missing"] == {}
    assert not Prescription.objects.exists()


def test_page_and_api_agree(prescriber: Client, teen: Patient) -> None:
    from tests.treatment.helpers import form

    prescriber.post(f"/patients/{teen.pk}/prescriptions/new/", form(area_trunk="12"))
    api = create(prescriber, teen, treated_areas=[{"region": "trunk", "bsa_percent": "14"}])
    assert not Prescription.objects.exists()
    page = prescriber.post(f"/patients/{teen.pk}/prescriptions/new/", form(area_trunk="12"))
    page_rules = {(f.rule, f.level, f.reason) for f in page.context["review"].findings}
    api_rules = {(f["rule"], f["level"], f["reason"]) for f in api.json()["label"]["findings"]}
    assert page_rules == api_rules


def test_client_supplied_levels_are_refused(prescriber: Client, teen: Patient) -> None:
    response = create(prescriber, teen, label_overall="ok")
    assert response.status_code == 422
    assert "label_overall" in response.json()["error"]["fields"]


def test_bad_dates_and_missing_consent(prescriber: Client, teen: Patient, world: World) -> None:
    early = (teen.date_of_birth - timedelta(days=3)).isoformat()
    response = create(prescriber, teen, start_date=early)
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["start_date"]
    teen.consents.update(withdrawn_on=TODAY())
    response = create(prescriber, teen)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "consent_required"


def test_another_clinic_finds_no_such_patient(client: Client, world: World, teen: Patient) -> None:
    client.force_login(world.other_prescriber)
    assert create(client, teen).status_code == 404
    assert client.get(f"/api/v1/patients/{teen.pk}/prescriptions").status_code == 404
    client.force_login(world.clinic_admin)
    assert client.get(f"/api/v1/patients/{teen.pk}/prescriptions").status_code == 403


def test_co_medications_through_the_api(prescriber: Client, teen: Patient) -> None:
    url = f"/api/v1/patients/{teen.pk}/co-medications"
    bad = {"name": "Prednisolone", "start_date": "2026-03-10", "stop_date": "2026-03-01"}
    refused = prescriber.post(url, bad, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"]["stop_date"]
    good = prescriber.post(url, {"name": "Upadacitinib"}, content_type="application/json")
    assert good.status_code == 201
    row = CoMedication.objects.get()
    put = prescriber.put(
        f"/api/v1/co-medications/{row.pk}",
        {"name": "Upadacitinib", "stop_date": TODAY().isoformat()},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["stop_date"] == TODAY().isoformat()
    check = prescriber.post(
        f"/api/v1/patients/{teen.pk}/prescriptions/check",
        payload(),
        content_type="application/json",
    ).json()
    assert check["label"]["co_medications"] == ["Upadacitinib"]  # taken on the start day
    assert [r["name"] for r in prescriber.get(url).json()] == ["Upadacitinib"]


def test_a_patient_token_writes_only_its_own_diary(world: World, teen: Patient) -> None:
    Prescription.objects.create(
        patient=teen,
        product=ruxolitinib(),
        treated_areas=[{"region": "face", "bsa_percent": "2"}],
        start_date=TODAY() - timedelta(days=7),
        planned_weeks=24,
        prescriber=world.prescriber,
    )
    _, raw = ApiToken.issue(world.patient_user, "phone")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    day = TODAY().isoformat()
    first = client.post("/api/v1/me/diary", {"day": day, "morning": True}, "application/json")
    assert first.status_code == 201
    again = client.post(
        "/api/v1/me/diary", {"day": day, "morning": True, "evening": True}, "application/json"
    )
    assert again.status_code == 200 and again.json()["evening"] is True
    future = (TODAY() + timedelta(days=1)).isoformat()
    refused = client.post("/api/v1/me/diary", {"day": future, "morning": True}, "application/json")
    assert refused.status_code == 422 and refused.json()["error"]["fields"]["day"]
    assert [e["day"] for e in client.get("/api/v1/me/diary").json()["items"]] == [day]
    assert client.get(f"/api/v1/patients/{teen.pk}/diary").status_code == 404
    assert DiaryEntry.objects.get().patient == teen


def test_staff_have_no_diary_and_read_the_patients(prescriber: Client, teen: Patient) -> None:
    body = {"day": TODAY().isoformat(), "morning": True}
    assert prescriber.post("/api/v1/me/diary", body, "application/json").status_code == 404
    assert prescriber.get(f"/api/v1/patients/{teen.pk}/diary").json()["items"] == []
    assert prescriber.get(f"/api/v1/patients/{teen.pk}/adherence").status_code == 200


def test_every_read_and_change_is_audited_with_the_patient(
    prescriber: Client, teen: Patient
) -> None:
    prescription_id = create(prescriber, teen).json()["id"]
    prescriber.get(f"/api/v1/prescriptions/{prescription_id}")
    prescriber.get(f"/api/v1/patients/{teen.pk}/prescriptions")
    prescriber.post(
        f"/api/v1/prescriptions/{prescription_id}/stop",
        {"stop_date": TODAY().isoformat(), "stop_reason": "patient_choice"},
        content_type="application/json",
    )
    seen = actions(AuditEntry.objects.naming(teen.pk))
    assert {
        (AuditAction.CREATE, "prescription"),
        (AuditAction.VIEW, "prescription"),
        (AuditAction.VIEW, "prescription_list"),
        (AuditAction.UPDATE, "prescription"),
    } <= seen


def test_the_product_list_carries_its_sources(prescriber: Client) -> None:
    products = prescriber.get("/api/v1/products").json()
    cream = next(p for p in products if p["subject_to_ruxolitinib_label"])
    assert cream["strength"] == "1.5 %"
    assert cream["facts"] and all(f["reference"] for f in cream["facts"])


def test_the_api_refuses_a_second_current_course_unless_it_replaces_the_first(
    prescriber: Client, teen: Patient
) -> None:
    earlier = (TODAY() - timedelta(days=14)).isoformat()
    assert create(prescriber, teen, start_date=earlier).status_code == 201
    refused = create(prescriber, teen)
    assert refused.status_code == 422
    assert "Two courses side by side" in refused.json()["error"]["fields"]["replaces_current"][0]
    assert Prescription.objects.count() == 1
    assert create(prescriber, teen, replaces_current=True).status_code == 201
    assert list(Prescription.objects.order_by("pk").values_list("stop_reason", flat=True)) == [
        "replaced",
        "",
    ]
