"""The treatment section of a patient's page and the adherence panel of the course page.

Both are registered with the patients app's sections registry, so neither the patients nor
the assessments app imports this one.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from repigment.patients.access import CLINICAL_ROLES
from repigment.patients.models import ConsentPurpose, Patient
from repigment.patients.sections import Section, register
from repigment.patients.services import has_consent
from repigment.treatment import monitoring
from repigment.treatment.adherence import overall_percent, weekly_adherence
from repigment.treatment.chart import adherence_svg
from repigment.treatment.services import current_co_medications, sync_treatment_start, today


def _treatment(request: HttpRequest, patient: Patient, role: str) -> dict[str, Any]:
    sync_treatment_start(patient)  # a prescription dated ahead may have started since
    prescriptions = patient.prescriptions.select_related("product", "prescriber")
    weeks = weekly_adherence(patient)
    status = monitoring.status_for(patient)
    return {
        "monitoring": status,
        "monitoring_due": status.overdue(today()),
        "prescriptions": prescriptions,
        "co_medications": current_co_medications(patient, today(), today()),
        "can_prescribe": has_consent(patient, ConsentPurpose.TREATMENT),
        "adherence": overall_percent(weeks),
    }


def _adherence(request: HttpRequest, patient: Patient, role: str) -> dict[str, Any]:
    weeks = weekly_adherence(patient)
    return {
        "weeks": weeks,
        "overall": overall_percent(weeks),
        "chart": adherence_svg(weeks, "course-adherence") if weeks else None,
    }


def register_sections() -> None:
    register(
        Section("treatment", "treatment/_patient_section.html", CLINICAL_ROLES, 20, _treatment)
    )
    register(
        Section(
            "adherence",
            "treatment/_course_adherence.html",
            CLINICAL_ROLES,
            10,
            _adherence,
            page="course",
        )
    )
