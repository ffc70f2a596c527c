"""Opening an adverse event: the patient's clinic decides, as in :mod:`patients.access`.

Prescribers of the patient's clinic see and change events; the patient sees and reports
only their own (a patient opening another patient's record finds nothing there, 404).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from repigment.accounts.permissions import roles_in
from repigment.patients.access import (
    CLINICAL_ROLES,
    PATIENT_ROLE,
    patient_for,
    record_read,
    role_for,
)
from repigment.patients.models import Patient
from repigment.safety.models import AdverseEvent

View = TypeVar("View", bound=Callable[..., HttpResponse])


def _is_own(request: HttpRequest, patient: Patient) -> bool:
    """The signed-in user is this patient and holds no clinical role at their clinic."""
    user = request.user
    if patient.user_id is None or patient.user_id != user.pk:
        return False
    return not set(CLINICAL_ROLES) & roles_in(user, patient.clinic)  # type: ignore[arg-type]


def patient_or_self(request: HttpRequest, patient_id: int) -> tuple[Patient, str]:
    """The patient for a prescriber of their clinic, or for the patient themself."""
    own = Patient.objects.select_related("clinic").filter(pk=patient_id).first()
    if own is not None and _is_own(request, own):
        return own, PATIENT_ROLE
    return patient_for(request, patient_id, CLINICAL_ROLES)


def event_for(
    request: HttpRequest, event_id: int, *, patient_may: bool = False
) -> tuple[AdverseEvent, str]:
    """The event for a prescriber of the patient's clinic (or its patient, if ``patient_may``)."""
    event = (
        AdverseEvent.objects.select_related("patient__clinic", "reported_by", "reviewed_by")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise Http404("no such adverse event")
    if patient_may and _is_own(request, event.patient):
        return event, PATIENT_ROLE
    return event, role_for(request, event.patient, CLINICAL_ROLES)


def event_view(view: View) -> View:
    """The view takes ``event_id`` and receives ``event`` and ``role``; a GET is audited."""

    @wraps(view)
    def wrapped(request: HttpRequest, event_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        event, role = event_for(request, event_id)
        if request.method in ("GET", "HEAD"):
            record_read(request, event.patient, role, "adverse_event", event.pk)
        return view(request, *args, event=event, role=role, **kwargs)

    return wrapped  # type: ignore[return-value]
