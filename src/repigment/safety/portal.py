"""The patient's side-effect pages in the portal: report one from the phone in a few taps and
see what was reported. A report waits, unconfirmed, until the prescriber reviews it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from repigment.assessments.portal import patient_only
from repigment.patients.access import PATIENT_ROLE, record_read
from repigment.patients.models import Patient
from repigment.safety import services
from repigment.safety.forms import PatientReportForm
from repigment.safety.models import ReporterKind


@patient_only
def my_events(request: HttpRequest, patient: Patient) -> HttpResponse:
    record_read(request, patient, PATIENT_ROLE, "portal_adverse_events")
    events = patient.adverse_events.all()
    return render(request, "safety/portal/list.html", {"patient": patient, "events": events})


@patient_only
@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, patient: Patient) -> HttpResponse:
    form = PatientReportForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        services.record_event(
            patient,
            form.event_input(),
            reporter=ReporterKind.PATIENT,
            request=request,
            actor=request.user,
            role=PATIENT_ROLE,
        )  # type: ignore[arg-type]
        messages.success(
            request,
            _(
                "Thank you. Your clinic will look at your report. If you feel very unwell, "
                "contact your doctor or go to a clinic now."
            ),
        )
        return redirect("safety_portal:list")
    return render(request, "safety/portal/report.html", {"patient": patient, "form": form})
