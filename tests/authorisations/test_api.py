"""The applications API: the same rules as the pages, as JSON (409 refused, 422 invalid, 403
for a role that may not, 404 for an application outside your clinics)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from repigment.accounts.models import AuditEntry, Membership
from repigment.authorisations import services
from repigment.authorisations.models import Importer, State
from tests.authorisations.helpers import (
    MOTIVATION,
    actor,
    application_in,
    complete_checklist,
    cream_prescription,
    draft,
    importer,
    patient_ready,
    prescriber_record,
    quick_pdfs,
    section_21,
)
from tests.conftest import World
from tests.patients.helpers import TODAY

pytestmark = pytest.mark.usefixtures("quick_pdfs")
assert quick_pdfs
BASE = "/api/v1/authorisations"


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def test_a_prescriber_creates_and_moves_an_application(client: Client, world: World) -> None:
    section_21()
    prescriber_record(world.prescriber)
    importer(world)
    prescription = cream_prescription(patient_ready(world))
    client.force_login(world.prescriber)
    created = post(client, BASE, {"prescription_id": prescription.pk})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "draft" and body["route"]["slug"] == "section-21"
    assert body["requested"] == {"packs": 8, "pack_grams": 100, "grams": "728.000"}
    assert body["steps"] == ["mark_ready"]
    url = f"{BASE}/{body['id']}"
    refused = post(client, f"{url}/transitions", {"action": "submit"})
    assert (
        refused.status_code == 409
        and "possible only when it is" in refused.json()["error"]["message"]
    )
    not_ready = post(client, f"{url}/transitions", {"action": "mark_ready"})
    assert (
        not_ready.status_code == 409
        and "checklist is not complete" in not_ready.json()["error"]["message"]
    )


def test_approval_without_its_terms_is_422_with_the_fields(client: Client, world: World) -> None:
    application = application_in(world, State.SUBMITTED)
    client.force_login(world.prescriber)
    url = f"{BASE}/{application.pk}/transitions"
    response = post(client, url, {"action": "approve"})
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {
        "authorisation_number", "valid_until", "authorised_packs", "pack_grams",
    }  # fmt: skip
    ok = post(
        client,
        url,
        {
            "action": "approve",
            "authorisation_number": "S21-API-1",
            "valid_until": "2027-05-01",
            "authorised_packs": 7,
            "pack_grams": 100,
        },
    )
    assert ok.status_code == 200 and ok.json()["state"] == "approved"
    assert ok.json()["authorised_grams"] == 700 and ok.json()["remaining"]["usable"] is True
    events = client.get(f"{BASE}/{application.pk}/events").json()
    assert [e["to_state"] for e in events] == ["draft", "ready", "submitted", "approved"]


def test_unknown_fields_and_actions_are_422(client: Client, world: World) -> None:
    application = draft(world)
    client.force_login(world.prescriber)
    assert (
        post(client, f"{BASE}/{application.pk}/transitions", {"action": "fly"}).status_code == 422
    )
    response = client.patch(
        f"{BASE}/{application.pk}", {"patient_id": 9}, content_type="application/json"
    )
    assert response.status_code == 422


def test_a_renewal_through_the_api_keeps_the_product(client: Client, world: World) -> None:
    application = application_in(world, State.APPROVED)
    client.force_login(world.prescriber)
    created = post(client, f"{BASE}/{application.pk}/reauthorisation", {})
    assert created.status_code == 201 and created.json()["renews_id"] == application.pk
    renewal = created.json()["id"]
    locked = client.patch(f"{BASE}/{renewal}", {"period_weeks": 4}, content_type="application/json")
    assert locked.status_code == 422 and "period_weeks" in locked.json()["error"]["fields"]
    dosage = client.patch(
        f"{BASE}/{renewal}", {"dosage": "Twice daily to the face."}, content_type="application/json"
    )
    assert dosage.status_code == 200 and dosage.json()["dosage"] == "Twice daily to the face."


def test_who_sees_what(client: Client, world: World) -> None:
    application = draft(world)
    complete_checklist(application, world.prescriber)
    client.force_login(world.pharmacist)
    seen = client.get(f"{BASE}/{application.pk}").json()
    assert seen["motivation"] is None
    assert {row["code"] for row in seen["checklist"]}.isdisjoint(
        {"application", "motivation", "informed-consent", "prescription"}
    )
    assert [a["id"] for a in client.get(BASE).json()["items"]] == [application.pk]
    assert (
        post(client, f"{BASE}/{application.pk}/transitions", {"action": "mark_ready"}).status_code
        == 403
    )
    client.force_login(world.prescriber)
    assert client.get(f"{BASE}/{application.pk}").json()["motivation"] == MOTIVATION
    client.force_login(world.other_prescriber)
    assert client.get(f"{BASE}/{application.pk}").status_code == 404
    assert client.get(BASE).json()["items"] == []
    client.force_login(world.clinic_admin)
    assert client.get(f"{BASE}/{application.pk}").status_code == 403
    assert AuditEntry.objects.filter(
        object_type="authorisation_application", action="access_denied"
    ).exists()


def test_an_anonymous_caller_gets_401(client: Client, world: World) -> None:
    assert client.get(BASE).status_code == 401
    assert TODAY()


def test_the_applicant_must_prescribe_at_the_patients_clinic(client: Client, world: World) -> None:
    application = draft(world)
    stranger = prescriber_record(world.other_prescriber, hpcsa_number="MP 7654321")
    client.force_login(world.prescriber)
    url = f"{BASE}/{application.pk}"
    response = client.patch(url, {"prescriber_id": stranger.pk}, content_type="application/json")
    assert response.status_code == 422, response.content
    assert "prescriber_id" in response.json()["error"]["fields"]
    application.refresh_from_db()
    assert application.prescriber == prescriber_record(world.prescriber)
    Membership.objects.create(user=world.other_prescriber, clinic=world.clinic, role="prescriber")
    response = client.patch(url, {"prescriber_id": stranger.pk}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["applicant_hpcsa_number"] == "MP 7654321"


def test_the_importer_must_be_active(client: Client, world: World) -> None:
    application = draft(world)
    retired = Importer.objects.create(
        name="Closed Importer", sahpra_licence_number="SAHPRA-IMP-0001", active=False
    )
    client.force_login(world.prescriber)
    url = f"{BASE}/{application.pk}"
    response = client.patch(url, {"importer_id": retired.pk}, content_type="application/json")
    assert response.status_code == 422
    assert "importer_id" in response.json()["error"]["fields"]
    application.refresh_from_db()
    assert application.importer == importer(world)


def test_the_named_importer_stays_choosable_after_it_is_retired(world: World) -> None:
    application = draft(world)
    Importer.objects.filter(pk=application.importer_id).update(active=False)
    kept = services.update_application(
        application, {"importer": importer(world)}, actor(world.prescriber), TODAY()
    )
    assert kept.importer == importer(world)
