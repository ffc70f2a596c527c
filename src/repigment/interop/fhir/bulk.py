"""FHIR Bulk Data export (``$export`` at system, ``Patient`` and ``Group`` level).

The kick-off queues a background job and answers 202 with the status URL in
``Content-Location``. The job writes one NDJSON file per resource type, streaming rows from
the database a keyset batch at a time into a temporary file that storage then copies in
chunks, so memory stays flat however large the export. The status URL answers 202 with
``X-Progress`` until the files are ready, then 200 with the manifest; DELETE cancels the job
and removes its files. Only the person who started an export may follow it or fetch its files.

A ``Group`` is a clinic's patients: ``Group/<id>`` takes the clinic's Organization id.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db.models import QuerySet
from django.utils import timezone

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, User
from repigment.core.jobs import Work
from repigment.interop.fhir.errors import FhirError
from repigment.interop.fhir.types import TYPES, ResourceType, date_filter

SYSTEM = "system"
PATIENT = "patient"
GROUP = "group"
#: What a Patient or Group export holds: the patients and their compartments.
PATIENT_TYPES = (
    "Patient",
    "Condition",
    "Observation",
    "MedicationRequest",
    "MedicationDispense",
    "AdverseEvent",
    "Consent",
)
NDJSON_FORMATS = {"application/fhir+ndjson", "application/ndjson", "ndjson"}
BATCH = 1000


def export_types(level: str, asked: str | None) -> list[str]:
    offered = list(TYPES) if level == SYSTEM else list(PATIENT_TYPES)
    if not asked:
        return offered
    wanted = [name.strip() for name in asked.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in offered]
    if unknown:
        raise FhirError(
            400,
            "not-supported",
            f"_type: {', '.join(unknown)} cannot be exported "
            f"at this level (offered: {', '.join(offered)}).",
        )
    return [name for name in offered if name in wanted]


def since_value(text: str | None) -> str | None:
    """``_since`` must be an instant; it is checked now (the job reads it again)."""
    if not text:
        return None
    date_filter("at", False, "_since", text)
    return text


def export_rows(kind: ResourceType, user: User, params: dict[str, Any]) -> QuerySet[Any]:
    rows = kind.visible(user)
    if params["level"] == GROUP:
        field = "clinic_id" if kind.name == "Patient" else "patient__clinic_id"
        rows = rows.filter(**{field: params["group"]})
    since = params.get("since")
    if since and kind.last_updated_field:
        rows = rows.filter(date_filter(kind.last_updated_field, False, "_since", f"gt{since}"))
    return rows


def file_name(job_id: str, type_name: str) -> str:
    return f"fhir-exports/{job_id}/{type_name}.ndjson"


def run_export(work: Work) -> dict[str, Any]:
    """The job: one NDJSON file per type; the audit entry names every patient exported."""
    params = work.params
    user = User.objects.get(pk=params["user"])
    started = timezone.now()
    job_id = str(work.job.public_id)
    selections = [(TYPES[name], export_rows(TYPES[name], user, params)) for name in params["types"]]
    total = sum(rows.count() for _, rows in selections)
    work.progress(0, total, force=True)
    output, patients, done = [], set(), 0
    for kind, rows in selections:
        count = 0
        with tempfile.TemporaryFile() as scratch:
            for _, resource, patient_id in kind.stream(rows, BATCH):
                scratch.write(json.dumps(resource, separators=(",", ":")).encode() + b"\n")
                count += 1
                done += 1
                if patient_id is not None:
                    patients.add(patient_id)
                if done % BATCH == 0:
                    work.progress(done)
            if count:
                scratch.seek(0)
                name = file_name(job_id, kind.name)
                default_storage.delete(name)
                default_storage.save(name, File(scratch))
                output.append({"type": kind.name, "file": name, "count": count})
    work.progress(done, total, force=True)
    audit.record(
        None,
        AuditAction.EXPORT,
        object_type="fhir:$export",
        object_id=job_id,
        patient_ids=patients,
        actor=user,
    )
    return {"transactionTime": started.isoformat(), "output": output}


def delete_files(job_id: str, outputs: Iterable[dict[str, Any]]) -> None:
    for output in outputs:
        default_storage.delete(output["file"])


def manifest(base: str, request_url: str, job_id: str, result: dict[str, Any]) -> dict[str, Any]:
    return {
        "transactionTime": result["transactionTime"],
        "request": request_url,
        "requiresAccessToken": True,
        "output": [
            {
                "type": o["type"],
                "url": f"{base}/$export-file/{job_id}/{o['type']}.ndjson",
                "count": o["count"],
            }
            for o in result["output"]
        ],
        "error": [],
    }


def instant(moment: datetime) -> str:
    return moment.isoformat()
