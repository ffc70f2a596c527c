"""Opening a visit or a photo: the patient's clinic decides, as in :mod:`patients.access`.

A photo may also be opened by the patient it shows. While the photo consent is withdrawn,
staff no longer see the photos (they are kept in the record); the patient still sees their own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from repigment.accounts.permissions import deny
from repigment.assessments.models import Photo, Visit
from repigment.patients.access import PATIENT_ROLE, record_read, role_for
from repigment.patients.models import ConsentPurpose
from repigment.patients.services import has_consent

View = TypeVar("View", bound=Callable[..., HttpResponse])


def visit_for(request: HttpRequest, visit_id: int, roles: tuple[str, ...]) -> tuple[Visit, str]:
    visit = Visit.objects.select_related("patient__clinic", "assessor").filter(pk=visit_id).first()
    if visit is None:
        raise Http404("no such visit")
    return visit, role_for(request, visit.patient, roles)


def visit_view(*roles: str) -> Callable[[View], View]:
    """The view takes ``visit_id`` and receives ``visit``, ``patient`` and ``role``."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, visit_id: int, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            visit, role = visit_for(request, visit_id, roles)
            if request.method in ("GET", "HEAD"):
                record_read(request, visit.patient, role, "visit", visit.pk)
            return view(request, *args, visit=visit, patient=visit.patient, role=role, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def photo_for(request: HttpRequest, photo_id: int, roles: tuple[str, ...]) -> tuple[Photo, str]:
    """The photo for a member of the patient's clinic in ``roles``, or for the patient."""
    photo = Photo.objects.select_related("visit__patient__clinic").filter(pk=photo_id).first()
    if photo is None:
        raise Http404("no such photo")
    patient = photo.visit.patient
    if patient.user_id is not None and patient.user_id == request.user.pk:
        return photo, PATIENT_ROLE
    role = role_for(request, patient, roles)
    if not has_consent(patient, ConsentPurpose.PHOTOS):
        raise deny(request, f"photo-consent:{patient.pk}")
    return photo, role
