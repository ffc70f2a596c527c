"""API for prescriptions (with the label check), co-medications and the adherence diary.

Creating a prescription runs the same checks as the page, in the same service: the label
check is always run on the server, and a missing acknowledgement or justification answers
422 with the findings, so a client can show them and send the prescription again.
A patient writes their diary through ``/me/diary`` only: the patient is the signed-in user.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from repigment.core.errors import ApiError, error_body
from repigment.core.pagination import PageQuery, page_of, paginate
from repigment.core.schemas import Strict
from repigment.patients.access import (
    CLINICAL_ROLES,
    PATIENT_ROLE,
    acting_user,
    own_record,
    patient_for,
    record_read,
)
from repigment.patients.api import consent_error
from repigment.patients.models import Patient
from repigment.patients.services import ConsentRequired
from repigment.treatment import services
from repigment.treatment.access import object_for
from repigment.treatment.adherence import weekly_adherence
from repigment.treatment.models import CoMedication, DiaryEntry, Prescription, Product

router = Router(tags=["treatment"])


class ReferenceOut(Schema):
    id: str
    citation: str
    url: str


class ProductFactOut(Schema):
    text: str
    reference: ReferenceOut | None


class TreatmentProductOut(Schema):
    id: int
    name: str
    form: str
    strength: str
    subject_to_ruxolitinib_label: bool
    facts: list[ProductFactOut]


class AreaIn(Strict):
    region: str
    bsa_percent: Decimal


class PrescriptionIn(Strict):
    source_model = Prescription

    product_id: int
    treated_areas: list[AreaIn] = []
    frequency: str = "twice_daily"
    start_date: date
    planned_weeks: int = Field(..., ge=1, le=services.MAX_WEEKS)
    tube_grams: Literal[60, 100] | None = None
    jurisdiction: Literal["EMA", "FDA"] | None = Field(
        None, description="Whose label applies; the clinic's choice when left out."
    )
    pregnant: bool
    breastfeeding: bool
    active_serious_infection: bool
    occlusive_dressing: bool = False
    hypersensitivity: bool = Field(
        False, description="Hypersensitivity to ruxolitinib or an excipient (EU contraindication)."
    )
    end_stage_renal_disease: bool = False
    childbearing_potential: bool = Field(
        False, description="Could become pregnant (EU: contraception until 4 weeks after)."
    )
    warnings_reviewed: bool = Field(
        False,
        description="First ruxolitinib prescription: the class-warnings checklist was gone "
        "through with the patient (required then).",
    )
    risk_factors: list[str] = Field(
        [], description="The patient's risk factors recorded at that checklist (codes)."
    )
    acknowledged: list[str] = Field(
        [], description="Keys of the caution findings the prescriber acknowledges."
    )
    justification: str = ""
    notes: str = ""
    replaces_current: bool = Field(
        False,
        description="The patient's current course of the cream stops the day before this one "
        "starts; without it a second current course is refused (422).",
    )


class FindingOut(Schema):
    key: str
    rule: str
    level: str
    reason: str
    reference: ReferenceOut | None


class LabelOut(Schema):
    jurisdiction: str
    overall: str
    findings: list[FindingOut]
    co_medications: list[str]


class QuantityEstimateOut(Schema):
    grams_per_application: Decimal
    grams_per_week: Decimal
    grams_total: Decimal
    tubes: int
    tube_grams: int


class PrescriptionCheckOut(Schema):
    label: LabelOut | None
    quantity: QuantityEstimateOut | None
    missing: dict[str, list[str]]


class AreaOut(Schema):
    region: str
    bsa_percent: Decimal


class PrescriptionOut(Schema):
    id: int
    patient_id: int
    product_id: int
    product: str
    treated_areas: list[AreaOut]
    treated_bsa_percent: Decimal
    frequency: str
    start_date: date
    planned_weeks: int
    planned_end: date
    tube_grams: int | None
    jurisdiction: str
    pregnant: bool
    breastfeeding: bool
    active_serious_infection: bool
    grams_per_week: Decimal | None
    grams_total: Decimal | None
    tubes: int | None
    label_overall: str
    label_findings: list[FindingOut]
    acknowledged: list[str]
    justification: str
    notes: str
    stop_date: date | None
    stop_reason: str
    stop_note: str
    prescriber_id: int


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class LabelRefusalOut(Schema):
    error: ErrorBody
    label: LabelOut | None = Field(
        None, description="the label check's findings, when it is what refused the prescription"
    )


class StopIn(Strict):
    source_model = Prescription
    source_names = {"note": "stop_note"}

    stop_date: date
    stop_reason: str
    note: str = ""


class CoMedicationIn(Strict):
    source_model = CoMedication

    name: str
    start_date: date | None = None
    stop_date: date | None = None
    notes: str = ""
    applied_to: Literal["", "same_skin", "other_skin"] = Field(
        "", description="For a skin medicine: on the skin treated with the cream, or elsewhere."
    )


class CoMedicationOut(Schema):
    id: int
    patient_id: int
    name: str
    start_date: date | None
    stop_date: date | None
    notes: str
    applied_to: str


class DiaryIn(Strict):
    source_model = DiaryEntry

    day: date
    morning: bool = False
    evening: bool = False
    tube_changed: bool = False
    skipped: bool = False
    skip_reason: str = ""
    note: str = ""


class DiaryOut(Schema):
    id: int
    patient_id: int
    day: date
    morning: bool
    evening: bool
    tube_changed: bool
    skipped: bool
    skip_reason: str
    note: str


class AdherenceWeekOut(Schema):
    week: int
    first_day: date
    last_day: date
    expected_days: int
    recorded_days: int
    applications: int
    percent: int | None


# --- helpers ---------------------------------------------------------------------------------


def _reference(ref: Any) -> dict[str, str] | None:
    return {"id": ref.id, "citation": ref.citation, "url": ref.url} if ref else None


def _finding(finding: services.ShownFinding) -> dict[str, Any]:
    return {
        "key": finding.key,
        "rule": finding.rule,
        "level": finding.level,
        "reason": finding.reason,
        "reference": _reference(finding.reference),
    }


def _label(review: services.LabelReview) -> dict[str, Any]:
    return {
        "jurisdiction": review.jurisdiction,
        "overall": review.overall,
        "findings": [_finding(f) for f in review.findings],
        "co_medications": review.co_medications,
    }


PRESCRIPTION_FIELDS = (
    "id", "patient_id", "product_id", "treated_areas", "treated_bsa_percent", "frequency",
    "start_date", "planned_weeks", "planned_end", "tube_grams", "jurisdiction", "pregnant",
    "breastfeeding", "active_serious_infection", "grams_per_week", "grams_total", "tubes",
    "label_overall", "acknowledged", "justification", "notes", "stop_date", "stop_reason",
    "stop_note", "prescriber_id",
)  # fmt: skip


def _prescription_out(p: Prescription) -> dict[str, Any]:
    return {
        **{name: getattr(p, name) for name in PRESCRIPTION_FIELDS},
        "product": str(p.product),
        "label_findings": [_finding(f) for f in services.findings_of(p)],
    }


def _input(patient: Patient, payload: PrescriptionIn) -> services.PrescriptionInput:
    product = Product.objects.filter(pk=payload.product_id).first()
    if product is None:
        raise ApiError(
            422, "invalid", "Some fields are not valid.", {"product_id": ["No such product."]}
        )
    return services.PrescriptionInput(
        product=product,
        start_date=payload.start_date,
        planned_weeks=payload.planned_weeks,
        areas=[services.AreaInput(a.region, a.bsa_percent) for a in payload.treated_areas],
        frequency=payload.frequency,
        tube_grams=payload.tube_grams,
        jurisdiction=payload.jurisdiction or patient.clinic.label_jurisdiction,
        pregnant=payload.pregnant,
        breastfeeding=payload.breastfeeding,
        active_serious_infection=payload.active_serious_infection,
        occlusive_dressing=payload.occlusive_dressing,
        hypersensitivity=payload.hypersensitivity,
        end_stage_renal_disease=payload.end_stage_renal_disease,
        childbearing_potential=payload.childbearing_potential,
        warnings_reviewed=payload.warnings_reviewed,
        risk_factors=frozenset(payload.risk_factors),
        acknowledged=frozenset(payload.acknowledged),
        justification=payload.justification,
        notes=payload.notes,
        replaces_current=payload.replaces_current,
    )


def _invalid(invalid: services.Invalid) -> ApiError:
    return ApiError(422, "invalid", "Some fields are not valid; nothing was saved.", invalid.fields)


def _quantity(data: services.PrescriptionInput) -> dict[str, Any] | None:
    estimate = services.quantity_for(data)
    if estimate is None:
        return None
    return {
        "grams_per_application": estimate.grams_per_application,
        "grams_per_week": estimate.grams_per_week,
        "grams_total": estimate.grams_total,
        "tubes": estimate.tubes,
        "tube_grams": estimate.tube_grams,
    }


# --- products and prescriptions ----------------------------------------------------------------


@router.get("/products", response=list[TreatmentProductOut])
def list_products(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "name": p.name,
            "form": p.form,
            "strength": p.strength,
            "subject_to_ruxolitinib_label": p.subject_to_ruxolitinib_label,
            "facts": [
                {"text": f.text, "reference": _reference(f.reference)} for f in p.facts.all()
            ],
        }
        for p in Product.objects.filter(active=True).prefetch_related("facts")
    ]


PrescriptionPage = page_of(PrescriptionOut, "PrescriptionPage")


@router.get("/patients/{patient_id}/prescriptions", response=PrescriptionPage)
def list_prescriptions(
    request: HttpRequest, patient_id: int, pages: Query[PageQuery]
) -> dict[str, Any]:
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    record_read(request, patient, role, "prescription_list")
    found = patient.prescriptions.select_related("product")
    return paginate(request, found, pages).answer(_prescription_out)


@router.post("/patients/{patient_id}/prescriptions/check", response=PrescriptionCheckOut)
def check_prescription(
    request: HttpRequest, patient_id: int, payload: PrescriptionIn
) -> dict[str, Any]:
    """The quantity estimate and label findings for this prescription; nothing is saved."""
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    record_read(request, patient, role, "label_check")
    data = _input(patient, payload)
    problems = services.check_input(patient, data)
    if problems:
        raise ApiError(422, "invalid", "Some fields are not valid.", problems)
    if not data.product.subject_to_ruxolitinib_label:
        return {"label": None, "quantity": None, "missing": {}}
    try:
        review = services.review_label(patient, data)
    except services.Invalid as invalid:
        raise _invalid(invalid) from None
    missing = services.missing_for_label(review, data)
    return {"label": _label(review), "quantity": _quantity(data), "missing": missing}


@router.post(
    "/patients/{patient_id}/prescriptions",
    response={201: PrescriptionOut, 422: LabelRefusalOut},
)
def create_prescription(
    request: HttpRequest, patient_id: int, payload: PrescriptionIn
) -> Status[dict[str, Any]]:
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    data = _input(patient, payload)
    try:
        saved = services.create_prescription(
            patient, data, request=request, actor=acting_user(request), role=role
        )
    except ConsentRequired as missing:
        raise consent_error(missing) from None
    except services.Invalid as invalid:
        if invalid.review is None:
            raise _invalid(invalid) from None
        message = "The label check needs acknowledgements or a justification; nothing was saved."
        body = error_body("label_check", message, invalid.fields)
        return Status(422, {**body, "label": _label(invalid.review)})
    return Status(201, _prescription_out(saved))


@router.get("/prescriptions/{prescription_id}", response=PrescriptionOut)
def get_prescription(request: HttpRequest, prescription_id: int) -> dict[str, Any]:
    prescription, role = object_for(request, Prescription, prescription_id, CLINICAL_ROLES)
    record_read(request, prescription.patient, role, "prescription", prescription.pk)
    return _prescription_out(prescription)


@router.post("/prescriptions/{prescription_id}/stop", response=PrescriptionOut)
def stop_prescription(
    request: HttpRequest, prescription_id: int, payload: StopIn
) -> dict[str, Any]:
    prescription, role = object_for(request, Prescription, prescription_id, CLINICAL_ROLES)
    try:
        services.stop_prescription(
            prescription,
            payload.stop_date,
            payload.stop_reason,
            payload.note,
            request=request,
            actor=acting_user(request),
            role=role,
        )
    except services.Invalid as invalid:
        raise _invalid(invalid) from None
    return _prescription_out(prescription)


# --- co-medications ------------------------------------------------------------------------------


def _co_input(payload: CoMedicationIn) -> services.CoMedicationInput:
    return services.CoMedicationInput(
        payload.name, payload.start_date, payload.stop_date, payload.notes, payload.applied_to
    )


@router.get("/patients/{patient_id}/co-medications", response=list[CoMedicationOut])
def list_co_medications(request: HttpRequest, patient_id: int) -> list[CoMedication]:
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    record_read(request, patient, role, "co_medication_list")
    return list(patient.co_medications.all())


@router.post("/patients/{patient_id}/co-medications", response={201: CoMedicationOut})
def add_co_medication(
    request: HttpRequest, patient_id: int, payload: CoMedicationIn
) -> Status[CoMedication]:
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    try:
        row = services.save_co_medication(
            patient, _co_input(payload), request=request, actor=acting_user(request), role=role
        )
    except ConsentRequired as missing:
        raise consent_error(missing) from None
    except services.Invalid as invalid:
        raise _invalid(invalid) from None
    return Status(201, row)


@router.put("/co-medications/{co_medication_id}", response=CoMedicationOut)
def replace_co_medication(
    request: HttpRequest, co_medication_id: int, payload: CoMedicationIn
) -> CoMedication:
    row, role = object_for(request, CoMedication, co_medication_id, CLINICAL_ROLES)
    try:
        return services.save_co_medication(
            row.patient, _co_input(payload), row=row, request=request, actor=acting_user(request),
            role=role,
        )  # fmt: skip
    except ConsentRequired as missing:
        raise consent_error(missing) from None
    except services.Invalid as invalid:
        raise _invalid(invalid) from None


# --- the diary -----------------------------------------------------------------------------------


DiaryPage = page_of(DiaryOut, "DiaryPage")


@router.get("/patients/{patient_id}/diary", response=DiaryPage)
def patient_diary(request: HttpRequest, patient_id: int, pages: Query[PageQuery]) -> object:
    """Newest day first, a page at a time."""
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    record_read(request, patient, role, "diary")
    return paginate(request, patient.diary_entries.all(), pages).answer(lambda entry: entry)


@router.get("/patients/{patient_id}/adherence", response=list[AdherenceWeekOut])
def patient_adherence(request: HttpRequest, patient_id: int) -> list[dict[str, Any]]:
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    record_read(request, patient, role, "adherence")
    return [{**w.__dict__, "percent": w.percent} for w in weekly_adherence(patient)]


def _own_patient(request: HttpRequest) -> Patient:
    patient = own_record(request.user)
    if patient is None:
        raise ApiError(404, "not_found", "Only a patient signed in to the portal has a diary.")
    return patient


@router.get("/me/diary", response=DiaryPage)
def my_diary(request: HttpRequest, pages: Query[PageQuery]) -> object:
    """Newest day first, a page at a time."""
    patient = _own_patient(request)
    record_read(request, patient, PATIENT_ROLE, "portal_diary")
    return paginate(request, patient.diary_entries.all(), pages).answer(lambda entry: entry)


@router.post("/me/diary", response={200: DiaryOut, 201: DiaryOut})
def write_my_diary(request: HttpRequest, payload: DiaryIn) -> Status[DiaryEntry]:
    """Record (or rewrite) the signed-in patient's entry for a day: 201 new, 200 rewritten."""
    patient = _own_patient(request)
    existed = patient.diary_entries.filter(day=payload.day).exists()
    data = services.DiaryInput(**payload.model_dump())
    try:
        entry = services.record_diary(
            patient, data, request=request, actor=acting_user(request), role=PATIENT_ROLE
        )
    except ConsentRequired as missing:
        raise consent_error(missing) from None
    except services.Invalid as invalid:
        raise _invalid(invalid) from None
    return Status(200 if existed else 201, entry)
