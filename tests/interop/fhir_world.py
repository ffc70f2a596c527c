"""A patient with one of everything the FHIR server serves, and helpers to ask it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.test import Client
from fhir.resources.R4B import get_fhir_model_class

from repigment.accounts.models import ApiToken, User
from repigment.assessments.models import Visit
from repigment.patients.models import Consent, Diagnosis
from repigment.safety.models import AdverseEvent
from repigment.supply import dispensing
from repigment.supply.models import Dispense
from repigment.treatment.models import Prescription
from tests.conftest import World
from tests.patients.helpers import TODAY, consent, visit
from tests.safety.helpers import event
from tests.supply.conftest import Catalogue, build_catalogue
from tests.supply.orders_world import approved, stocked

FHIR = "/fhir/R4"


@dataclass
class Record:
    world: World
    catalogue: Catalogue
    diagnosis: Diagnosis
    first_visit: Visit
    second_visit: Visit
    prescription: Prescription
    dispense: Dispense
    event: AdverseEvent
    consents: list[Consent]


def build_record(world: World) -> Record:
    patient = world.patient
    catalogue = build_catalogue(world.pharmacist)
    diagnosis = Diagnosis.objects.create(
        patient=patient,
        vitiligo_type="non_segmental",
        onset_year=2019,
        activity="active",
        recorded_by=world.prescriber,
        recorded_on=TODAY() - timedelta(days=60),
    )
    first = visit(
        patient,
        TODAY() - timedelta(days=60),
        face=[("1", 50)],
        body=[("hands", "2", 75), ("trunk", "4", 25)],
        vns=2,
    )
    second = visit(
        patient,
        TODAY() - timedelta(days=5),
        face=[("1", 25)],
        body=[("hands", "2", 50)],
        tvasi_scored=True,
    )
    auth = approved(world)
    dispense = dispensing.dispense(
        pack=stocked(world, "SER1"),
        authorisation=auth,
        pharmacist=world.pharmacist,
        pharmacy=world.pharmacy,
        day=TODAY() - timedelta(days=8),
    )
    happened = event(
        world.patient, onset_date=TODAY() - timedelta(days=3), seriousness=["hospitalisation"]
    )
    return Record(
        world,
        catalogue,
        diagnosis,
        first,
        second,
        auth.prescription,
        dispense,
        happened,
        consent(patient),
    )


def fhir_token(user: User) -> str:
    return ApiToken.issue(user, "fhir client", [ApiToken.SCOPE_FHIR])[1]


def get(path: str, token: str | None, **params: Any) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    url = path if path.startswith("http") else f"{FHIR}/{path}"
    return Client().get(url, params, **headers)


def valid(resource: dict[str, Any]) -> dict[str, Any]:
    """The resource after fhir.resources' R4B model for its type has validated it."""
    model = get_fhir_model_class(resource["resourceType"])
    model.model_validate(resource)
    return resource


def ids(bundle: dict[str, Any], mode: str = "match") -> list[str]:
    return [
        f"{e['resource']['resourceType']}/{e['resource']['id']}"
        for e in bundle.get("entry", [])
        if e["search"]["mode"] == mode
    ]
