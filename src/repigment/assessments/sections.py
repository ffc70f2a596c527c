"""The visits section of a patient's page (registered with the patients app)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from repigment.assessments.course import build_course
from repigment.patients.access import CLINICAL_ROLES, RECORD_ROLES
from repigment.patients.models import ConsentPurpose, Patient
from repigment.patients.sections import Section, register
from repigment.patients.services import has_consent


def _visits(request: HttpRequest, patient: Patient, role: str) -> dict[str, Any]:
    clinical = role in CLINICAL_ROLES
    return {
        "course": build_course(patient) if clinical else None,
        "visit_dates": patient.visits.values_list("visit_date", flat=True),
        "clinical": clinical,
        "can_score": clinical and has_consent(patient, ConsentPurpose.TREATMENT),
        "photo_count": patient.visits.filter(photos__isnull=False).count() if clinical else 0,
    }


def register_sections() -> None:
    register(Section("visits", "assessments/_patient_section.html", RECORD_ROLES, 10, _visits))
