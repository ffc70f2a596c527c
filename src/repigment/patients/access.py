"""Who may open a patient's record, for pages and the API alike.

- Prescribers of the patient's clinic: everything clinical.
- Clinic administrators of that clinic: registration, contact details and consents; no
  diagnosis, scores, photos or notes (unless they are also a prescriber there).
- The patient (a user linked to the record): only their own portal.
- Everyone else: a patient outside your clinics does not exist for you (404); a patient of
  your clinic that your role may not open is refused (403). Both refusals are audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, Role, User
from repigment.accounts.permissions import deny, roles_in, user_clinics
from repigment.patients.models import Patient

View = TypeVar("View", bound=Callable[..., HttpResponse])

#: Registration, contact details and consents.
RECORD_ROLES: tuple[str, ...] = (Role.PRESCRIBER, Role.CLINIC_ADMIN)
#: Diagnosis, visits, scores, photos and clinical notes.
CLINICAL_ROLES: tuple[str, ...] = (Role.PRESCRIBER,)
#: The role written in audit entries for a patient reading their own record.
PATIENT_ROLE = "patient"


def visible_patients(user: User, roles: Iterable[str] = RECORD_ROLES) -> QuerySet[Patient]:
    """Patients of the clinics where the user holds one of ``roles``."""
    return Patient.objects.filter(clinic__in=user_clinics(user, roles)).select_related("clinic")


def role_for(request: HttpRequest, patient: Patient, roles: Iterable[str]) -> str:
    """The role under which the user may open this patient, or an audited 404 / 403."""
    held = _held(request.user, patient.clinic)
    if not held:
        audit.record(
            request, AuditAction.ACCESS_DENIED, object_type="patient", object_id=patient.pk,
            patient_id=patient.pk, clinic=patient.clinic,
        )  # fmt: skip
        raise Http404("no such patient")
    role = next((role for role in roles if role in held), None)
    if role is None:
        raise deny(request, f"patient:{patient.pk}")
    return role


def patient_for(request: HttpRequest, patient_id: int, roles: Iterable[str]) -> tuple[Patient, str]:
    patient = Patient.objects.select_related("clinic").filter(pk=patient_id).first()
    if patient is None:
        raise Http404("no such patient")
    return patient, role_for(request, patient, roles)


def own_record(user: object) -> Patient | None:
    """The patient record linked to a signed-in patient (their only record), else None."""
    if not isinstance(user, User):
        return None
    return Patient.objects.select_related("clinic").filter(user=user).first()


def clinic_role(user: object, clinic: Clinic, roles: Iterable[str]) -> str | None:
    """The first of ``roles`` the user holds in ``clinic``, or None."""
    held = _held(user, clinic)
    return next((role for role in roles if role in held), None)


def _held(user: object, clinic: Clinic) -> set[str]:
    return roles_in(user, clinic) if isinstance(user, User) else set()


def acting_user(request: HttpRequest) -> User:
    """The signed-in user behind a request that already passed authentication."""
    assert isinstance(request.user, User)
    return request.user


def record_read(
    request: HttpRequest,
    patient: Patient,
    role: str,
    object_type: str = "patient",
    object_id: object = None,
) -> None:
    audit.record(
        request,
        AuditAction.VIEW,
        object_type=object_type,
        object_id=patient.pk if object_id is None else object_id,
        patient_id=patient.pk,
        clinic=patient.clinic,
        role=role,
    )


def record_listed(
    request: HttpRequest,
    patients: Iterable[Patient],
    object_type: str = "patient_list",
    role: str | None = None,
) -> None:
    """One entry for a list or search, naming every patient it showed (none: nothing to name).

    ``role`` is the reader's role; by default their record role in the patients' clinic.
    """
    shown = list(patients)
    if not shown:
        return
    one_each = {patient.clinic_id: patient for patient in shown}
    only = next(iter(one_each.values())).clinic if len(one_each) == 1 else None
    if role is None:
        role = clinic_role(request.user, only, RECORD_ROLES) or "" if only else ""
    audit.record(
        request,
        AuditAction.VIEW,
        object_type=object_type,
        patient_ids=[patient.pk for patient in shown],
        clinic=only,
        role=role,
    )


def patient_view(*roles: str) -> Callable[[View], View]:
    """The view takes ``patient_id`` and receives ``patient`` and ``role``; a GET is audited."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(
            request: HttpRequest, patient_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            patient, role = patient_for(request, patient_id, roles)
            if request.method in ("GET", "HEAD"):
                record_read(request, patient, role)
            return view(request, *args, patient=patient, role=role, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
