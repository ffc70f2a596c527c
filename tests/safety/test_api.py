"""Adverse events in the API: patient tokens report only on their own record."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.test import Client

from repigment.accounts.models import ApiToken, User
from repigment.safety.models import AdverseEvent, Status
from tests.conftest import World
from tests.patients.helpers import TODAY, patient_in
from tests.safety.helpers import event


def _call(client: Client, user: User, method: str, url: str, body: Any = None) -> Any:
    _token, raw = ApiToken.issue(user, "test")
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(url, **kwargs)


def _report(**overrides: Any) -> dict[str, Any]:
    body = {
        "term": "application_site_pruritus",
        "onset_date": (TODAY() - timedelta(days=1)).isoformat(),
        "severity": "mild",
        "description": "itchy rash",
    }
    body.update(overrides)
    return body


def test_a_patient_token_reports_on_their_own_record_unconfirmed(
    client: Client, world: World
) -> None:
    url = f"/api/v1/patients/{world.patient.pk}/adverse-events"
    response = _call(client, world.patient_user, "post", url, _report())
    assert response.status_code == 201, response.content
    assert response.json()["status"] == Status.UNCONFIRMED
    listed = _call(client, world.patient_user, "get", url)
    assert [e["term"] for e in listed.json()["items"]] == ["application_site_pruritus"]


def test_a_patient_cannot_record_anything_on_another_patients_record(
    client: Client, world: World
) -> None:
    other = patient_in(world, world.other_clinic)
    url = f"/api/v1/patients/{other.pk}/adverse-events"
    response = _call(client, world.patient_user, "post", url, _report())
    assert response.status_code == 404
    theirs = event(other)
    assert (
        _call(client, world.patient_user, "get", f"/api/v1/adverse-events/{theirs.pk}").status_code
        == 404
    )
    assert not AdverseEvent.objects.filter(patient=other, reporter_kind="patient").exists()


def test_a_patient_cannot_assess_causality_or_confirm(client: Client, world: World) -> None:
    url = f"/api/v1/patients/{world.patient.pk}/adverse-events"
    response = _call(client, world.patient_user, "post", url, _report(causality="certain"))
    assert response.status_code == 422
    assert response.json()["error"]["fields"]["causality"] == [
        "Only the prescriber assesses causality."
    ]
    mine = event(world.patient, by_patient=True)
    confirm = f"/api/v1/adverse-events/{mine.pk}/confirm"
    response = _call(client, world.patient_user, "post", confirm, _report(causality="certain"))
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.status == Status.UNCONFIRMED


def test_the_prescriber_confirms_through_the_api(client: Client, world: World) -> None:
    mine = event(world.patient, by_patient=True)
    url = f"/api/v1/adverse-events/{mine.pk}/confirm"
    response = _call(client, world.prescriber, "post", url, _report(causality="probable"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == Status.CONFIRMED
    again = _call(client, world.prescriber, "post", url, _report(causality="probable"))
    assert again.status_code == 409


def test_impossible_dates_answer_422_with_the_field(client: Client, world: World) -> None:
    url = f"/api/v1/patients/{world.patient.pk}/adverse-events"
    onset = TODAY() - timedelta(days=2)
    body = _report(
        onset_date=onset.isoformat(),
        end_date=(onset - timedelta(days=1)).isoformat(),
        causality="possible",
    )
    response = _call(client, world.prescriber, "post", url, body)
    assert response.status_code == 422
    assert "before it started" in response.json()["error"]["fields"]["end_date"][0]
    assert not AdverseEvent.objects.exists()


def test_prescriber_gets_the_fhir_resource_and_pdf_and_records_the_report(
    client: Client, world: World
) -> None:
    made = event(world.patient, seriousness=["life_threatening"])
    fhir = _call(client, world.prescriber, "get", f"/api/v1/adverse-events/{made.pk}/fhir")
    assert fhir.status_code == 200 and fhir.json()["resourceType"] == "AdverseEvent"
    pdf = _call(client, world.prescriber, "get", f"/api/v1/adverse-events/{made.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    needing = _call(client, world.prescriber, "get", "/api/v1/adverse-events?needs_report=true")
    assert [e["id"] for e in needing.json()["items"]] == [made.pk]
    sent = _call(
        client,
        world.prescriber,
        "post",
        f"/api/v1/adverse-events/{made.pk}/reports",
        {"sent_on": TODAY().isoformat(), "route": "adr_form"},
    )
    assert sent.status_code == 201
    needing = _call(client, world.prescriber, "get", "/api/v1/adverse-events?needs_report=true")
    assert needing.json()["items"] == []


def test_other_clinics_and_other_roles_get_nothing(client: Client, world: World) -> None:
    made = event(world.patient)
    url = f"/api/v1/adverse-events/{made.pk}"
    assert _call(client, world.other_prescriber, "get", url).status_code == 404
    assert _call(client, world.clinic_admin, "get", url).status_code == 403
    assert _call(client, world.prescriber, "get", url).status_code == 200
