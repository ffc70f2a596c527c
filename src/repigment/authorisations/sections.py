"""The authorisations section of a patient's page (registered with the patients app)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from repigment.authorisations.services import open_application
from repigment.patients.access import CLINICAL_ROLES
from repigment.patients.models import Patient
from repigment.patients.sections import Section, register


def _applications(request: HttpRequest, patient: Patient, role: str) -> dict[str, Any]:
    today = timezone.localdate()
    prescriptions = patient.prescriptions.ruxolitinib().select_related("product")
    startable = [
        p
        for p in prescriptions
        if (p.stop_date is None or p.stop_date >= today) and open_application(p) is None
    ]
    applications = patient.authorisation_applications.select_related("route", "product")
    return {"applications": list(applications), "startable": startable}


def register_sections() -> None:
    register(
        Section(
            "authorisations",
            "authorisations/_patient_section.html",
            CLINICAL_ROLES,
            35,
            _applications,
        )
    )
