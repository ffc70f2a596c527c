"""The regulator report (PDF) and the FHIR export as downloads, each audited as an export;
pages and the API answer with the same responses."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse

from repigment.accounts import audit
from repigment.accounts.models import AuditAction
from repigment.safety.case import build_case
from repigment.safety.fhir import validated_resource
from repigment.safety.models import AdverseEvent
from repigment.safety.report import report_filename, report_pdf


def _audit(request: HttpRequest, event: AdverseEvent, role: str, what: str) -> None:
    audit.record(
        request,
        AuditAction.EXPORT,
        object_type=what,
        object_id=event.pk,
        patient_id=event.patient_id,
        clinic=event.patient.clinic,
        role=role,
    )


def pdf_response(request: HttpRequest, event: AdverseEvent, role: str) -> HttpResponse:
    case = build_case(event)
    response = HttpResponse(report_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(case)}"'
    _audit(request, event, role, "adverse_event_report")
    return response


def fhir_response(request: HttpRequest, event: AdverseEvent, role: str) -> HttpResponse:
    case = build_case(event)
    body = json.dumps(validated_resource(case), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/fhir+json")
    response["Content-Disposition"] = f'attachment; filename="{case.report_id}.fhir.json"'
    _audit(request, event, role, "adverse_event_fhir")
    return response
