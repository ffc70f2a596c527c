"""Pages for authorisation applications: a clinic's pipeline, one application and its steps,
documents and PDFs, re-authorisation, report tasks, and the prescriber and importer records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, Role
from repigment.accounts.permissions import clinic_member_required, deny, has_role, role_required
from repigment.authorisations import checklist, forms, pack, pipeline, reporting, services, states
from repigment.authorisations.access import (
    PRESCRIBER_ONLY,
    VIEW_ROLES,
    application_view,
    role_for,
)
from repigment.authorisations.fees import fee_text
from repigment.authorisations.models import (
    ApplicationDocument,
    Importer,
    PrescriberRecord,
    ReportTask,
    State,
)
from repigment.authorisations.quantity import remaining, supply_runs_out_on
from repigment.authorisations.reporting import mark_submitted
from repigment.core.keyset import count_upto, cursors
from repigment.patients.access import acting_user, record_read
from repigment.patients.uploads import stored_file_response
from repigment.reminders.engine import lead_days
from repigment.reminders.models import Reminder
from repigment.treatment.access import prescription_view
from repigment.treatment.models import Prescription


def _actor(request: HttpRequest, role: str) -> services.Actor:
    return services.Actor(acting_user(request), role, request)


def _pdf(content: bytes, name: str, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- A clinic's pipeline ---------------------------------------------------------------------

#: Reports owed shown on the pipeline, soonest due first (the reminders list has them all).
REPORTS_SHOWN = 10


@clinic_member_required(Role.PRESCRIBER, Role.CLINIC_ADMIN)
@require_safe
def clinic_pipeline(request: HttpRequest, clinic: Clinic) -> HttpResponse:
    """Reports owed and each state's count with its longest-waiting applications; with
    ``?state=``, that state's applications a page at a time. Bounded however large the clinic."""
    today = timezone.localdate()
    owed = reporting.owed(today + timedelta(days=lead_days()), [clinic])
    tasks = list(owed[:REPORTS_SHOWN])
    counts = pipeline.counts(clinic)
    state = request.GET.get("state")
    page = None
    if state in State.values:
        page, rows = pipeline.state_page(
            clinic, state, today, **cursors(request.GET), size=pipeline.STATE_PAGE
        )
        lines = {state: rows}
    else:
        state, lines = None, pipeline.first_lines(clinic, today, pipeline.FIRST)
    shown = [line.application.patient_id for rows in lines.values() for line in rows]
    is_prescriber = has_role(request.user, [Role.PRESCRIBER], clinic)
    audit.record(
        request, AuditAction.VIEW, object_type="authorisation_pipeline", object_id=clinic.pk,
        clinic=clinic, patient_ids=[*shown, *(task.application.patient_id for task in tasks)],
        role=Role.PRESCRIBER if is_prescriber else Role.CLINIC_ADMIN,
    )  # fmt: skip
    context = {
        "clinic": clinic,
        "groups": [
            (value, label, counts[value], lines[value])
            for value, label in State.choices
            if value in lines and counts[value]
        ],
        "state": state,
        "page": page,
        "query": f"state={state}",
        "turnaround": pipeline.turnaround([clinic]),
        "tasks": tasks,
        "tasks_count": count_upto(owed),
        "is_prescriber": is_prescriber,
        "today": today,
    }
    return render(request, "authorisations/pipeline.html", context)


# --- Starting one ----------------------------------------------------------------------------


@prescription_view(Role.PRESCRIBER)
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, prescription: Prescription, patient: Any, role: str) -> HttpResponse:
    routes = services.routes_for(patient)
    form = forms.NewApplicationForm(request.POST or None, routes=routes)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(
                prescription,
                form.cleaned_data["route"],
                _actor(request, role),
                timezone.localdate(),
            )
        except services.Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The application is started as a draft."))
            return redirect("authorisations:detail", application.pk)
    existing = services.open_application(prescription)
    context = {
        "form": form,
        "prescription": prescription,
        "patient": patient,
        "routes": routes,
        "existing": existing,
    }
    return render(request, "authorisations/new.html", context)


# --- One application -------------------------------------------------------------------------


def _detail_context(application: Any, role: str) -> dict[str, Any]:
    today = timezone.localdate()
    url = reverse("authorisations:detail", args=[application.pk])
    rows = checklist.rows(application)
    return {
        "a": application,
        "role": role,
        "is_prescriber": role == Role.PRESCRIBER,
        "patient": application.patient,
        "rows": rows
        if role == Role.PRESCRIBER
        else [r for r in rows if r.item.code not in checklist.CLINICAL_ITEMS],
        "missing": checklist.missing(application),
        "actions": [
            action
            for action in states.actions_from(application.state)
            if action.code != states.EXPIRE or application.valid_until < today
        ],
        "events": application.events.select_related("by"),
        "remaining": remaining(application, today),
        "runs_out": supply_runs_out_on(application),
        "tasks": application.report_tasks.all(),
        "renewals": application.renewals.all(),
        "renewable": application.state in services.RENEWABLE_STATES
        and services.current_renewal(application) is None,
        "reminders": Reminder.objects.open().filter(url=url),
        "pack_problems": pack.missing_for_pack(application),
        "fee": fee_text(application.route),
        "upload_form": forms.UploadForm(),
        "today": today,
    }


@application_view(*VIEW_ROLES)
@require_safe
def detail(request: HttpRequest, application: Any, role: str) -> HttpResponse:
    return render(request, "authorisations/detail.html", _detail_context(application, role))


@application_view(*PRESCRIBER_ONLY)
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, application: Any, role: str) -> HttpResponse:
    form = forms.ApplicationForm(request.POST or None, application=application)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(
                application, form.changes(), _actor(request, role), timezone.localdate()
            )
        except services.Invalid as invalid:
            _add_errors(form, invalid)
        except services.Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The application is saved."))
            return redirect("authorisations:detail", application.pk)
    return render(request, "authorisations/edit.html", {"a": application, "form": form})


def _add_errors(form: Any, invalid: services.Invalid) -> None:
    for name, problems in invalid.fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@application_view(*VIEW_ROLES)
@require_http_methods(["GET", "POST"])
def motivation(request: HttpRequest, application: Any, role: str) -> HttpResponse:
    if role != Role.PRESCRIBER:
        messages.error(request, _("Only the prescriber can write or change the motivation."))
        raise deny(request, f"authorisation_motivation:{application.pk}")
    form = forms.MotivationForm(
        request.POST or None, initial={"motivation": application.motivation}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_motivation(
                application, form.cleaned_data["motivation"], _actor(request, role)
            )
        except services.Invalid as invalid:
            _add_errors(form, invalid)
        except services.Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("The motivation is saved."))
            return redirect("authorisations:detail", application.pk)
    return render(request, "authorisations/motivation.html", {"a": application, "form": form})


@application_view(*PRESCRIBER_ONLY)
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, application: Any, role: str, action: str) -> HttpResponse:
    chosen = states.ACTIONS.get(action)
    if chosen is None:
        raise Http404("no such step")
    today = timezone.localdate()
    form = forms.StepForm(request.POST or None, action=chosen, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "note"}
        step_input = services.Step(note=form.cleaned_data.get("note", ""), **data)
        try:
            services.transition(application, action, step_input, _actor(request, role), today)
        except services.Invalid as invalid:
            _add_errors(form, invalid)
        except services.Refused as refused:
            messages.error(request, refused.message)
            return redirect("authorisations:detail", application.pk)
        else:
            messages.success(
                request, _("Recorded: %(state)s.") % {"state": application.get_state_display()}
            )
            return redirect("authorisations:detail", application.pk)
    elif application.state != chosen.source:
        messages.error(request, states.refusal(application.state, action))
        return redirect("authorisations:detail", application.pk)
    context = {"a": application, "form": form, "action": chosen}
    return render(request, "authorisations/step.html", context)


@application_view(*PRESCRIBER_ONLY)
@require_POST
def renew(request: HttpRequest, application: Any, role: str) -> HttpResponse:
    try:
        renewal = services.start_reauthorisation(
            application, _actor(request, role), timezone.localdate()
        )
    except (services.Refused, services.Invalid) as problem:
        messages.error(request, getattr(problem, "message", str(problem)))
        return redirect("authorisations:detail", application.pk)
    messages.success(request, _("The re-authorisation is started, filled in from this one."))
    return redirect("authorisations:detail", renewal.pk)


# --- Documents -------------------------------------------------------------------------------


@application_view(*VIEW_ROLES)
@require_POST
def document_add(request: HttpRequest, application: Any, role: str, code: str) -> HttpResponse:
    actor = _actor(request, role)
    form = forms.UploadForm(request.POST, request.FILES)
    try:
        if code == "hpcsa-certificate" and "from_record" in request.POST:
            services.use_record_certificate(application, actor)
        elif not form.is_valid():
            raise services.Invalid({"file": [_("Choose a file to upload.")]})
        else:
            upload = form.cleaned_data["file"]
            services.add_upload(application, code, upload, upload.name, upload.size, actor)
    except services.Refused as refused:
        if not services.may_handle(role, code):
            raise deny(request, f"authorisation_document:{application.pk}:{code}") from None
        messages.error(request, refused.message)
    except services.Invalid as invalid:
        messages.error(request, " ".join(m for ms in invalid.fields.values() for m in ms))
    else:
        messages.success(request, _("The document is added; check it to complete the item."))
    return redirect("authorisations:detail", application.pk)


@application_view(*PRESCRIBER_ONLY)
@require_POST
def document_generate(request: HttpRequest, application: Any, role: str, code: str) -> HttpResponse:
    try:
        services.generate_document(application, code, _actor(request, role))
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The document is generated."))
    return redirect("authorisations:detail", application.pk)


def _document(
    application: Any, document_id: int, role: str, request: HttpRequest
) -> ApplicationDocument:
    document = get_object_or_404(
        ApplicationDocument.objects.select_related("item"), pk=document_id, application=application
    )
    if role != Role.PRESCRIBER and document.item.code in checklist.CLINICAL_ITEMS:
        raise deny(request, f"authorisation_document:{document.pk}")
    return document


@application_view(*VIEW_ROLES)
@require_safe
def document(request: HttpRequest, application: Any, role: str, document_id: int) -> HttpResponse:
    found = _document(application, document_id, role, request)
    audit.record(
        request,
        AuditAction.VIEW,
        object_type="authorisation_document",
        object_id=found.pk,
        patient_id=application.patient_id,
        clinic=application.patient.clinic,
        role=role,
    )
    extension = found.file.name.rsplit(".", 1)[-1]
    return stored_file_response(found.file, found.content_type, f"{found.item.code}.{extension}")


@application_view(*VIEW_ROLES)
@require_POST
def document_check(
    request: HttpRequest, application: Any, role: str, document_id: int
) -> HttpResponse:
    found = _document(application, document_id, role, request)
    try:
        services.check_document(found, _actor(request, role))
    except services.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Marked as checked by you."))
    return redirect("authorisations:detail", application.pk)


@application_view(*PRESCRIBER_ONLY)
@require_safe
def pack_preview(request: HttpRequest, application: Any, role: str) -> HttpResponse:
    problems = pack.missing_for_pack(application)
    if problems:
        messages.error(request, " ".join(problems))
        return redirect("authorisations:detail", application.pk)
    return _pdf(pack.pack_pdf(application), pack.filename(application, "pack"))


@application_view(*PRESCRIBER_ONLY)
@require_safe
def consent_form(request: HttpRequest, application: Any, role: str) -> HttpResponse:
    return _pdf(pack.consent_pdf(application), pack.filename(application, "consent-form"))


# --- Report tasks ----------------------------------------------------------------------------


def _task(request: HttpRequest, task_id: int) -> tuple[ReportTask, str]:
    task = (
        ReportTask.objects.select_related("application__patient__clinic").filter(pk=task_id).first()
    )
    if task is None:
        raise Http404("no such report")
    return task, role_for(request, task.application, PRESCRIBER_ONLY)


@require_safe
def report_pdf(request: HttpRequest, task_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    task, role = _task(request, task_id)
    record_read(request, task.application.patient, role, "authorisation_report", task.pk)
    name = f"{task.application.route.slug}-{task.application.pk}-{task.kind}-{task.number}.pdf"
    return _pdf(pack.progress_report_pdf(task), name)


@require_POST
def report_submitted(request: HttpRequest, task_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    task, role = _task(request, task_id)
    if task.submitted_on is None:
        mark_submitted(task, timezone.localdate(), request.user)
        audit.record(
            request,
            AuditAction.UPDATE,
            object_type="authorisation_report",
            object_id=task.pk,
            patient_id=task.application.patient_id,
            clinic=task.application.patient.clinic,
            role=role,
        )
        messages.success(request, _("The report is recorded as sent to the regulator."))
    return redirect("authorisations:detail", task.application_id)


# --- The prescriber's and the importers' records ---------------------------------------------


@role_required(Role.PRESCRIBER)
@require_http_methods(["GET", "POST"])
def prescriber_record(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    current = PrescriberRecord.objects.filter(user=user).first()
    form = forms.PrescriberRecordForm(request.POST or None, request.FILES or None, instance=current)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.user, saved.updated_by = user, user
        saved.save()
        actor = services.Actor(user, Role.PRESCRIBER, request)
        audit.record(
            request,
            AuditAction.UPDATE,
            object_type="prescriber_record",
            object_id=saved.pk,
            role=Role.PRESCRIBER,
        )
        upload = form.cleaned_data.get("certificate")
        try:
            if upload:
                services.store_certificate(saved, upload, upload.name, upload.size, actor)
        except services.Invalid as invalid:
            _add_errors(form, invalid)
        else:
            messages.success(request, _("Your prescriber record is saved."))
            return redirect("authorisations:prescriber_record")
    return render(
        request, "authorisations/prescriber_record.html", {"form": form, "record": current}
    )


@role_required(Role.PRESCRIBER)
@require_safe
def certificate(request: HttpRequest) -> HttpResponse:
    current = PrescriberRecord.objects.filter(user=request.user).first()
    if current is None or not current.hpcsa_certificate:
        raise Http404("no certificate")
    audit.record(
        request,
        AuditAction.VIEW,
        object_type="prescriber_record",
        object_id=current.pk,
        role=Role.PRESCRIBER,
    )
    return stored_file_response(
        current.hpcsa_certificate, current.certificate_content_type, "hpcsa"
    )


IMPORTER_ROLES = (Role.PRESCRIBER, Role.PHARMACIST)


@role_required(*IMPORTER_ROLES)
@require_http_methods(["GET", "POST"])
def importers(request: HttpRequest) -> HttpResponse:
    form = forms.ImporterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit.record(request, AuditAction.CREATE, object_type="importer", object_id=saved.pk)
        messages.success(request, _("The importer is added."))
        return redirect("authorisations:importers")
    listed = Importer.objects.select_related("pharmacy")
    return render(request, "authorisations/importers.html", {"form": form, "importers": listed})


@role_required(*IMPORTER_ROLES)
@require_http_methods(["GET", "POST"])
def importer_edit(request: HttpRequest, importer_id: int) -> HttpResponse:
    importer = get_object_or_404(Importer, pk=importer_id)
    own_pharmacy = importer.pharmacy is not None and has_role(
        request.user, [Role.PHARMACIST], importer.pharmacy
    )
    if not (own_pharmacy or has_role(request.user, [Role.PRESCRIBER])):
        raise deny(request, f"importer:{importer.pk}")
    form = forms.ImporterForm(request.POST or None, instance=importer)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(request, AuditAction.UPDATE, object_type="importer", object_id=importer.pk)
        messages.success(request, _("The importer is saved."))
        return redirect("authorisations:importers")
    return render(
        request, "authorisations/importer_edit.html", {"form": form, "importer": importer}
    )
