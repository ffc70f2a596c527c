"""Staff pages for adverse events: record, review, the report PDF, the FHIR export, and the
record of a report sent. Only prescribers of the patient's clinic reach them."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic
from repigment.accounts.permissions import clinic_member_required
from repigment.patients.access import CLINICAL_ROLES, patient_view
from repigment.patients.models import Patient
from repigment.safety import services
from repigment.safety.access import event_view
from repigment.safety.exports import fhir_response, pdf_response
from repigment.safety.forms import DismissForm, EventForm, ReportSentForm
from repigment.safety.models import AdverseEvent, ReporterKind
from repigment.safety.terms import TERMS

#: Events per page of a clinic's list; the two lists above it show their first few and a count.
EVENTS_PAGE_SIZE = 50
FIRST_SHOWN = 20


@patient_view(*CLINICAL_ROLES)
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest, patient: Patient, role: str) -> HttpResponse:
    form = EventForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        event = services.record_event(
            patient,
            form.event_input(),
            reporter=ReporterKind.PRESCRIBER,
            request=request,
            actor=request.user,
            role=role,
        )  # type: ignore[arg-type]
        messages.success(request, _("The adverse event was recorded."))
        return redirect("safety:event_detail", event_id=event.pk)
    return render(
        request, "safety/event_form.html", {"patient": patient, "form": form, "terms": TERMS}
    )


@event_view
def event_detail(request: HttpRequest, event: AdverseEvent, role: str) -> HttpResponse:
    context = {
        "event": event,
        "patient": event.patient,
        "reports": event.reports.all(),
        "dismiss": DismissForm(),
        "unapproved": services.unapproved_lots(event),
    }
    return render(request, "safety/event_detail.html", context)


@event_view
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, event: AdverseEvent, role: str) -> HttpResponse:
    """Edit an event; for a patient's report this is the review that confirms it."""
    form = EventForm(
        request.POST or None, patient=event.patient, initial=EventForm.initial_from(event)
    )
    if request.method == "POST" and form.is_valid():
        confirming = event.is_unconfirmed
        services.update_event(
            event,
            form.event_input(),
            confirm=confirming,
            review_note=form.cleaned_data["review_note"],
            request=request,
            actor=request.user,
            role=role,
        )  # type: ignore[arg-type]
        done = _("The report is confirmed.") if confirming else _("The event was saved.")
        messages.success(request, done)
        return redirect("safety:event_detail", event_id=event.pk)
    context = {"patient": event.patient, "event": event, "form": form, "terms": TERMS}
    return render(request, "safety/event_form.html", context)


@event_view
@require_POST
def event_dismiss(request: HttpRequest, event: AdverseEvent, role: str) -> HttpResponse:
    form = DismissForm(request.POST)
    if form.is_valid():
        services.dismiss_event(
            event, form.cleaned_data["review_note"], request=request, actor=request.user, role=role
        )  # type: ignore[arg-type]
        messages.success(request, _("The report was dismissed."))
    else:
        messages.error(request, _("Say why the report is dismissed."))
    return redirect("safety:event_detail", event_id=event.pk)


@event_view
def report_file(request: HttpRequest, event: AdverseEvent, role: str) -> HttpResponse:
    return pdf_response(request, event, role)


@event_view
def fhir_export(request: HttpRequest, event: AdverseEvent, role: str) -> HttpResponse:
    return fhir_response(request, event, role)


@event_view
@require_http_methods(["GET", "POST"])
def report_sent(request: HttpRequest, event: AdverseEvent, role: str) -> HttpResponse:
    form = ReportSentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_report_sent(
                event, **form.cleaned_data, request=request, actor=request.user, role=role
            )  # type: ignore[arg-type]
        except services.EventInvalid as invalid:
            for name, problems in invalid.fields.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
        else:
            messages.success(request, _("The report is recorded as sent."))
            return redirect("safety:event_detail", event_id=event.pk)
    return render(
        request, "safety/report_sent.html", {"event": event, "patient": event.patient, "form": form}
    )


@clinic_member_required(*CLINICAL_ROLES)
def clinic_events(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """The clinic's events: patients' reports to review and serious events to report first."""
    events = AdverseEvent.objects.filter(patient__clinic=clinic).select_related("patient")
    review, needing = events.awaiting_review(), events.needing_report()
    page = Paginator(events, EVENTS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "clinic": clinic,
        "to_review": list(review[:FIRST_SHOWN]),
        "to_report": list(needing[:FIRST_SHOWN]),
        "events": list(page.object_list),
    }
    shown = {e.patient_id for rows in context.values() if isinstance(rows, list) for e in rows}
    audit.record(
        request, AuditAction.VIEW, object_type="adverse_event_list", patient_ids=shown,
        clinic=clinic, role=CLINICAL_ROLES[0],
    )  # fmt: skip
    counts = {"to_review_count": review.count(), "to_report_count": needing.count()}
    return render(request, "safety/clinic_events.html", {**context, **counts, "page": page})
