"""API for patients, their consents, signed consent forms and diagnoses.

The same forms validate here as on the pages, so a rule cannot differ between the two; their
errors come back as 422 with the fields named. Every call on a patient is audited.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.db import transaction
from django.db.models import Prefetch
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from repigment.accounts.models import Clinic
from repigment.accounts.permissions import deny, user_clinics
from repigment.core.errors import ApiError
from repigment.core.pagination import PageQuery, page_of, paginate
from repigment.core.schemas import Strict
from repigment.patients import services
from repigment.patients.access import (
    CLINICAL_ROLES,
    RECORD_ROLES,
    acting_user,
    clinic_role,
    patient_for,
    record_listed,
    record_read,
    visible_patients,
)
from repigment.patients.forms import ConsentForm, DiagnosisForm, PatientForm, WithdrawConsentForm
from repigment.patients.models import Consent, ConsentDocument, ConsentMethod, Diagnosis, Patient
from repigment.patients.uploads import (
    UploadRejected,
    clean_document,
    delete_files_on_error,
    read_upload,
    stored_file_response,
)

router = Router(tags=["patients"])


def form_error(form: forms.BaseForm) -> ApiError:
    """A 422 with the form's messages under their field names (``__all__`` for the form)."""
    fields = {
        name: [str(message) for message in messages] for name, messages in form.errors.items()
    }
    return ApiError(422, "invalid", "Some fields are not valid.", fields)


def consent_error(error: services.ConsentRequired) -> ApiError:
    return ApiError(409, "consent_required", str(error), {"consent": [error.purpose]})


class PatientIn(Strict):
    source_model = Patient

    clinic_id: int
    record_number: str
    given_names: str
    family_name: str
    date_of_birth: date
    sex: str
    za_id_number: str = ""
    passport_number: str = ""
    passport_country: str = ""
    phone: str = ""
    email: str = ""
    preferred_language: str = "en"
    phototype: int
    treatment_start: date | None = None
    allow_duplicate: bool = Field(
        False, description="Register even though a possible duplicate was reported."
    )


class PatientPatch(Strict):
    source_model = Patient

    record_number: str | None = None
    given_names: str | None = None
    family_name: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    za_id_number: str | None = None
    passport_number: str | None = None
    passport_country: str | None = None
    phone: str | None = None
    email: str | None = None
    preferred_language: str | None = None
    phototype: int | None = None
    treatment_start: date | None = None


class PatientOut(Schema):
    id: int
    clinic_id: int
    record_number: str
    given_names: str
    family_name: str
    date_of_birth: date
    sex: str
    za_id_number: str
    passport_number: str
    passport_country: str
    phone: str
    email: str
    preferred_language: str
    phototype: int
    treatment_start: date | None
    has_portal_account: bool
    current_consents: list[str]


class ConsentIn(Strict):
    source_model = Consent

    purposes: list[str] = Field(..., min_length=1)
    given_on: date
    method: str
    given_by: str
    guardian_name: str = ""
    guardian_relationship: str = ""
    document_id: int | None = None


class ConsentOut(Schema):
    id: int
    purpose: str
    given_on: date
    method: str
    given_by: str
    guardian_name: str
    guardian_relationship: str
    document_id: int | None
    withdrawn_on: date | None
    withdrawal_note: str
    recorded_at: datetime


class WithdrawIn(Strict):
    source_model = Consent
    source_names = {"note": "withdrawal_note"}

    withdrawn_on: date
    note: str = ""


class DocumentOut(Schema):
    id: int
    content_type: str
    size: int
    uploaded_at: datetime


class DiagnosisIn(Strict):
    source_model = Diagnosis

    vitiligo_type: str
    onset_year: int
    activity: str
    confetti_lesions: bool = False
    trichrome: bool = False
    koebner: bool = False
    facial_involvement: bool = False
    comorbidities: list[str] = []
    other_comorbidities: str = ""
    recorded_on: date
    notes: str = ""


class DiagnosisOut(Schema):
    id: int
    vitiligo_type: str
    onset_year: int
    activity: str
    confetti_lesions: bool
    trichrome: bool
    koebner: bool
    facial_involvement: bool
    comorbidities: list[str]
    other_comorbidities: str
    icd10_code: str
    notes: str
    recorded_on: date


class PatientFilter(Schema):
    q: str | None = None
    clinic_id: int | None = None


def _out(patient: Patient) -> dict[str, Any]:
    data = model_to_dict(patient, exclude=["user", "clinic", "created_by"])
    data.update(
        id=patient.pk,
        clinic_id=patient.clinic_id,
        has_portal_account=patient.user_id is not None,
        current_consents=sorted(
            {c.purpose for c in patient.current_consent_rows}  # type: ignore[attr-defined]
            if hasattr(patient, "current_consent_rows")
            else services.current_consents(patient)
        ),
    )
    return data


PatientPage = page_of(PatientOut, "PatientPage")


@router.get("/patients", response=PatientPage)
def list_patients(
    request: HttpRequest, filters: Query[PatientFilter], pages: Query[PageQuery]
) -> dict[str, Any]:
    """The patients of your clinics, by name, a page at a time."""
    if not user_clinics(acting_user(request), RECORD_ROLES).exists():
        raise deny(request, "patients-api")
    patients = visible_patients(acting_user(request))
    if filters.clinic_id is not None:
        patients = patients.filter(clinic_id=filters.clinic_id)
    if filters.q:
        patients = patients.search(filters.q)
    current = Consent.objects.filter(withdrawn_on__isnull=True)
    patients = patients.prefetch_related(
        Prefetch("consents", current, to_attr="current_consent_rows")
    )
    page = paginate(request, patients, pages)
    record_listed(request, page.items)
    return page.answer(_out)


@router.post("/patients", response={201: PatientOut})
def create_patient(request: HttpRequest, payload: PatientIn) -> Status[dict[str, Any]]:
    clinic = get_object_or_404(Clinic, pk=payload.clinic_id)
    role = clinic_role(request.user, clinic, RECORD_ROLES)
    if role is None:
        raise deny(request, f"clinic:{clinic.pk}")
    data = payload.dict(exclude={"clinic_id", "allow_duplicate"})
    form = PatientForm(data, clinic=clinic)
    if not form.is_valid():
        raise form_error(form)
    duplicates = services.possible_duplicates(
        clinic,
        given_names=form.cleaned_data["given_names"],
        family_name=form.cleaned_data["family_name"],
        date_of_birth=form.cleaned_data["date_of_birth"],
        za_id_number=form.cleaned_data["za_id_number"],
    )
    if duplicates and not payload.allow_duplicate:
        raise ApiError(
            409,
            "possible_duplicate",
            "A patient with the same ID number, or name and date of birth, exists; "
            "send allow_duplicate=true if this is a different person.",
            {"duplicates": [str(p.pk) for p in duplicates]},
        )
    patient = form.save(commit=False)
    patient.clinic = clinic
    services.register_patient(patient, None, request=request, actor=acting_user(request), role=role)
    return Status(201, _out(patient))


@router.get("/patients/{patient_id}", response=PatientOut)
def get_patient(request: HttpRequest, patient_id: int) -> dict[str, Any]:
    patient, role = patient_for(request, patient_id, RECORD_ROLES)
    record_read(request, patient, role)
    return _out(patient)


@router.patch("/patients/{patient_id}", response=PatientOut)
def update_patient(request: HttpRequest, patient_id: int, payload: PatientPatch) -> dict[str, Any]:
    patient, role = patient_for(request, patient_id, RECORD_ROLES)
    data = {name: getattr(patient, name) for name in PatientForm.Meta.fields}
    data.update(payload.dict(exclude_unset=True))
    form = PatientForm(
        {k: ("" if v is None else v) for k, v in data.items()},
        instance=patient,
        clinic=patient.clinic,
    )
    if not form.is_valid():
        raise form_error(form)
    services.update_patient(
        form.save(commit=False),
        request=request,
        actor=acting_user(request),
        role=role,
    )
    return _out(patient)


@router.get("/patients/{patient_id}/consents", response=list[ConsentOut])
def list_consents(request: HttpRequest, patient_id: int) -> list[Consent]:
    patient, role = patient_for(request, patient_id, RECORD_ROLES)
    record_read(request, patient, role, "consent_list")
    return list(patient.consents.all())


@router.post("/patients/{patient_id}/consents", response={201: list[ConsentOut]})
def add_consents(
    request: HttpRequest, patient_id: int, payload: ConsentIn
) -> Status[list[Consent]]:
    patient, role = patient_for(request, patient_id, RECORD_ROLES)
    form = ConsentForm(
        payload.dict(exclude={"document_id"}),
        date_of_birth=patient.date_of_birth,
        require_purpose=True,
        current=set(services.current_consents(patient)),
        document_required=False,
    )
    if not form.is_valid():
        raise form_error(form)
    document = None
    if payload.method == ConsentMethod.SIGNED_FORM:
        if payload.document_id is None:
            raise ApiError(
                422,
                "invalid",
                "Some fields are not valid.",
                {"document_id": ["Upload the signed form first and give its id."]},
            )
        document = ConsentDocument.objects.filter(pk=payload.document_id, patient=patient).first()
        if document is None:
            raise ApiError(
                422,
                "invalid",
                "Some fields are not valid.",
                {"document_id": ["No signed form with this id for this patient."]},
            )
    consent = services.ConsentInput(
        purposes=tuple(form.cleaned_data["purposes"]),
        given_on=form.cleaned_data["given_on"],
        method=payload.method,
        given_by=payload.given_by,
        guardian_name=form.cleaned_data["guardian_name"],
        guardian_relationship=form.cleaned_data["guardian_relationship"],
        document=document,
    )
    rows = services.record_consents(
        patient, consent, request=request, actor=acting_user(request), role=role
    )
    return Status(201, rows)


@router.post("/patients/{patient_id}/consents/{consent_id}/withdraw", response=ConsentOut)
def withdraw_consent(
    request: HttpRequest, patient_id: int, consent_id: int, payload: WithdrawIn
) -> Consent:
    patient, role = patient_for(request, patient_id, RECORD_ROLES)
    consent = get_object_or_404(Consent, pk=consent_id, patient=patient)
    if not consent.is_current:
        raise ApiError(409, "already_withdrawn", "This consent was already withdrawn.")
    form = WithdrawConsentForm(payload.dict(), consent=consent)
    if not form.is_valid():
        raise form_error(form)
    return services.withdraw_consent(
        consent,
        form.cleaned_data["withdrawn_on"],
        form.cleaned_data["note"],
        request=request,
        actor=acting_user(request),
        role=role,
    )


@router.post("/patients/{patient_id}/consent-documents", response={201: DocumentOut})
def upload_consent_document(
    request: HttpRequest, patient_id: int, file: File[UploadedFile]
) -> Status[ConsentDocument]:
    patient, role = patient_for(request, patient_id, RECORD_ROLES)
    name = file.name or "file"
    try:
        cleaned = clean_document(read_upload(file, name, file.size), name)
    except UploadRejected as error:
        raise ApiError(
            422, "invalid", "The file was not accepted.", {"file": [str(error)]}
        ) from None
    with delete_files_on_error() as written, transaction.atomic():
        document = services.store_consent_document(
            patient, cleaned, written, request=request, actor=acting_user(request), role=role
        )
    return Status(201, document)


@router.get("/patients/{patient_id}/consent-documents/{document_id}")
def download_consent_document(
    request: HttpRequest, patient_id: int, document_id: int
) -> HttpResponse:
    patient, role = patient_for(request, patient_id, RECORD_ROLES)
    document = get_object_or_404(ConsentDocument, pk=document_id, patient=patient)
    record_read(request, patient, role, "consent_document", document.pk)
    return stored_file_response(document.file, document.content_type)


@router.get("/patients/{patient_id}/diagnoses", response=list[DiagnosisOut])
def list_diagnoses(request: HttpRequest, patient_id: int) -> list[Diagnosis]:
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    record_read(request, patient, role, "diagnosis_list")
    return list(patient.diagnoses.all())


@router.post("/patients/{patient_id}/diagnoses", response={201: DiagnosisOut})
def add_diagnosis(request: HttpRequest, patient_id: int, payload: DiagnosisIn) -> Status[Diagnosis]:
    patient, role = patient_for(request, patient_id, CLINICAL_ROLES)
    form = DiagnosisForm(payload.dict(), patient=patient)
    if not form.is_valid():
        raise form_error(form)
    diagnosis = form.save(commit=False)
    diagnosis.patient = patient
    try:
        services.record_diagnosis(diagnosis, request=request, actor=acting_user(request), role=role)
    except services.ConsentRequired as error:
        raise consent_error(error) from None
    return Status(201, diagnosis)
