"""Invented adverse events for the demo patients: the common application-site reactions, one
serious infection with no report sent yet (it shows on the prescriber's dashboard), one serious
event already reported, and patients' own reports still waiting for review.

Idempotent: an event is added only if the patient has none with the same term and onset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from repigment.accounts.models import Role, User
from repigment.patients.models import Patient
from repigment.safety.models import AdverseEvent, ReporterKind, SafetyReport, Status


@dataclass(frozen=True)
class DemoEvent:
    record_number: str
    term: str
    days_ago: int
    severity: str
    outcome: str
    action_taken: str
    by_patient: bool = False
    causality: str = ""
    lasted_days: int | None = None
    seriousness: list[str] = field(default_factory=list)
    description: str = ""
    reported_days_ago: int | None = None  # a report sent to the regulator that many days ago
    term_other: str = ""


EVENTS = (
    DemoEvent("JHB-0001", "application_site_acne", 120, "mild", "recovered", "not_changed",
              causality="probable", lasted_days=21,
              description="Small papules on both cheeks where the cream is applied."),
    DemoEvent("JHB-0001", "application_site_pruritus", 3, "mild", "not_recovered", "not_changed",
              by_patient=True, description="Itchy rash on the backs of my hands since Monday."),
    DemoEvent("JHB-0002", "serious_infection", 40, "severe", "recovered", "interrupted",
              causality="possible", lasted_days=12, seriousness=["hospitalisation"],
              description="Cellulitis of the left forearm (not a treated area); admitted for "
              "five days of intravenous antibiotics. Cream interrupted, restarted after."),
    DemoEvent("JHB-0003", "headache", 60, "mild", "recovered", "not_changed",
              causality="unlikely", lasted_days=2),
    DemoEvent("JHB-0004", "application_site_erythema", 30, "moderate", "recovering", "reduced",
              causality="probable", description="Redness around the eyes; area reduced."),
    DemoEvent("JHB-0005", "nasopharyngitis", 9, "mild", "recovering", "not_changed",
              by_patient=True),
    DemoEvent("CPT-0001", "application_site_pruritus", 50, "moderate", "recovered", "reduced",
              causality="probable", lasted_days=14),
    DemoEvent("CPT-0002", "other", 200, "severe", "recovered", "withdrawn",
              causality="unassessable", lasted_days=9, seriousness=["other_important"],
              term_other="Herpes zoster (shingles), thoracic dermatome",
              description="Treated with oral antivirals; cream stopped.", reported_days_ago=190),
    DemoEvent("CPT-0003", "pyrexia", 4, "moderate", "not_recovered", "interrupted",
              by_patient=True, description="Fever of 38.5 since the weekend."),
)  # fmt: skip


def _prescriber(patient: Patient) -> User | None:
    return (
        User.objects.filter(memberships__clinic=patient.clinic, memberships__role=Role.PRESCRIBER)
        .order_by("pk")
        .first()
    )


def _add(spec: DemoEvent, patient: Patient, prescriber: User) -> AdverseEvent | None:
    today = timezone.localdate()
    onset = max(today - timedelta(days=spec.days_ago), patient.date_of_birth)
    if patient.adverse_events.filter(term=spec.term, onset_date=onset).exists():
        return None
    end = onset + timedelta(days=spec.lasted_days) if spec.lasted_days is not None else None
    return AdverseEvent.objects.create(
        patient=patient,
        term=spec.term,
        term_other=spec.term_other,
        description=spec.description,
        onset_date=onset,
        end_date=min(end, today) if end else None,
        severity=spec.severity,
        seriousness=spec.seriousness,
        outcome=spec.outcome,
        action_taken=spec.action_taken,
        causality=spec.causality,
        status=Status.UNCONFIRMED if spec.by_patient else Status.CONFIRMED,
        reporter_kind=ReporterKind.PATIENT if spec.by_patient else ReporterKind.PRESCRIBER,
        reported_by=patient.user if spec.by_patient else prescriber,
        reviewed_by=None if spec.by_patient else prescriber,
        reviewed_at=None if spec.by_patient else timezone.now(),
    )


def build(step: Callable[[str], None]) -> None:
    today = timezone.localdate()
    for spec in EVENTS:
        patient = Patient.objects.filter(record_number=spec.record_number).first()
        prescriber = _prescriber(patient) if patient else None
        if patient is None or prescriber is None:
            continue
        made = _add(spec, patient, prescriber)
        if made is not None and spec.reported_days_ago is not None:
            SafetyReport.objects.create(
                event=made,
                sent_on=today - timedelta(days=spec.reported_days_ago),
                route=SafetyReport.Route.MED_SAFETY,
                sent_by=prescriber,
            )
        step(f"adverse event of {spec.record_number}")
