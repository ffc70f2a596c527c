"""API for authorisation applications: list, create, read, change, move through the states,
re-authorise, and turnaround per route. The same services and checks as the pages: a refused
step answers 409 with the reason, bad fields 422, and anyone who may not see the application
404 (or 403 when their role in its clinic does not allow it).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from repigment.access.models import AccessRoute
from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, Role
from repigment.accounts.permissions import deny, has_role, user_clinics
from repigment.authorisations import checklist, pipeline, services, states
from repigment.authorisations.access import (
    OBJECT_TYPE,
    PRESCRIBER_ONLY,
    VIEW_ROLES,
    application_for,
    record_read,
    visible_applications,
)
from repigment.authorisations.forms import ApplicationForm
from repigment.authorisations.models import (
    AuthorisationApplication,
    Importer,
    PrescriberRecord,
    State,
)
from repigment.authorisations.quantity import remaining, remember_dispensed
from repigment.core.errors import ApiError
from repigment.core.pagination import PageQuery, page_of, paginate
from repigment.core.schemas import Strict
from repigment.patients.access import acting_user
from repigment.treatment.access import object_for
from repigment.treatment.models import Prescription

router = Router(tags=["authorisations"])


class ApplicationRouteOut(Schema):
    country: str
    slug: str
    name: str


class ImporterOut(Schema):
    id: int
    name: str
    sahpra_licence_number: str
    site_master_file_number: str


class RequestedQuantityOut(Schema):
    packs: int
    pack_grams: int
    grams: Decimal


class RemainingOut(Schema):
    dispensed_packs: int
    remaining_packs: int
    remaining_grams: int
    days_left: int
    usable: bool = Field(description="approved, within validity and something left to dispense")


class ChecklistRowOut(Schema):
    code: str
    label: str
    gates: bool = Field(description="required and confirmed: blocks submission until checked")
    status: str = Field(description="missing, unchecked or checked")
    checked_by: str | None


class ApplicationOut(Schema):
    id: int
    patient_id: int
    prescription_id: int
    product: str
    route: ApplicationRouteOut
    state: str
    state_since: datetime
    renews_id: int | None
    applicant_hpcsa_number: str | None
    importer: ImporterOut | None
    requested: RequestedQuantityOut
    period_weeks: int
    dosage: str
    submitted_on: date | None
    reference_number: str
    authorisation_number: str
    approved_on: date | None
    valid_until: date | None
    authorised_packs: int | None
    pack_grams: int | None
    authorised_grams: int | None
    remaining: RemainingOut | None
    motivation: str | None = Field(None, description="the prescriber's only")
    checklist: list[ChecklistRowOut]
    steps: list[str] = Field(description="the steps possible from the current state")


class ApplicationEventOut(Schema):
    from_state: str
    to_state: str
    on: date
    at: datetime
    by: str | None
    note: str | None = Field(None, description="the question or answer of a query, a reason")
    data: dict[str, Any]


class NewApplicationIn(Strict):
    source_model = AccessRoute
    source_names = {"route": "slug"}

    prescription_id: int
    route: str | None = Field(None, description="a route slug of the patient's country")


#: The manufacturers are kept in the application's medicine data; the form holds their limit.
_MEDICINE_TEXT = ApplicationForm.base_fields["api_manufacturer"].max_length  # type: ignore[attr-defined]


class ChangesIn(Strict):
    source_model = AuthorisationApplication

    prescription_id: int | None = None
    dosage: str | None = None
    period_weeks: int | None = None
    requested_pack_grams: Literal[60, 100] | None = None
    prescriber_id: int | None = None
    importer_id: int | None = None
    finished_product_manufacturer: str | None = Field(None, max_length=_MEDICINE_TEXT)
    api_manufacturer: str | None = Field(None, max_length=_MEDICINE_TEXT)
    consent_signed_on: date | None = None
    consent_witness: str | None = None


class MotivationIn(Strict):
    source_model = AuthorisationApplication

    motivation: str


class StepIn(Strict):
    source_model = AuthorisationApplication

    action: Literal[
        "mark_ready", "submit", "query", "answer", "approve", "reject", "expire", "withdraw"
    ]
    on: date | None = Field(None, description="the day it happened; today when left out")
    note: str = ""
    reference_number: str = ""
    authorisation_number: str = ""
    valid_until: date | None = None
    authorised_packs: int | None = None
    pack_grams: int | None = None


class ReauthorisationIn(Strict):
    prescription_id: int | None = None


class ListFilter(Schema):
    state: State | None = None
    clinic_id: int | None = None


class TurnaroundOut(Schema):
    country: str
    route: str
    decisions: int
    median_days: float | None
    p90_days: float | None
    queried: int


def _out(application: AuthorisationApplication, role: str) -> dict[str, Any]:
    today = timezone.localdate()
    left = remaining(application, today)
    importer = application.importer
    return {
        "id": application.pk,
        "patient_id": application.patient_id,
        "prescription_id": application.prescription_id,
        "product": str(application.product),
        "route": {
            "country": application.route.country.code,
            "slug": application.route.slug,
            "name": application.route.name,
        },
        "state": application.state,
        "state_since": application.state_changed_at,
        "renews_id": application.renews_id,
        "applicant_hpcsa_number": application.prescriber.hpcsa_number
        if application.prescriber
        else None,
        "importer": None
        if importer is None
        else {
            "id": importer.pk,
            "name": importer.name,
            "sahpra_licence_number": importer.sahpra_licence_number,
            "site_master_file_number": importer.site_master_file_number,
        },
        "requested": {
            "packs": application.requested_packs,
            "pack_grams": application.requested_pack_grams,
            "grams": application.requested_grams,
        },
        "period_weeks": application.period_weeks,
        "dosage": application.dosage,
        "submitted_on": application.submitted_on,
        "reference_number": application.reference_number,
        "authorisation_number": application.authorisation_number,
        "approved_on": application.approved_on,
        "valid_until": application.valid_until,
        "authorised_packs": application.authorised_packs,
        "pack_grams": application.pack_grams,
        "authorised_grams": application.authorised_grams,
        "remaining": None
        if left is None
        else {
            "dispensed_packs": left.dispensed_packs,
            "remaining_packs": left.remaining_packs,
            "remaining_grams": left.remaining_grams,
            "days_left": left.days_left,
            "usable": left.usable,
        },
        "motivation": application.motivation if role == Role.PRESCRIBER else None,
        "checklist": [
            {
                "code": row.item.code,
                "label": row.item.label,
                "gates": row.gates,
                "status": row.status,
                "checked_by": row.document.checked_by.full_name
                if row.document and row.document.checked_by
                else None,
            }
            for row in checklist.rows(application)
            if role == Role.PRESCRIBER or row.item.code not in checklist.CLINICAL_ITEMS
        ],
        "steps": [a.code for a in states.actions_from(application.state)],
    }


def _actor(request: HttpRequest, role: str) -> services.Actor:
    return services.Actor(acting_user(request), role, request)


def _refused(problem: services.Refused) -> ApiError:
    return ApiError(409, "refused", problem.message)


#: The service's field names as the API's input names them.
API_NAMES = {"prescription": "prescription_id", "prescriber": "prescriber_id",
             "importer": "importer_id"}  # fmt: skip


def _invalid(problem: services.Invalid) -> ApiError:
    fields = {API_NAMES.get(name, name): messages for name, messages in problem.fields.items()}
    return ApiError(422, "invalid", "Some fields are not valid.", fields)


def _prescriber_only(request: HttpRequest, application_id: int) -> AuthorisationApplication:
    application, role = application_for(request, application_id, VIEW_ROLES)
    if role != Role.PRESCRIBER:
        raise deny(request, f"authorisation_application:{application.pk}")
    return application


ApplicationPage = page_of(ApplicationOut, "ApplicationPage")


@router.get("", response=ApplicationPage, summary="Applications you may see")
def list_applications(
    request: HttpRequest, filters: Query[ListFilter], pages: Query[PageQuery]
) -> dict[str, Any]:
    """Newest first, a page at a time."""
    user = acting_user(request)
    found = (
        visible_applications(user)
        .select_related("patient__clinic", "route__country", "product", "prescriber", "importer")
        .prefetch_related(*checklist.prefetch_for_rows())
    )
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.clinic_id:
        found = found.filter(patient__clinic_id=filters.clinic_id)
    page = paginate(request, found.order_by("-created", "-pk"), pages)
    remember_dispensed(page.items)
    prescribing = set(user_clinics(user, [Role.PRESCRIBER]).values_list("pk", flat=True))
    shown = [application.patient_id for application in page.items]
    audit.record(request, AuditAction.VIEW, object_type=f"{OBJECT_TYPE}_list", patient_ids=shown)
    return page.answer(
        lambda application: _out(
            application,
            Role.PRESCRIBER if application.patient.clinic_id in prescribing else Role.PHARMACIST,
        )
    )


@router.post("", response={201: ApplicationOut}, summary="Start an application (draft)")
def create(request: HttpRequest, payload: NewApplicationIn) -> Status[dict[str, Any]]:
    prescription, role = object_for(request, Prescription, payload.prescription_id, PRESCRIBER_ONLY)
    routes = services.routes_for(prescription.patient)
    route = next((r for r in routes if payload.route in (None, r.slug)), None)
    if route is None:
        raise ApiError(
            422, "invalid", "No such route for the patient's country.", {"route": ["unknown"]}
        )
    try:
        application = services.create_application(
            prescription, route, _actor(request, role), timezone.localdate()
        )
    except services.Refused as problem:
        raise _refused(problem) from None
    except services.Invalid as problem:
        raise _invalid(problem) from None
    return Status(201, _out(application, role))


@router.get("/turnaround", response=list[TurnaroundOut], summary="Turnaround per route")
def turnaround(request: HttpRequest, clinic_id: int) -> list[dict[str, Any]]:
    clinic = get_object_or_404(Clinic, pk=clinic_id)
    if not has_role(request.user, [Role.PRESCRIBER, Role.CLINIC_ADMIN], clinic):
        raise deny(request, f"clinic:{clinic.pk}")
    return [
        {
            "country": row.route.country.code,
            "route": row.route.slug,
            "decisions": row.decided,
            "median_days": row.median_days,
            "p90_days": row.p90_days,
            "queried": row.queried,
        }
        for row in pipeline.turnaround([clinic])
    ]


@router.get("/{application_id}", response=ApplicationOut, summary="One application")
def get_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    application, role = application_for(request, application_id, VIEW_ROLES)
    record_read(request, application, role)
    return _out(application, role)


@router.get("/{application_id}/events", response=list[ApplicationEventOut], summary="Its history")
def events(request: HttpRequest, application_id: int) -> list[dict[str, Any]]:
    application, role = application_for(request, application_id, VIEW_ROLES)
    record_read(request, application, role)
    return [
        {
            "from_state": event.from_state,
            "to_state": event.to_state,
            "on": event.on,
            "at": event.at,
            "by": event.by.full_name if event.by else None,
            "note": event.note if role == Role.PRESCRIBER else None,
            "data": event.data,
        }
        for event in application.events.select_related("by")
    ]


@router.patch("/{application_id}", response=ApplicationOut, summary="Change a draft")
def change(request: HttpRequest, application_id: int, payload: ChangesIn) -> dict[str, Any]:
    application = _prescriber_only(request, application_id)
    wanted = _wanted(application, payload)
    try:
        services.update_application(
            application, wanted, _actor(request, Role.PRESCRIBER), timezone.localdate()
        )
    except services.Refused as problem:
        raise _refused(problem) from None
    except services.Invalid as problem:
        raise _invalid(problem) from None
    return _out(application, Role.PRESCRIBER)


def _wanted(application: AuthorisationApplication, payload: ChangesIn) -> dict[str, Any]:
    wanted = payload.dict(exclude_unset=True)
    lookups = {
        "prescription_id": ("prescription", Prescription),
        "prescriber_id": ("prescriber", PrescriberRecord),
        "importer_id": ("importer", Importer),
    }
    for key, (name, model) in lookups.items():
        if key in wanted:
            pk = wanted.pop(key)
            found = model._default_manager.filter(pk=pk).first() if pk is not None else None
            if pk is not None and found is None:
                raise ApiError(422, "invalid", "Some fields are not valid.", {key: ["unknown"]})
            wanted[name] = found
    return wanted


@router.put("/{application_id}/motivation", response=ApplicationOut, summary="The motivation")
def motivation(request: HttpRequest, application_id: int, payload: MotivationIn) -> dict[str, Any]:
    application = _prescriber_only(request, application_id)
    try:
        services.save_motivation(application, payload.motivation, _actor(request, Role.PRESCRIBER))
    except services.Refused as problem:
        raise _refused(problem) from None
    except services.Invalid as problem:
        raise _invalid(problem) from None
    return _out(application, Role.PRESCRIBER)


@router.post(
    "/{application_id}/transitions", response=ApplicationOut, summary="Move to the next state"
)
def transition(request: HttpRequest, application_id: int, payload: StepIn) -> dict[str, Any]:
    application = _prescriber_only(request, application_id)
    today = timezone.localdate()
    fields = payload.dict(exclude={"action", "on"})
    step = services.Step(on=payload.on or today, **fields)
    try:
        services.transition(
            application, payload.action, step, _actor(request, Role.PRESCRIBER), today
        )
    except services.Refused as problem:
        raise _refused(problem) from None
    except services.Invalid as problem:
        raise _invalid(problem) from None
    return _out(application, Role.PRESCRIBER)


@router.post(
    "/{application_id}/reauthorisation",
    response={201: ApplicationOut},
    summary="Start a re-authorisation, pre-filled",
)
def reauthorise(
    request: HttpRequest, application_id: int, payload: ReauthorisationIn
) -> Status[dict[str, Any]]:
    application = _prescriber_only(request, application_id)
    prescription = None
    if payload.prescription_id is not None:
        prescription = Prescription.objects.filter(pk=payload.prescription_id).first()
        if prescription is None:
            raise ApiError(
                422, "invalid", "Some fields are not valid.", {"prescription_id": ["unknown"]}
            )
    try:
        renewal = services.start_reauthorisation(
            application, _actor(request, Role.PRESCRIBER), timezone.localdate(), prescription
        )
    except services.Refused as problem:
        raise _refused(problem) from None
    except services.Invalid as problem:
        raise _invalid(problem) from None
    return Status(201, _out(renewal, Role.PRESCRIBER))
