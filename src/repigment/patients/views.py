"""Patient list and search, registration with consent, the patient page, consents, diagnosis."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from repigment.accounts.models import Clinic, Role
from repigment.accounts.permissions import clinic_member_required, role_required, user_clinics
from repigment.core.keyset import cursors
from repigment.patients import services
from repigment.patients.access import (
    CLINICAL_ROLES,
    RECORD_ROLES,
    clinic_role,
    patient_view,
    record_listed,
    record_read,
    visible_patients,
)
from repigment.patients.forms import (
    ConsentForm,
    DiagnosisForm,
    PatientForm,
    PatientSearchForm,
    WithdrawConsentForm,
)
from repigment.patients.models import Consent, Patient
from repigment.patients.sections import sections_for
from repigment.patients.uploads import stored_file_response

PAGE_SIZE = 25


@role_required(*RECORD_ROLES)
def patient_list(request: HttpRequest) -> HttpResponse:
    patients = visible_patients(request.user)  # type: ignore[arg-type]
    active = getattr(request, "active_clinic", None)
    if active is not None:
        patients = patients.filter(clinic=active)
    form = PatientSearchForm(request.GET or None)
    if form.is_valid() and form.cleaned_data["q"]:
        patients = counted = patients.search(form.cleaned_data["q"])
    else:  # the whole list: walk an index in list order (a search's few rows are sorted)
        shown = user_clinics(request.user, RECORD_ROLES).values_list("pk", flat=True)  # type: ignore[arg-type]
        ids = [pk for pk in shown if active is None or pk == active.pk]
        patients = Patient.objects.in_clinics(ids).select_related("clinic")
        # Counted through the clinic index: in_clinics hides it from the planner (for the
        # order's sake), which made the count read the whole table.
        counted = Patient.objects.filter(clinic_id__in=ids)
    page = patients.keyset(**cursors(request.GET), size=PAGE_SIZE)
    record_listed(request, page)
    clinics = Clinic.objects.filter(
        memberships__user=request.user, memberships__role__in=RECORD_ROLES
    ).distinct()
    query = request.GET.copy()
    for key in ("page", "after", "before"):
        query.pop(key, None)
    context = {
        "form": form, "page": page, "count": counted.count(), "clinics": clinics,
        "query": query.urlencode(),
    }  # fmt: skip
    return render(request, "patients/list.html", context)


@clinic_member_required(*RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    role = clinic_role(request.user, clinic, RECORD_ROLES) or Role.CLINIC_ADMIN
    form = PatientForm(request.POST or None, clinic=clinic)
    consent = ConsentForm(request.POST or None, request.FILES or None, prefix="consent")
    duplicates: list[Patient] = []
    if request.method == "POST":
        patient_ok = form.is_valid()
        consent.date_of_birth = form.cleaned_data.get("date_of_birth") if patient_ok else None
        if patient_ok and consent.is_valid():
            duplicates = services.possible_duplicates(clinic, **_identity(form.cleaned_data))
            if not duplicates or request.POST.get("confirm_not_duplicate") == "yes":
                patient = form.save(commit=False)
                patient.clinic = clinic
                services.register_patient(
                    patient,
                    _consent_input(consent.cleaned_data),
                    request=request,
                    actor=request.user,
                    role=role,  # type: ignore[arg-type]
                    document=consent.cleaned_data.get("document"),
                )
                messages.success(request, _("%(name)s is registered.") % {"name": patient})
                return redirect("patients:detail", patient_id=patient.pk)
    context = {"clinic": clinic, "form": form, "consent": consent, "duplicates": duplicates}
    return render(request, "patients/register.html", context)


@patient_view(*RECORD_ROLES)
def detail(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    consents = patient.consents.select_related("recorded_by", "withdrawal_recorded_by")
    context = {
        "patient": patient,
        "role": role,
        "clinical": role in CLINICAL_ROLES,
        "current": services.current_consents(patient),
        "consents": consents,
        "diagnosis": patient.current_diagnosis() if role in CLINICAL_ROLES else None,
        "sections": sections_for(request, patient, role),
    }
    return render(request, "patients/detail.html", context)


@patient_view(*RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    form = PatientForm(request.POST or None, instance=patient, clinic=patient.clinic)
    if request.method == "POST" and form.is_valid():
        services.update_patient(
            form.save(commit=False),
            request=request,
            actor=request.user,
            role=role,
        )  # type: ignore[arg-type]
        messages.success(request, _("The patient's details were saved."))
        return redirect("patients:detail", patient_id=patient.pk)
    return render(request, "patients/edit.html", {"patient": patient, "form": form})


@patient_view(*RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def consent_add(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    form = ConsentForm(
        request.POST or None,
        request.FILES or None,
        date_of_birth=patient.date_of_birth,
        require_purpose=True,
        current=set(services.current_consents(patient)),
    )
    if request.method == "POST" and form.is_valid():
        services.record_consents_with_form(
            patient,
            _consent_input(form.cleaned_data),
            form.cleaned_data.get("document"),
            request=request,
            actor=request.user,
            role=role,  # type: ignore[arg-type]
        )
        messages.success(request, _("The consent was recorded."))
        return redirect("patients:detail", patient_id=patient.pk)
    return render(request, "patients/consent_form.html", {"patient": patient, "form": form})


@patient_view(*RECORD_ROLES)
@require_http_methods(["GET", "POST"])
def consent_withdraw(
    request: HttpRequest, patient: Patient, role: str, consent_id: int
) -> HttpResponse:
    consent = get_object_or_404(Consent, pk=consent_id, patient=patient, withdrawn_on=None)
    form = WithdrawConsentForm(request.POST or None, consent=consent)
    if request.method == "POST" and form.is_valid():
        services.withdraw_consent(
            consent,
            form.cleaned_data["withdrawn_on"],
            form.cleaned_data["note"],
            request=request,
            actor=request.user,
            role=role,  # type: ignore[arg-type]
        )
        messages.success(request, _("The withdrawal was recorded; the record is kept."))
        return redirect("patients:detail", patient_id=patient.pk)
    context = {"patient": patient, "consent": consent, "form": form}
    return render(request, "patients/consent_withdraw.html", context)


@patient_view(*RECORD_ROLES)
def consent_document(
    request: HttpRequest, patient: Patient, role: str, document_id: int
) -> HttpResponse:
    document = get_object_or_404(patient.consent_documents, pk=document_id)
    record_read(request, patient, role, "consent_document", document.pk)
    name = f"consent-{document.pk}.{document.file.name.rsplit('.', 1)[-1]}"
    return stored_file_response(document.file, document.content_type, name)


@patient_view(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def diagnosis_add(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    current = patient.current_diagnosis()
    initial = _diagnosis_initial(current)
    form = DiagnosisForm(request.POST or None, patient=patient, initial=initial)
    consented = services.has_consent(patient, "treatment")
    if request.method == "POST" and form.is_valid():
        diagnosis = form.save(commit=False)
        diagnosis.patient = patient
        try:
            services.record_diagnosis(
                diagnosis,
                request=request,
                actor=request.user,  # type: ignore[arg-type]
                role=role,
            )
        except services.ConsentRequired as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The diagnosis was recorded."))
            return redirect("patients:detail", patient_id=patient.pk)
    context = {"patient": patient, "form": form, "current": current, "consented": consented}
    return render(request, "patients/diagnosis_form.html", context)


@patient_view(*RECORD_ROLES)
@require_POST
def portal_access(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    action = request.POST.get("action")
    try:
        if action == "open":
            services.open_portal(patient, request=request, actor=request.user, role=role)  # type: ignore[arg-type]
            messages.success(
                request,
                _("An e-mail with a link to set a password was sent to %(email)s.")
                % {"email": patient.email},
            )
        elif action == "close":
            services.close_portal(patient, request=request, actor=request.user, role=role)  # type: ignore[arg-type]
            messages.success(request, _("The patient's portal account was closed."))
        else:
            messages.error(request, _("Choose to open or to close the portal account."))
    except services.PortalRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("patients:detail", patient_id=patient.pk)


def _identity(data: dict[str, Any]) -> dict[str, Any]:
    keys = ("given_names", "family_name", "date_of_birth", "za_id_number")
    return {key: data[key] for key in keys}


def _consent_input(data: dict[str, object]) -> services.ConsentInput:
    return services.ConsentInput(
        purposes=tuple(data.get("purposes") or ()),  # type: ignore[arg-type]
        given_on=data["given_on"],  # type: ignore[arg-type]
        method=str(data["method"]),
        given_by=str(data["given_by"]),
        guardian_name=str(data.get("guardian_name") or ""),
        guardian_relationship=str(data.get("guardian_relationship") or ""),
    )


def _diagnosis_initial(current: object) -> dict[str, object]:
    if current is None:
        return {}
    fields = DiagnosisForm.Meta.fields
    initial = {name: getattr(current, name) for name in fields if name != "recorded_on"}
    return initial
