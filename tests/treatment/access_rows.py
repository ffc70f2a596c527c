"""Access rules for prescriptions, co-medications, adherence, the product list and the diary.

Prescribing and everything clinical is the prescriber's (the patient's clinic decides, as
for the patient page); the product list is open to the clinic staff who prescribe, supply
or run the clinic; the diary page belongs to the signed-in patient, who writes only their own.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from repigment.accounts.models import Clinic, Role
from repigment.treatment.models import CoMedication, Prescription
from tests.access_rules import Row, clinic_kwargs, everyone, only
from tests.conftest import PATIENT, World
from tests.patients.access_rows import CLINICAL, patient_kwargs
from tests.patients.helpers import TODAY, consenting_patient_in, prescriber_of
from tests.treatment.helpers import ruxolitinib

PORTAL = {**everyone(302), PATIENT: 200}


def _prescription(world: World, clinic: Clinic) -> dict[str, Any]:
    patient = consenting_patient_in(world, clinic)
    found = patient.prescriptions.first() or Prescription.objects.create(
        patient=patient,
        product=ruxolitinib(),
        treated_areas=[{"region": "face", "bsa_percent": "2"}],
        start_date=TODAY() - timedelta(days=30),
        planned_weeks=24,
        tube_grams=100,
        jurisdiction="EMA",
        label_overall="ok",
        prescriber=prescriber_of(patient),
    )
    return {"prescription_id": found.pk}


def _co_medication(world: World, clinic: Clinic) -> dict[str, Any]:
    patient = consenting_patient_in(world, clinic)
    found = patient.co_medications.first() or CoMedication.objects.create(
        patient=patient, name="Levothyroxine"
    )
    return {"co_medication_id": found.pk}


ROWS = [
    Row("treatment:products", own=only(Role.PRESCRIBER, Role.PHARMACIST, Role.CLINIC_ADMIN)),
    Row("treatment:prescription_new", own=CLINICAL, kwargs=patient_kwargs, other=404),
    Row(
        "treatment:prescription_preview",
        own=CLINICAL,
        method="POST",
        kwargs=patient_kwargs,
        other=404,
    ),
    Row("treatment:prescription_detail", own=CLINICAL, kwargs=_prescription, other=404),
    Row("treatment:prescription_stop", own=CLINICAL, kwargs=_prescription, other=404),
    Row("treatment:co_medications", own=CLINICAL, kwargs=patient_kwargs, other=404),
    Row("treatment:co_medication_edit", own=CLINICAL, kwargs=_co_medication, other=404),
    Row("treatment:adherence", own=CLINICAL, kwargs=patient_kwargs, other=404),
    Row("treatment:monitoring", own=CLINICAL, kwargs=patient_kwargs, other=404),
    Row("diary:home", own=PORTAL),
    Row("cost:home", own=PORTAL),
    Row("treatment:prices", own=only(Role.CLINIC_ADMIN), kwargs=clinic_kwargs, other=403),
]
