"""A registry cohort for the demo: enough consenting patients, a year into treatment, for the
analyst's page to show figures rather than small-cell marks.

Each clinic gets 24 invented patients who started the cream 54 to 66 weeks ago and consented to
registry use. The builder runs right after the patients app's, so the later builders treat them
like every demo patient: visits at weeks 0, 12, 24, 36 and 52 (and 64 where reached),
prescriptions, diaries, adverse events.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

from django.utils import timezone

from repigment.accounts.models import Clinic, Role, User
from repigment.patients import demo as patients_demo
from repigment.patients.models import Consent, ConsentGiver, ConsentMethod, ConsentPurpose, Patient

SEED = 1414
PER_CLINIC = 24
CLINICS = (("Johannesburg Skin Clinic", "JHB"), ("Cape Town Dermatology", "CPT"))


def build(step: Callable[[str], None]) -> None:
    """Create the cohort's missing patients (idempotent)."""
    today = timezone.localdate()
    rng = random.Random(SEED)
    for name, prefix in CLINICS:
        clinic = Clinic.objects.filter(name=name).first()
        if clinic is None:
            continue
        prescriber = User.objects.filter(
            memberships__clinic=clinic, memberships__role=Role.PRESCRIBER
        ).first()
        for number in range(1, PER_CLINIC + 1):
            planned = _planned(name, f"{prefix}-R{number:03d}", today, rng)
            if Patient.objects.filter(clinic=clinic, record_number=planned.record_number).exists():
                continue
            patient = patients_demo._create(planned, clinic, prescriber, today, rng)
            _registry_consent(patient, prescriber)
            step(f"registry patient {patient.record_number}")


def _planned(
    clinic_name: str, record_number: str, today: date, rng: random.Random
) -> patients_demo.PlannedPatient:
    female = rng.random() < 0.6
    age = rng.choice(range(14, 72))
    return patients_demo.PlannedPatient(
        clinic_name,
        record_number,
        rng.choice(patients_demo.FEMALE_NAMES if female else patients_demo.MALE_NAMES),
        rng.choice(patients_demo.FAMILY_NAMES),
        "female" if female else "male",
        today - timedelta(days=365 * age + rng.randrange(365)),
        rng.choices(range(1, 7), weights=patients_demo.PHOTOTYPE_WEIGHTS)[0],
        rng.randrange(54, 67),
    )


def _registry_consent(patient: Patient, recorder: User | None) -> None:
    if patient.consents.filter(purpose=ConsentPurpose.REGISTRY, withdrawn_on__isnull=True).exists():
        return
    minor = patient.is_minor_on(timezone.localdate())
    Consent.objects.create(
        patient=patient,
        purpose=ConsentPurpose.REGISTRY,
        given_on=patient.treatment_start or timezone.localdate(),
        method=ConsentMethod.IN_PERSON,
        given_by=ConsentGiver.GUARDIAN if minor else ConsentGiver.PATIENT,
        guardian_name=f"Parent of {patient.given_names}" if minor else "",
        guardian_relationship="mother" if minor else "",
        recorded_by=recorder,
    )
