"""HTTP side of the Bulk Data export: kick-off, status (GET and DELETE) and the files."""

from __future__ import annotations

import hashlib
import uuid

from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, User
from repigment.accounts.permissions import user_clinics
from repigment.core import jobs
from repigment.core.models import Job, JobState
from repigment.interop.fhir import bulk
from repigment.interop.fhir.errors import FhirError, outcome
from repigment.interop.fhir.views import authenticate, base_url, fhir_json, fhir_view
from repigment.interop.tasks import fhir_export

KIND = "fhir-export"
KICK_OFF_PARAMS = {"_outputFormat", "_type", "_since"}


def _kick_off(request: HttpRequest, level: str, group: int | None = None) -> HttpResponse:
    user = authenticate(request)
    if "respond-async" not in request.headers.get("Prefer", ""):
        raise FhirError(
            400,
            "invalid",
            "A bulk export runs in the background: send the header Prefer: respond-async.",
        )
    unknown = set(request.GET) - KICK_OFF_PARAMS - {"_format"}
    if unknown:
        raise FhirError(
            400,
            "not-supported",
            f"$export does not take {', '.join(sorted(unknown))}"
            f" (it takes {', '.join(sorted(KICK_OFF_PARAMS))}).",
        )
    output_format = request.GET.get("_outputFormat")
    if output_format and output_format not in bulk.NDJSON_FORMATS:
        raise FhirError(
            400, "not-supported", "Exports are NDJSON (_outputFormat=application/fhir+ndjson)."
        )
    params = {
        "user": user.pk,
        "level": level,
        "group": group,
        "types": bulk.export_types(level, request.GET.get("_type")),
        "since": bulk.since_value(request.GET.get("_since")),
        "request": request.build_absolute_uri(),
    }
    digest = hashlib.sha256(params["request"].encode()).hexdigest()[:32]
    job = jobs.start(
        fhir_export, kind=KIND, key=f"{KIND}:{user.pk}:{digest}", params=params, user=user
    )
    status_url = f"{base_url(request)}/$export-status/{job.public_id}"
    response = fhir_json(
        outcome("informational", f"Export queued; follow {status_url}", severity="information"),
        status=202,
    )
    response["Content-Location"] = status_url
    return response


@fhir_view
def export_system(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, bulk.SYSTEM)


@fhir_view
def export_patients(request: HttpRequest) -> HttpResponse:
    return _kick_off(request, bulk.PATIENT)


@fhir_view
def export_group(request: HttpRequest, group_id: str) -> HttpResponse:
    user = authenticate(request)
    clinics = user_clinics(user).filter(kind=Clinic.Kind.CLINIC)
    if not group_id.isdigit() or not clinics.filter(pk=int(group_id)).exists():
        raise FhirError(
            404,
            "not-found",
            f"There is no Group {group_id} you may export (a group"
            " is one of your clinics, by its Organization id).",
        )
    return _kick_off(request, bulk.GROUP, int(group_id))


def _own_job(user: User, job_id: uuid.UUID) -> Job:
    job = Job.objects.filter(public_id=job_id, kind=KIND, requester_id=user.pk).first()
    if job is None or job.result.get("deleted"):
        raise FhirError(404, "not-found", "There is no such export of yours (or it was deleted).")
    return job


def _status(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    user = authenticate(request)
    job = _own_job(user, job_id)
    if request.method == "DELETE":
        jobs.cancel(job)
        bulk.delete_files(str(job.public_id), job.result.get("output", []))
        Job.objects.filter(pk=job.pk).update(result={**job.result, "deleted": True})
        return HttpResponse(status=202)
    if job.state == JobState.SUCCEEDED:
        body = bulk.manifest(
            base_url(request), job.params["request"], str(job.public_id), job.result
        )
        return fhir_json(body)
    if job.state == JobState.FAILED:
        raise FhirError(500, "exception", "The export failed; start it again.")
    if job.state == JobState.CANCELLED:
        raise FhirError(404, "not-found", "The export was cancelled.")
    response = HttpResponse(status=202)
    progress = f"{job.done} of {job.total} resources" if job.total is not None else job.state
    response["X-Progress"] = progress
    response["Retry-After"] = "2"
    return response


export_status = fhir_view(_status, methods=("GET", "DELETE"))


@fhir_view
def export_file(request: HttpRequest, job_id: uuid.UUID, type_name: str) -> HttpResponse:
    user = authenticate(request)
    job = _own_job(user, job_id)
    outputs = {o["type"]: o for o in job.result.get("output", [])}
    if job.state != JobState.SUCCEEDED or type_name not in outputs:
        raise FhirError(404, "not-found", f"This export has no {type_name} file.")
    audit.record(
        request,
        AuditAction.EXPORT,
        object_type="fhir:$export-file",
        object_id=f"{job.public_id}/{type_name}",
    )
    stored = default_storage.open(outputs[type_name]["file"], "rb")
    return FileResponse(stored, content_type="application/fhir+ndjson")
