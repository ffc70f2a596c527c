"""The adverse-events section of a patient's page (registered with the patients app)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from repigment.patients.access import CLINICAL_ROLES
from repigment.patients.models import Patient
from repigment.patients.sections import Section, register


def _events(request: HttpRequest, patient: Patient, role: str) -> dict[str, Any]:
    return {"events": list(patient.adverse_events.prefetch_related("reports"))}


def register_sections() -> None:
    register(Section("adverse_events", "safety/_patient_section.html", CLINICAL_ROLES, 40, _events))
