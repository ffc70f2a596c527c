"""Ids sent inside request bodies: a foreign key naming another clinic's object is refused and
nothing is written, while the same body naming the caller's own clinic's object is accepted (so
each refusal is the foreign id's doing, not a malformed body)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model
from django.test import Client

from repigment.accounts.models import User
from repigment.assessments.models import Visit
from repigment.authorisations.models import AuthorisationApplication
from repigment.patients.models import Consent, Patient
from repigment.supply.models import ImportOrder
from tests.assessments.test_api import body as visit_body
from tests.authorisations.helpers import cream_prescription, draft, section_21
from tests.conftest import World
from tests.patients.helpers import consent_document, consenting_patient_in, patient_in
from tests.patients.test_api import new_patient


@dataclass(frozen=True)
class Case:
    """A write whose body carries an id: ``build(world, foreign)`` → (caller, method, path,
    body); nothing of ``model`` may appear when ``foreign``."""

    build: Callable[[World, bool], tuple[User, str, str, dict[str, Any]]]
    model: type[Model]
    accepted: int


def _visit(world: World, foreign: bool) -> tuple[User, str, str, dict[str, Any]]:
    patient = consenting_patient_in(world, world.clinic)
    assessor = world.other_prescriber if foreign else world.prescriber
    path = f"/api/v1/patients/{patient.pk}/visits"
    return world.prescriber, "POST", path, visit_body(assessor_id=assessor.pk)


def _consent_form(world: World, foreign: bool) -> tuple[User, str, str, dict[str, Any]]:
    own = patient_in(world, world.clinic)
    signed_by = patient_in(world, world.other_clinic) if foreign else own
    document = consent_document(signed_by)
    data = {
        "purposes": ["registry"], "given_on": "2026-01-05", "method": "signed_form",
        "given_by": "patient", "document_id": document.pk,
    }  # fmt: skip
    return world.prescriber, "POST", f"/api/v1/patients/{own.pk}/consents", data


def _new_patient(world: World, foreign: bool) -> tuple[User, str, str, dict[str, Any]]:
    clinic = world.other_clinic if foreign else world.clinic
    return world.prescriber, "POST", "/api/v1/patients", new_patient(world, clinic_id=clinic.pk)


def _new_application(world: World, foreign: bool) -> tuple[User, str, str, dict[str, Any]]:
    patient = consenting_patient_in(world, world.other_clinic if foreign else world.clinic)
    prescription = cream_prescription(patient)
    data = {"prescription_id": prescription.pk, "route": section_21().slug}
    return world.prescriber, "POST", "/api/v1/authorisations", data


_catalogue: dict[int, Any] = {}


def _order(world: World, foreign: bool) -> tuple[User, str, str, dict[str, Any]]:
    from tests.supply.conftest import build_catalogue
    from tests.supply.orders_world import approved

    catalogue = _catalogue.get(world.pharmacist.pk) or build_catalogue(world.pharmacist)
    _catalogue[world.pharmacist.pk] = catalogue
    if foreign:  # an authorisation of a clinic the pharmacy does not serve
        authorisation = approved(
            world, patient=patient_in(world, world.other_clinic), authorisation_number="S21-CPT-1"
        )
    else:
        authorisation = approved(world)
    data = {
        "authorisation_id": authorisation.pk, "gtin": catalogue.pack_60.gtin, "quantity": 1,
        "expected_lots": [catalogue.good_lot.number],
    }  # fmt: skip
    return world.pharmacist, "POST", "/api/v1/supply/orders", data


CASES = {
    "a visit's assessor": Case(_visit, Visit, 201),
    "a consent's signed form": Case(_consent_form, Consent, 201),
    "a new patient's clinic": Case(_new_patient, Patient, 201),
    "an application's prescription": Case(_new_application, AuthorisationApplication, 201),
    "an order's authorisation": Case(_order, ImportOrder, 201),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_an_id_of_another_clinic_inside_a_body_is_refused(
    client: Client, world: World, case: Case
) -> None:
    _catalogue.clear()
    user, method, path, data = case.build(world, True)
    before = case.model._base_manager.count()
    client.force_login(user)
    refused = client.generic(method, path, _json(data), content_type="application/json")
    assert refused.status_code in (403, 404, 422), (refused.status_code, refused.content[:300])
    assert case.model._base_manager.count() == before, "something was written"

    user, method, path, data = case.build(world, False)
    accepted = client.generic(method, path, _json(data), content_type="application/json")
    assert accepted.status_code == case.accepted, accepted.content[:300]


def _json(data: dict[str, Any]) -> str:
    import json

    return json.dumps(data)


def test_an_applicant_of_another_clinic_is_refused_on_a_draft(client: Client, world: World) -> None:
    from tests.authorisations.helpers import prescriber_record

    application = draft(world)
    stranger = prescriber_record(world.other_prescriber, hpcsa_number="MP 7654321")
    client.force_login(world.prescriber)
    path = f"/api/v1/authorisations/{application.pk}"
    response = client.patch(path, {"prescriber_id": stranger.pk}, content_type="application/json")
    assert response.status_code == 422
    application.refresh_from_db()
    assert application.prescriber != stranger
