"""The visits API: computed scores only, 422 field errors, consent 409, the same permissions."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from repigment.assessments.models import Visit
from repigment.patients.models import ConsentPurpose
from tests.conftest import World
from tests.patients.helpers import TODAY, consent
from tests.patients.test_api import Api


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "visit_date": (TODAY() - timedelta(days=5)).isoformat(),
        "entries": [
            {"instrument": "F-VASI", "region": "face", "hand_units": "0.5", "depigmentation": 75},
            {"instrument": "T-VASI", "region": "trunk", "hand_units": 3, "depigmentation": 50},
        ],
    }
    data.update(changes)
    return data


@pytest.fixture
def api(client: Client, world: World) -> Api:
    consent(world.patient)
    return Api(client, world.prescriber)


def test_a_visit_is_created_with_scores_computed_on_the_server(api: Api, world: World) -> None:
    created = api.post(f"/patients/{world.patient.pk}/visits", body())
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["fvasi"], data["tvasi"]) == ("0.375", "1.5")
    assert data["week"] == 0 and data["version"] == 1 and data["assessor_id"] == world.prescriber.pk
    assert api.get(f"/visits/{data['id']}").json()["entries"][0]["hand_units"] == "0.50"


def test_a_score_sent_by_the_client_is_refused(api: Api, world: World) -> None:
    response = api.post(f"/patients/{world.patient.pk}/visits", body(fvasi_total="0.1"))
    assert response.status_code == 422
    assert "fvasi_total" in response.json()["error"]["fields"]
    assert not Visit.objects.exists()


def test_bad_rows_answer_422_naming_each_row(api: Api, world: World) -> None:
    rows = [
        {"instrument": "F-VASI", "region": "face", "hand_units": "0.5", "depigmentation": 30},
        {"instrument": "F-VASI", "region": "hands", "hand_units": "1", "depigmentation": 50},
        {"instrument": "T-VASI", "region": "trunk", "hand_units": "-1", "depigmentation": 50},
    ]
    response = api.post(f"/patients/{world.patient.pk}/visits", body(entries=rows))
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {
        "entries.0.depigmentation": ["Depigmentation must be one of 0, 10, 25, 50, 75, 90, 100 %."],
        "entries.1.region": ["F-VASI regions are: Face."],
        "entries.2.hand_units": ["Hand units cannot be negative."],
    }


def test_an_unknown_instrument_is_a_schema_error(api: Api, world: World) -> None:
    rows = [{"instrument": "VES", "region": "face", "hand_units": 1, "depigmentation": 50}]
    response = api.post(f"/patients/{world.patient.pk}/visits", body(entries=rows))
    assert (
        response.status_code == 422 and "entries.0.instrument" in response.json()["error"]["fields"]
    )


def test_no_visit_without_treatment_consent(client: Client, world: World) -> None:
    consent(world.patient, ConsentPurpose.PHOTOS)
    response = Api(client, world.prescriber).post(f"/patients/{world.patient.pk}/visits", body())
    assert response.status_code == 409 and response.json()["error"]["code"] == "consent_required"


def test_a_put_replaces_the_rows_and_keeps_the_old_version(api: Api, world: World) -> None:
    created = api.post(f"/patients/{world.patient.pk}/visits", body()).json()
    rows = [{"instrument": "F-VASI", "region": "face", "hand_units": "0.5", "depigmentation": 25}]
    changed = api.client.put(
        f"/api/v1/visits/{created['id']}",
        body(entries=rows),
        content_type="application/json",
        **api.headers,
    )
    assert changed.status_code == 200 and changed.json()["fvasi"] == "0.125"
    assert changed.json()["tvasi"] == "0"
    history = api.get(f"/visits/{created['id']}/history").json()
    assert [v["number"] for v in history] == [2, 1]
    assert {c["what"] for c in history[0]["changes"]} >= {"F-VASI", "T-VASI · Trunk"}


def test_the_same_permissions_as_the_pages(client: Client, api: Api, world: World) -> None:
    created = api.post(f"/patients/{world.patient.pk}/visits", body()).json()
    assert Api(client, world.clinic_admin).get(f"/visits/{created['id']}").status_code == 403
    assert Api(client, world.other_prescriber).get(f"/visits/{created['id']}").status_code == 404
    assert Api(client, world.patient_user).get(f"/visits/{created['id']}").status_code == 404
    assert (
        Api(client, world.pharmacist).get(f"/patients/{world.patient.pk}/visits").status_code == 404
    )
