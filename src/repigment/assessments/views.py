"""Visits with region-by-region scoring, their history, photos, and the patient's course."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from repigment.assessments import services
from repigment.assessments.access import visit_view
from repigment.assessments.chart import course_svg
from repigment.assessments.course import build_course
from repigment.assessments.forms import PhotoUploadForm, VisitEditor
from repigment.assessments.history import history
from repigment.assessments.models import REGION_LABELS, REGIONS, Photo, Visit
from repigment.assessments.photos import comparisons, photo_response, visible_photos
from repigment.patients.access import CLINICAL_ROLES, patient_view
from repigment.patients.models import ConsentPurpose, Patient
from repigment.patients.sections import sections_for
from repigment.patients.services import ConsentRequired, current_consents, has_consent


@patient_view(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    return _visit_page(request, patient, role, None)


@visit_view(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, visit: Visit, patient: Patient, role: str) -> HttpResponse:
    return _visit_page(request, patient, role, visit)


def _visit_page(
    request: HttpRequest, patient: Patient, role: str, visit: Visit | None
) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    editor = VisitEditor(patient, data=data, visit=visit, assessor=request.user)  # type: ignore[arg-type]
    consented = has_consent(patient, ConsentPurpose.TREATMENT)
    if data is not None and consented and _wants_save(request):
        saved = _save(request, editor, patient, role, visit)
        if saved is not None:
            messages.success(request, _("The visit was saved."))
            return redirect("assessments:visit_detail", visit_id=saved.pk)
    elif data is not None and request.POST.get("add_row"):
        editor.add_row(request.POST["add_row"])
        editor.is_valid()
    elif data is not None:
        editor.is_valid()
    editor.calculate()
    context = {"patient": patient, "visit": visit, "editor": editor, "consented": consented}
    return render(request, "assessments/visit_form.html", context)


def _wants_save(request: HttpRequest) -> bool:
    return request.POST.get("action") == "save" and not request.POST.get("add_row")


def _save(
    request: HttpRequest, editor: VisitEditor, patient: Patient, role: str, visit: Visit | None
) -> Visit | None:
    if not editor.is_valid():
        return None
    try:
        return services.save_visit(
            patient,
            editor.visit_input(),
            visit=visit,
            request=request,
            actor=request.user,
            role=role,
        )  # type: ignore[arg-type]
    except services.VisitInvalid as invalid:
        editor.show_errors(invalid.fields)
    except ConsentRequired as missing:
        editor.errors_from_save.setdefault("general", []).append(str(missing))
    return None


@patient_view(*CLINICAL_ROLES)
@require_POST
def score_preview(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    """Subtotals and totals for the rows typed so far (HTMX); reads no stored patient data."""
    editor = VisitEditor(patient, data=request.POST)
    editor.rows_valid()
    editor.calculate()
    return render(request, "assessments/_vasi_preview.html", {"editor": editor})


@visit_view(*CLINICAL_ROLES)
def visit_detail(request: HttpRequest, visit: Visit, patient: Patient, role: str) -> HttpResponse:
    course = build_course(patient)
    point = next((p for p in course.points if p.visit.pk == visit.pk), None)
    photos_shown = has_consent(patient, ConsentPurpose.PHOTOS)
    context = {
        "patient": patient,
        "visit": visit,
        "point": point,
        "course": course,
        "regions": _entries_by_region(visit),
        "photos": visit.photos.all() if photos_shown else [],
        "photo_consent": photos_shown,
        "versions": visit.versions.count(),
    }
    return render(request, "assessments/visit_detail.html", context)


def _entries_by_region(visit: Visit) -> list[dict[str, Any]]:
    """Each scored region with its rows and its subtotal from the clinical core."""
    scores = dict(zip(REGIONS, visit.vasi_scores(), strict=True))
    rows = list(visit.entries.all())
    return [
        {
            "instrument": instrument,
            "label": REGION_LABELS[region],
            "subtotal": score.region_subtotals[region],
            "rows": [row for row in rows if row.region == region],
        }
        for instrument, score in scores.items()
        if score is not None
        for region in REGIONS[instrument]
    ]


@visit_view(*CLINICAL_ROLES)
def visit_history(request: HttpRequest, visit: Visit, patient: Patient, role: str) -> HttpResponse:
    context = {"patient": patient, "visit": visit, "versions": history(visit)}
    return render(request, "assessments/visit_history.html", context)


@visit_view(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def photo_upload(request: HttpRequest, visit: Visit, patient: Patient, role: str) -> HttpResponse:
    consented = has_consent(patient, ConsentPurpose.PHOTOS)
    form = PhotoUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and consented and form.is_valid():
        tags = services.PhotoInput(
            form.cleaned_data["body_site"],
            form.cleaned_data["lighting"],
            form.cleaned_data["site_detail"],
        )
        try:
            stored = services.store_photos(
                visit,
                tags,
                form.cleaned_data["images"],
                request=request,
                actor=request.user,
                role=role,
            )  # type: ignore[arg-type]
        except ConsentRequired as missing:
            form.add_error(None, str(missing))
        else:
            messages.success(request, _("%(n)s photo(s) saved.") % {"n": len(stored)})
            return redirect("assessments:visit_detail", visit_id=visit.pk)
    context = {"patient": patient, "visit": visit, "form": form, "consented": consented}
    return render(request, "assessments/photo_upload.html", context)


def photo_file(request: HttpRequest, photo_id: int, size: str) -> HttpResponse:
    """A stored photo or its thumbnail, after the access check, audited; never cached."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return photo_response(request, photo_id, size)


@patient_view(*CLINICAL_ROLES)
def photos(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    consents = current_consents(patient)
    shown = visible_photos(patient) if ConsentPurpose.PHOTOS in consents else Photo.objects.none()
    withdrawn = (
        patient.consents.filter(purpose=ConsentPurpose.PHOTOS)
        .exclude(withdrawn_on=None)
        .order_by("-withdrawn_on")
        .first()
    )
    context = {
        "patient": patient,
        "pairs": comparisons(list(shown)),
        "photos": shown,
        "photo_consent": ConsentPurpose.PHOTOS in consents,
        "withdrawn": withdrawn,
        "kept": Photo.objects.filter(visit__patient=patient).count(),
    }
    return render(request, "assessments/photos.html", context)


@patient_view(*CLINICAL_ROLES)
def course(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    data = build_course(patient)
    context = {
        "patient": patient,
        "course": data,
        "chart": course_svg(data),
        # Other apps' panels beside the chart (treatment: adherence by week).
        "sections": sections_for(request, patient, role, page="course"),
    }
    return render(request, "assessments/course.html", context)
