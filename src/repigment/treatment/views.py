"""Prescribing with the label check, stopping a course, co-medications, adherence, products."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from repigment.accounts.models import Clinic, Role
from repigment.accounts.permissions import clinic_member_required, role_required
from repigment.clinical.references import get_reference
from repigment.patients.access import CLINICAL_ROLES, patient_view, record_read
from repigment.patients.models import ConsentPurpose, Patient
from repigment.patients.services import ConsentRequired, has_consent
from repigment.treatment import monitoring, pricing, services
from repigment.treatment.access import co_medication_view, prescription_view
from repigment.treatment.adherence import overall_percent, weekly_adherence
from repigment.treatment.chart import adherence_svg
from repigment.treatment.forms import (
    CoMedicationForm,
    ExchangeRateForm,
    PrescriptionForm,
    SkinExamForm,
    StopForm,
    TbScreeningForm,
    TubePriceForm,
)
from repigment.treatment.models import CoMedication, Prescription, Product

PRODUCT_ROLES = (Role.PRESCRIBER, Role.PHARMACIST, Role.CLINIC_ADMIN)


def _label_panel(form: PrescriptionForm, patient: Patient) -> dict[str, Any]:
    """Quantity estimate and label findings for what the form holds now (nothing saved)."""
    if not form.is_valid():
        return {"form": form, "review": None, "estimate": None}
    data = form.to_input()
    problems = services.check_input(patient, data)
    review, estimate, cost = None, None, None
    if not problems:
        estimate = services.quantity_for(data)
        if estimate is not None:
            cost = pricing.cost_for(patient.clinic, estimate.grams_total, estimate.tube_grams)
        if data.product.subject_to_ruxolitinib_label:
            try:
                review = services.review_label(patient, data)
            except services.Invalid as invalid:
                problems = invalid.fields
    return {
        "form": form,
        "review": review,
        "estimate": estimate,
        "cost": cost,
        "problems": problems,
    }


@patient_view(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def prescription_new(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    form = PrescriptionForm(request.POST or None, patient=patient)
    consented = has_consent(patient, ConsentPurpose.TREATMENT)
    panel: dict[str, Any] = {"form": form, "review": None, "estimate": None}
    if request.method == "POST":
        record_read(request, patient, role, "label_check")
        panel = _label_panel(form, patient)
        saving = request.POST.get("action") == "save"
        if panel.get("problems") and not saving:
            form.show(panel["problems"])  # the save below reports the same problems itself
        panel["problems"] = None
        if saving and form.is_valid():
            saved = _save(request, form, patient, role, panel)
            if saved is not None:
                messages.success(request, _("The prescription was saved."))
                return redirect("treatment:prescription_detail", prescription_id=saved.pk)
    context = {
        "patient": patient,
        "consented": consented,
        **panel,
        **_checklist(patient, form),
    }
    return render(request, "treatment/prescription_form.html", context)


def _checklist(patient: Patient, form: PrescriptionForm) -> dict[str, Any]:
    """The monitoring checklist beside a new prescription (read-only; saved with it)."""
    first = monitoring.is_first_label_prescription(patient)
    factors = form.cleaned_data.get("risk_factors", []) if form.is_bound and form.is_valid() else []
    start = form.cleaned_data.get("start_date") if form.is_bound and form.is_valid() else None
    age = patient.age_on(start or services.today())
    return {
        "first_prescription": first,
        "class_warnings": monitoring.class_warnings(age, factors) if first else [],
        "monitoring": monitoring.status_for(patient, start or services.today()),
    }


def _save(
    request: HttpRequest,
    form: PrescriptionForm,
    patient: Patient,
    role: str,
    panel: dict[str, Any],
) -> Prescription | None:
    try:
        return services.create_prescription(
            patient, form.to_input(), request=request, actor=request.user, role=role
        )  # type: ignore[arg-type]
    except services.Invalid as invalid:
        form.show(invalid.fields)
        panel["review"] = invalid.review or panel.get("review")
    except ConsentRequired as missing:
        form.add_error(None, str(missing))
    return None


@patient_view(*CLINICAL_ROLES)
@require_POST
def prescription_preview(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    """The estimate and findings for the form as typed so far (HTMX); nothing is saved."""
    record_read(request, patient, role, "label_check")
    form = PrescriptionForm(request.POST, patient=patient)
    return render(request, "treatment/_label_panel.html", _label_panel(form, patient))


@prescription_view(*CLINICAL_ROLES)
def prescription_detail(
    request: HttpRequest, prescription: Prescription, patient: Patient, role: str
) -> HttpResponse:
    context = {
        "patient": patient,
        "prescription": prescription,
        "findings": services.findings_of(prescription),
        "cost": pricing.cost_of(prescription),
    }
    return render(request, "treatment/prescription_detail.html", context)


@prescription_view(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def prescription_stop(
    request: HttpRequest, prescription: Prescription, patient: Patient, role: str
) -> HttpResponse:
    form = StopForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.stop_prescription(
                prescription,
                data["stop_date"],
                data["stop_reason"],
                data["note"],
                request=request,
                actor=request.user,  # type: ignore[arg-type]
                role=role,
            )
        except services.Invalid as invalid:
            form.show(invalid.fields)
        else:
            messages.success(request, _("The treatment stop was recorded."))
            return redirect("treatment:prescription_detail", prescription_id=prescription.pk)
    context = {"patient": patient, "prescription": prescription, "form": form}
    return render(request, "treatment/prescription_stop.html", context)


@patient_view(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def co_medications(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    form = CoMedicationForm(request.POST or None)
    if request.method == "POST" and _save_co_medication(request, form, patient, role, None):
        messages.success(request, _("The co-medication was recorded."))
        return redirect("treatment:co_medications", patient_id=patient.pk)
    context = {
        "patient": patient,
        "form": form,
        "rows": patient.co_medications.all(),
        "consented": has_consent(patient, ConsentPurpose.TREATMENT),
    }
    return render(request, "treatment/co_medications.html", context)


@co_medication_view(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def co_medication_edit(
    request: HttpRequest, co_medication: CoMedication, patient: Patient, role: str
) -> HttpResponse:
    form = CoMedicationForm(request.POST or None, instance=co_medication)
    if request.method == "POST" and _save_co_medication(
        request, form, patient, role, co_medication
    ):
        messages.success(request, _("The co-medication was saved."))
        return redirect("treatment:co_medications", patient_id=patient.pk)
    context = {"patient": patient, "form": form, "row": co_medication}
    return render(request, "treatment/co_medication_edit.html", context)


def _save_co_medication(
    request: HttpRequest,
    form: CoMedicationForm,
    patient: Patient,
    role: str,
    row: CoMedication | None,
) -> bool:
    if not form.is_valid():
        return False
    try:
        services.save_co_medication(
            patient, form.to_input(), row=row, request=request, actor=request.user, role=role
        )  # type: ignore[arg-type]
    except services.Invalid as invalid:
        form.show(invalid.fields)
        return False
    except ConsentRequired as missing:
        form.add_error(None, str(missing))
        return False
    return True


@patient_view(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def monitoring_plan(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    """TB screenings and skin examinations: record one, see what is due."""
    kind = request.POST.get("kind", "")
    tb_form = TbScreeningForm(request.POST if kind == "tb" else None, prefix="tb")
    skin_form = SkinExamForm(request.POST if kind == "skin" else None, prefix="skin")
    if request.method == "POST":
        record_read(request, patient, role, "monitoring")
        if _save_monitoring(request, patient, role, tb_form if kind == "tb" else skin_form):
            messages.success(request, _("Recorded."))
            return redirect("treatment:monitoring", patient_id=patient.pk)
    context = {
        "patient": patient,
        "status": monitoring.status_for(patient),
        "tb_rows": patient.tb_screenings.all(),
        "skin_rows": patient.skin_exams.all(),
        "tb_form": tb_form,
        "skin_form": skin_form,
        "consented": has_consent(patient, ConsentPurpose.TREATMENT),
        "tb_reference": get_reference("epocrates-opzelura"),
        "skin_reference": get_reference("liekinfo-sk-opzelura-smpc"),
    }
    return render(request, "treatment/monitoring.html", context)


def _save_monitoring(
    request: HttpRequest,
    patient: Patient,
    role: str,
    form: TbScreeningForm | SkinExamForm,
) -> bool:
    if not form.is_bound or not form.is_valid():
        return False
    record = (
        monitoring.record_tb_screening
        if isinstance(form, TbScreeningForm)
        else monitoring.record_skin_exam
    )
    try:
        record(patient, form.to_input(), request=request, actor=request.user, role=role)  # type: ignore[operator, arg-type]
    except monitoring.Invalid as invalid:
        form.show(invalid.fields)
        return False
    except ConsentRequired as missing:
        form.add_error(None, str(missing))
        return False
    return True


@patient_view(*CLINICAL_ROLES)
def adherence(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    weeks = weekly_adherence(patient)
    context = {
        "patient": patient,
        "weeks": list(reversed(weeks)),
        "overall": overall_percent(weeks),
        "chart": adherence_svg(weeks) if weeks else None,
        "entries": patient.diary_entries.all()[:60],
    }
    return render(request, "treatment/adherence.html", context)


@role_required(*PRODUCT_ROLES)
def products(request: HttpRequest) -> HttpResponse:
    shown = Product.objects.filter(active=True).prefetch_related("facts")
    return render(request, "treatment/products.html", {"products": shown})


@clinic_member_required(Role.CLINIC_ADMIN)
@require_http_methods(["GET", "POST"])
def prices(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """The clinic's sourced prices per tube and exchange rates, for the cost estimates."""
    kind = request.POST.get("kind")
    price_form = TubePriceForm(request.POST if kind == "price" else None, prefix="price")
    rate_form = ExchangeRateForm(request.POST if kind == "rate" else None, prefix="rate")
    if kind == "price" and price_form.is_valid():
        pricing.record_price(request, clinic, price_form.save(commit=False))
        messages.success(request, _("The price was recorded."))
        return redirect("treatment:prices", clinic_id=clinic.pk)
    if kind == "rate" and rate_form.is_valid():
        pricing.record_rate(request, clinic, rate_form.save(commit=False))
        messages.success(request, _("The exchange rate was recorded."))
        return redirect("treatment:prices", clinic_id=clinic.pk)
    context = {
        "clinic": clinic,
        "price_form": price_form,
        "rate_form": rate_form,
        **pricing.history(clinic),
    }
    return render(request, "treatment/prices.html", context)
