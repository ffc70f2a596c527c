"""Scale-world adverse events: about one treated patient in twelve reports one, most of them
application-site reactions, a few serious; the serious ones mostly already reported."""

from __future__ import annotations

from datetime import timedelta

from repigment.core.rows import create_objects
from repigment.core.scale import Chunk
from repigment.safety.models import AdverseEvent, ReporterKind, SafetyReport, Status
from repigment.safety.terms import OTHER, TERMS

SHARE = 1 / 12
SERIOUS = 0.05


def build(chunk: Chunk) -> None:
    rng, today = chunk.rng, chunk.today
    codes = [term.code for term in TERMS if term.code != OTHER]
    events = []
    for patient in chunk.patients:
        start = patient.treatment_start
        if start is None or start >= today - timedelta(days=2) or rng.random() >= SHARE:
            continue
        onset = start + timedelta(days=rng.randrange((today - start).days))
        serious = rng.random() < SERIOUS
        by_patient = rng.random() < 0.3
        events.append(
            AdverseEvent(
                patient=patient,
                term=rng.choice(codes[:3]) if rng.random() < 0.7 else rng.choice(codes),
                onset_date=onset,
                end_date=None if rng.random() < 0.4 else min(today, onset + timedelta(days=14)),
                severity="severe" if serious else rng.choice(("mild", "mild", "moderate")),
                seriousness=["hospitalisation"] if serious else [],
                outcome="recovered" if rng.random() < 0.6 else "recovering",
                action_taken="not_changed",
                causality="" if by_patient else rng.choice(("possible", "probable", "unlikely")),
                status=Status.UNCONFIRMED if by_patient else Status.CONFIRMED,
                reporter_kind=ReporterKind.PATIENT if by_patient else ReporterKind.PRESCRIBER,
                reported_by=None if by_patient else patient.created_by,
            )
        )
    made = create_objects(events)
    reports = [
        SafetyReport(
            event=event,
            sent_on=min(today, event.onset_date + timedelta(days=5)),
            route=SafetyReport.Route.MED_SAFETY,
            sent_by=event.reported_by,
        )
        for event in made
        if event.seriousness and rng.random() < 0.8
    ]
    create_objects(reports)
