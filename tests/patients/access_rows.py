"""Access rules for the patient pages: the patient's clinic decides, by role.

Prescribers and clinic administrators of the patient's clinic open the record (the diagnosis
is the prescriber's alone); analysts and auditors of the clinic are refused (403); anyone
with no role there, the pharmacist and the patient included, finds nothing (404).
"""

from __future__ import annotations

from typing import Any

from repigment.accounts.models import Clinic, Role
from tests.access_rules import ANONYMOUS, Row, clinic_kwargs, only
from tests.conftest import PATIENT, World
from tests.patients.helpers import consent_document, consenting_patient_in

RECORD = {**only(Role.PRESCRIBER, Role.CLINIC_ADMIN), Role.PHARMACIST: 404, PATIENT: 404}
CLINICAL = {**only(Role.PRESCRIBER), Role.PHARMACIST: 404, PATIENT: 404}


def patient_kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"patient_id": consenting_patient_in(world, clinic).pk}


def _consent(world: World, clinic: Clinic) -> dict[str, Any]:
    patient = consenting_patient_in(world, clinic)
    return {"patient_id": patient.pk, "consent_id": patient.consents.first().pk}  # type: ignore[union-attr]


def _document(world: World, clinic: Clinic) -> dict[str, Any]:
    patient = consenting_patient_in(world, clinic)
    return {"patient_id": patient.pk, "document_id": consent_document(patient).pk}


ROWS = [
    Row("patients:list", own=only(Role.PRESCRIBER, Role.CLINIC_ADMIN)),
    Row(
        "patients:register",
        own=only(Role.PRESCRIBER, Role.CLINIC_ADMIN),
        kwargs=clinic_kwargs,
        other=403,
    ),
    Row("patients:detail", own=RECORD, kwargs=patient_kwargs, other=404),
    Row("patients:edit", own=RECORD, kwargs=patient_kwargs, other=404),
    Row("patients:consent_add", own=RECORD, kwargs=patient_kwargs, other=404),
    Row("patients:consent_withdraw", own=RECORD, kwargs=_consent, other=404),
    Row("patients:consent_document", own=RECORD, kwargs=_document, other=404),
    Row("patients:diagnosis_add", own=CLINICAL, kwargs=patient_kwargs, other=404),
    Row(
        "patients:portal_access",
        own={**RECORD, Role.PRESCRIBER: 302, Role.CLINIC_ADMIN: 302, ANONYMOUS: 302},
        method="POST",
        data={"action": "close"},
        kwargs=patient_kwargs,
        other=404,
    ),
]
