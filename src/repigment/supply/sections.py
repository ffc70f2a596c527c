"""The packs dispensed to a patient (lot and serial of each), shown to prescribers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from repigment.patients.access import CLINICAL_ROLES
from repigment.patients.models import Patient
from repigment.patients.sections import Section, register
from repigment.supply.models import Dispense


def _dispensed(request: HttpRequest, patient: Patient, role: str) -> dict[str, Any]:
    found = Dispense.objects.filter(patient=patient).select_related(
        "pack__lot", "pack__product_pack__product", "pharmacy", "authorisation"
    )
    return {"dispensed": list(found)}


def register_sections() -> None:
    register(Section("dispensed", "supply/_patient_section.html", CLINICAL_ROLES, 37, _dispensed))
