"""API for adverse events: prescribers record, review and report; a patient's token may only
report on, and read, the patient's own record (another patient's record is a 404 for them).

A patient's report arrives unconfirmed; causality is the prescriber's alone (422 from a
patient). Every call is audited with the patient's id.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status

from repigment.accounts import audit
from repigment.accounts.models import AuditAction
from repigment.accounts.permissions import user_clinics
from repigment.core.errors import ApiError
from repigment.core.pagination import PageQuery, page_of, paginate
from repigment.core.schemas import Strict
from repigment.patients.access import CLINICAL_ROLES, PATIENT_ROLE, acting_user, record_read
from repigment.safety import services
from repigment.safety.access import event_for, patient_or_self
from repigment.safety.exports import fhir_response, pdf_response
from repigment.safety.models import ActionTaken, AdverseEvent, Outcome, ReporterKind, SafetyReport
from repigment.safety.models import Status as EventStatus

router = Router(tags=["safety"])


class EventIn(Strict):
    source_model = AdverseEvent

    term: str
    term_other: str = ""
    description: str = ""
    onset_date: date
    end_date: date | None = None
    severity: str
    seriousness: list[str] = []
    outcome: str = Outcome.UNKNOWN
    action_taken: str = ActionTaken.UNKNOWN
    causality: str = ""


class ReviewIn(EventIn):
    review_note: str = ""


class DismissIn(Strict):
    source_model = AdverseEvent

    review_note: str


class ReportIn(Strict):
    source_model = SafetyReport

    sent_on: date
    route: str
    reference: str = ""


class ReportOut(Schema):
    id: int
    sent_on: date
    route: str
    reference: str
    follow_up: bool


class AdverseEventOut(Schema):
    id: int
    patient_id: int
    term: str
    term_text: str
    term_other: str
    term_group: str
    description: str
    onset_date: date
    end_date: date | None
    severity: str
    seriousness: list[str]
    serious: bool
    outcome: str
    action_taken: str
    causality: str
    status: str
    reporter_kind: str
    reported_at: datetime
    reviewed_at: datetime | None
    review_note: str
    reports: list[ReportOut]


class EventFilter(Schema):
    status: str | None = None
    needs_report: bool = False


def _out(event: AdverseEvent, role: str) -> dict[str, Any]:
    """The event; the prescriber's notes and the reports sent are not shown to the patient."""
    return {
        "id": event.pk,
        "patient_id": event.patient_id,
        "term": event.term,
        "term_text": event.term_text,
        "term_other": event.term_other,
        "term_group": str(event.term_entry.group),
        "description": event.description,
        "onset_date": event.onset_date,
        "end_date": event.end_date,
        "severity": event.severity,
        "seriousness": event.seriousness,
        "serious": event.is_serious,
        "outcome": event.outcome,
        "action_taken": event.action_taken,
        "causality": event.causality,
        "status": event.status,
        "reporter_kind": event.reporter_kind,
        "reported_at": event.reported_at,
        "reviewed_at": event.reviewed_at,
        "review_note": event.review_note if role != PATIENT_ROLE else "",
        "reports": list(event.reports.all()) if role != PATIENT_ROLE else [],
    }


def _input(payload: EventIn) -> services.EventInput:
    fields = payload.model_dump(exclude={"review_note"})
    return services.EventInput(**fields)


def _invalid(error: services.EventInvalid) -> ApiError:
    return ApiError(422, "invalid", "Some fields are not valid.", error.fields)


EventPage = page_of(AdverseEventOut, "AdverseEventPage")


@router.get("/patients/{patient_id}/adverse-events", response=EventPage)
def list_events(request: HttpRequest, patient_id: int, pages: Query[PageQuery]) -> dict[str, Any]:
    patient, role = patient_or_self(request, patient_id)
    record_read(request, patient, role, "adverse_event_list")
    page = paginate(request, patient.adverse_events.prefetch_related("reports"), pages)
    return page.answer(lambda event: _out(event, role))


@router.post("/patients/{patient_id}/adverse-events", response={201: AdverseEventOut})
def create_event(request: HttpRequest, patient_id: int, payload: EventIn) -> Status[dict[str, Any]]:
    patient, role = patient_or_self(request, patient_id)
    reporter = ReporterKind.PATIENT if role == PATIENT_ROLE else ReporterKind.PRESCRIBER
    try:
        event = services.record_event(
            patient,
            _input(payload),
            reporter=reporter,
            request=request,
            actor=acting_user(request),
            role=role,
        )
    except services.EventInvalid as invalid:
        raise _invalid(invalid) from None
    return Status(201, _out(event, role))


@router.get("/adverse-events", response=EventPage)
def clinic_events(
    request: HttpRequest, filters: Query[EventFilter], pages: Query[PageQuery]
) -> dict[str, Any]:
    """Events of the patients of every clinic where the caller is a prescriber, newest first."""
    clinics = user_clinics(acting_user(request), CLINICAL_ROLES)
    events = AdverseEvent.objects.filter(patient__clinic__in=clinics).prefetch_related("reports")
    if filters.status:
        events = events.filter(status=filters.status)
    if filters.needs_report:
        events = events.needing_report()
    page = paginate(request, events, pages)
    audit.record(
        request, AuditAction.VIEW, object_type="adverse_event_list", role=CLINICAL_ROLES[0],
        patient_ids=[event.patient_id for event in page.items],
    )  # fmt: skip
    return page.answer(lambda event: _out(event, CLINICAL_ROLES[0]))


@router.get("/adverse-events/{event_id}", response=AdverseEventOut)
def get_event(request: HttpRequest, event_id: int) -> dict[str, Any]:
    event, role = event_for(request, event_id, patient_may=True)
    record_read(request, event.patient, role, "adverse_event", event.pk)
    return _out(event, role)


def _review(
    request: HttpRequest, event_id: int, payload: ReviewIn, confirm: bool
) -> dict[str, Any]:
    event, role = event_for(request, event_id)
    if confirm and event.status != EventStatus.UNCONFIRMED:
        raise ApiError(409, "conflict", "Only a patient's unconfirmed report can be confirmed.")
    try:
        services.update_event(
            event,
            _input(payload),
            confirm=confirm,
            review_note=payload.review_note,
            request=request,
            actor=acting_user(request),
            role=role,
        )
    except services.EventInvalid as invalid:
        raise _invalid(invalid) from None
    return _out(event, role)


@router.put("/adverse-events/{event_id}", response=AdverseEventOut)
def replace_event(request: HttpRequest, event_id: int, payload: ReviewIn) -> dict[str, Any]:
    """The prescriber's correction; it does not confirm a patient's report (see /confirm)."""
    return _review(request, event_id, payload, confirm=False)


@router.post("/adverse-events/{event_id}/confirm", response=AdverseEventOut)
def confirm_event(request: HttpRequest, event_id: int, payload: ReviewIn) -> dict[str, Any]:
    return _review(request, event_id, payload, confirm=True)


@router.post("/adverse-events/{event_id}/dismiss", response=AdverseEventOut)
def dismiss_event(request: HttpRequest, event_id: int, payload: DismissIn) -> dict[str, Any]:
    event, role = event_for(request, event_id)
    if event.status != EventStatus.UNCONFIRMED:
        raise ApiError(409, "conflict", "Only a patient's unconfirmed report can be dismissed.")
    try:
        services.dismiss_event(
            event, payload.review_note, request=request, actor=acting_user(request), role=role
        )
    except services.EventInvalid as invalid:
        raise _invalid(invalid) from None
    return _out(event, role)


@router.post("/adverse-events/{event_id}/reports", response={201: ReportOut})
def report_sent(request: HttpRequest, event_id: int, payload: ReportIn) -> Status[Any]:
    event, role = event_for(request, event_id)
    try:
        report = services.record_report_sent(
            event, **payload.model_dump(), request=request, actor=acting_user(request), role=role
        )
    except services.EventInvalid as invalid:
        raise _invalid(invalid) from None
    return Status(201, report)


@router.get("/adverse-events/{event_id}/fhir")
def fhir_event(request: HttpRequest, event_id: int) -> HttpResponse:
    """The event as a validated HL7 FHIR R4 AdverseEvent resource."""
    event, role = event_for(request, event_id)
    return fhir_response(request, event, role)


@router.get("/adverse-events/{event_id}/report.pdf")
def event_report(request: HttpRequest, event_id: int) -> HttpResponse:
    """The regulator report (PDF, laid out with ICH E2B's content)."""
    event, role = event_for(request, event_id)
    return pdf_response(request, event, role)
