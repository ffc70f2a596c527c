"""Builders for safety tests: an adverse event and a ruxolitinib prescription."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from repigment.accounts.models import User
from repigment.patients.models import Patient
from repigment.safety.models import AdverseEvent, ReporterKind, Status
from repigment.treatment.models import Prescription, Product
from tests.patients.helpers import TODAY, prescriber_of


def cream() -> Product:
    product, _ = Product.objects.get_or_create(
        name="Ruxolitinib cream (Opzelura)",
        defaults={"form": "cream", "strength": "1.5 %", "subject_to_ruxolitinib_label": True},
    )
    return product


def prescription(patient: Patient, start: date, **fields: Any) -> Prescription:
    values: dict[str, Any] = {
        "treated_areas": [{"region": "face", "bsa_percent": "2"}],
        "planned_weeks": 52,
        "jurisdiction": "EMA",
        "label_overall": "ok",
        "prescriber": prescriber_of(patient),
        **fields,
    }
    return Prescription.objects.create(patient=patient, product=cream(), start_date=start, **values)


def event(patient: Patient, *, by_patient: bool = False, **fields: Any) -> AdverseEvent:
    reporter: User | None = patient.user if by_patient else prescriber_of(patient)
    values: dict[str, Any] = {
        "term": "application_site_pruritus",
        "onset_date": TODAY() - timedelta(days=10),
        "severity": "mild",
        "outcome": "recovering",
        "action_taken": "not_changed",
        "causality": "" if by_patient else "probable",
        "status": Status.UNCONFIRMED if by_patient else Status.CONFIRMED,
        "reporter_kind": ReporterKind.PATIENT if by_patient else ReporterKind.PRESCRIBER,
        "reported_by": reporter,
        **fields,
    }
    return AdverseEvent.objects.create(patient=patient, **values)
