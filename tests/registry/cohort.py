"""Registry patients for tests: consenting, started, scored on chosen days."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from repigment.accounts.models import Clinic
from repigment.assessments.models import Visit
from repigment.patients.models import Consent, ConsentPurpose, Diagnosis, Patient

START = date(2025, 3, 3)


def registry_patient(
    clinic: Clinic,
    number: str,
    *,
    consent: bool = True,
    born: date = date(1980, 6, 1),
    sex: str = "female",
    phototype: int = 5,
    onset_year: int | None = 2015,
) -> Patient:
    patient = Patient.objects.create(
        clinic=clinic,
        record_number=number,
        given_names="Nomsa",
        family_name=f"Registry{number}",
        date_of_birth=born,
        sex=sex,
        phototype=phototype,
        phone="+27821234567",
        treatment_start=START,
    )
    if consent:
        Consent.objects.create(
            patient=patient,
            purpose=ConsentPurpose.REGISTRY,
            given_on=START - timedelta(days=30),
            method="in_person",
            given_by="patient",
        )
    if onset_year is not None:
        Diagnosis.objects.create(
            patient=patient, vitiligo_type="non_segmental", onset_year=onset_year, activity="stable"
        )
    return patient


def scored(patient: Patient, day: int, fvasi: str | None, tvasi: str | None = None) -> Visit:
    """A visit ``day`` days after the start with these totals (None: not scored)."""
    visit = Visit.objects.create(
        patient=patient,
        visit_date=START + timedelta(days=day),
        fvasi_scored=fvasi is not None,
        tvasi_scored=tvasi is not None,
    )
    Visit.objects.filter(pk=visit.pk).update(
        fvasi_total=None if fvasi is None else Decimal(fvasi),
        tvasi_total=None if tvasi is None else Decimal(tvasi),
    )
    return visit
