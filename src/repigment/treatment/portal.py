"""The patient's own application diary, phone first: today or yesterday in a few taps.

The patient is always the one linked to the signed-in account (never taken from the URL),
so nobody can write in another patient's diary. The page carries the language in its URL.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from repigment.clinical.references import get_reference
from repigment.patients.access import PATIENT_ROLE, record_read
from repigment.patients.models import Patient
from repigment.patients.services import ConsentRequired
from repigment.treatment import pricing, services
from repigment.treatment.adherence import weekly_adherence
from repigment.treatment.forms import DiaryForm, quick_days
from repigment.treatment.models import DiaryEntry

RECENT_DAYS = 14
#: The sources of the use reminders on the diary page.
USE_REFERENCES = ("rxreasoner-eu-smpc", "scholarsinmedicine-opzelura-pi", "emc-uk-pil")


def _chosen_day(request: HttpRequest) -> date:
    raw = request.GET.get("day", "")
    try:
        chosen = date.fromisoformat(raw) if raw else services.today()
    except ValueError:
        return services.today()
    return min(chosen, services.today())


def _initial(patient: Patient, day: date) -> dict[str, object]:
    entry = DiaryEntry.objects.filter(patient=patient, day=day).first()
    if entry is None:
        return {"day": day}
    fields = ("morning", "evening", "tube_changed", "skipped", "skip_reason", "note")
    return {"day": day, **{name: getattr(entry, name) for name in fields}}


@require_http_methods(["GET", "POST"])
def diary(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    patient = Patient.objects.select_related("clinic").filter(user_id=request.user.pk).first()
    if patient is None:
        return redirect("accounts:dashboard")
    day = _chosen_day(request)
    form = DiaryForm(request.POST or None, initial=_initial(patient, day))
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.record_diary(
                patient, form.to_input(), request=request, actor=request.user, role=PATIENT_ROLE
            )  # type: ignore[arg-type]
        except services.Invalid as invalid:
            form.show(invalid.fields)
        except ConsentRequired as missing:
            form.add_error(None, str(missing))
        else:
            messages.success(request, _("Saved for %(day)s. Thank you!") % {"day": entry.day})
            return redirect(reverse("diary:home") + f"?day={entry.day.isoformat()}")
    record_read(request, patient, PATIENT_ROLE, "portal_diary")
    weeks = weekly_adherence(patient)
    context = {
        "patient": patient,
        "form": form,
        "day": day,
        "quick_days": quick_days(),
        "recent": patient.diary_entries.all()[:RECENT_DAYS],
        "this_week": weeks[-1] if weeks else None,
        "started": services.diary_start(patient),
        "use_references": [get_reference(ref_id) for ref_id in USE_REFERENCES],
    }
    return render(request, "treatment/portal/diary.html", context)


@require_http_methods(["GET"])
def cost(request: HttpRequest) -> HttpResponse:
    """What the patient's current course may cost, in plain words, at the clinic's sourced price."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    patient = Patient.objects.select_related("clinic").filter(user_id=request.user.pk).first()
    if patient is None:
        return redirect("accounts:dashboard")
    record_read(request, patient, PATIENT_ROLE, "portal_cost")
    courses = [p for p in services.current_courses(patient) if p.tube_grams and p.tubes]
    rows = [(course, pricing.cost_of(course)) for course in courses]
    return render(request, "treatment/portal/cost.html", {"patient": patient, "rows": rows})
