"""`repigment remind` as a background job: the same run, queued once per day at a time."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from django.utils import timezone

from repigment.core.jobs import Work, job_task, start
from repigment.core.models import Job
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


def remind_now(today: date | None = None) -> dict[str, Any]:
    """One whole run: catch up treatment starts, then create reminders and message patients."""
    synced = sync_started_treatments()
    result = run(today)
    return {"treatment_starts_synced": synced, **asdict(result), "summary": result.summary()}


@job_task(max_attempts=3)
def remind_job(work: Work) -> dict[str, Any]:
    """The reminders run on the worker. Running it twice sends nothing twice (the engine keys
    every reminder and message), so a retry after a failure part-way is safe."""
    today = work.params.get("today")
    return remind_now(date.fromisoformat(today) if today else None)


def start_remind_job(today: date | None = None) -> Job:
    day = today or timezone.localdate()
    params = {"today": today.isoformat()} if today else {}
    return start(remind_job, kind="remind", key=f"remind:{day.isoformat()}", params=params)
