"""Background jobs of the interop app: FHIR bulk exports."""

from __future__ import annotations

from typing import Any

from repigment.core.jobs import Work, job_task
from repigment.interop.fhir.bulk import run_export


@job_task(max_attempts=3)
def fhir_export(work: Work) -> dict[str, Any]:
    return run_export(work)


@job_task(max_attempts=1)
def redcap_import(work: Work) -> dict[str, Any]:
    """A REDCap import started from the clinic's import page (the files wait in storage)."""
    from repigment.interop.redcap.jobs import run_import_job

    return run_import_job(work)
