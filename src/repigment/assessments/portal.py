"""The patient portal: a patient sees their own course, photos and visit dates, nothing else.

These pages carry the language in their URL (/en/my/, /fr/my/, /pt/my/). A signed-in person
who is not a patient (clinic staff) is sent to their dashboard instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.module_loading import import_string

from repigment.assessments.chart import course_svg
from repigment.assessments.course import build_course
from repigment.assessments.photos import comparisons, visible_photos
from repigment.patients.access import PATIENT_ROLE, own_record, record_read
from repigment.patients.models import Patient

View = TypeVar("View", bound=Callable[..., HttpResponse])


def patient_only(view: View) -> View:
    """The view receives the signed-in user's own patient record as ``patient``."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        patient = own_record(request.user)
        if patient is None:
            return redirect("accounts:dashboard")
        return view(request, *args, patient=patient, **kwargs)

    return wrapped  # type: ignore[return-value]


def _next_visit(patient: Patient) -> date | None:
    """The patient's next review day, from the rule the reminders use (a higher app, so named by
    ``settings.PORTAL_NEXT_VISIT`` rather than imported)."""
    path = getattr(settings, "PORTAL_NEXT_VISIT", "")
    return import_string(path)(patient) if path else None  # type: ignore[no-any-return]


@patient_only
def home(request: HttpRequest, patient: Patient) -> HttpResponse:
    record_read(request, patient, PATIENT_ROLE, "portal_course")
    course = build_course(patient)
    context = {
        "patient": patient,
        "course": course,
        "chart": course_svg(course, "my-course"),
        "next_visit": _next_visit(patient),
        "today": timezone.localdate(),
    }
    return render(request, "assessments/portal/home.html", context)


@patient_only
def trials(request: HttpRequest, patient: Patient) -> HttpResponse:
    """What the TRuE-V trials saw, in plain words, away from the patient's own progress."""
    record_read(request, patient, PATIENT_ROLE, "portal_trials")
    context = {"patient": patient, "course": build_course(patient)}
    return render(request, "assessments/portal/trials.html", context)


@patient_only
def photos(request: HttpRequest, patient: Patient) -> HttpResponse:
    record_read(request, patient, PATIENT_ROLE, "portal_photos")
    shown = list(visible_photos(patient))
    context = {"patient": patient, "photos": shown, "pairs": comparisons(shown)}
    return render(request, "assessments/portal/photos.html", context)
