"""Find what is due and remind: ``repigment remind`` (run it from a timer, as often as liked)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from repigment.patients.models import Patient
from repigment.reminders.engine import run
from repigment.treatment import services as treatment
from repigment.treatment.models import Prescription


def sync_started_treatments() -> int:
    """Catch up the treatment start (visit weeks count from it) of patients whose cream
    prescription, dated ahead, has started since; nothing else would until someone opened
    their record. Returns how many patients changed."""
    started = Prescription.objects.ruxolitinib().filter(start_date__lte=treatment.today())
    lagging = {
        patient
        for patient, start, current in started.values_list(
            "patient_id", "start_date", "patient__treatment_start"
        )
        if current is None or start < current
    }
    for patient in Patient.objects.filter(pk__in=lagging):
        treatment.sync_treatment_start(patient)
    return len(lagging)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--today must be a date as YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = "Create the reminders that are due and send patients theirs, each only once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--today", type=str, default=None, help="run as if today were YYYY-MM-DD"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = _day(options["today"]) if options["today"] else None
        sync_started_treatments()
        result = run(today)
        self.stdout.write(result.summary())
