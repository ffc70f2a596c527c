"""Request id for audit correlation and the active clinic chosen in the switcher."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from repigment.accounts.models import Clinic
from repigment.accounts.permissions import user_clinics

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,36}$")
ACTIVE_CLINIC_KEY = "active_clinic_id"


def active_clinic(request: HttpRequest) -> Clinic | None:
    """The clinic chosen in the switcher, or None for all of the user's clinics."""
    return getattr(request, "active_clinic", None)


class RequestIdMiddleware:
    """Give every request an id (kept from a well-formed X-Request-ID) and echo it back."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else str(uuid.uuid4())  # type: ignore[attr-defined]
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id  # type: ignore[attr-defined]
        return response


class ActiveClinicMiddleware:
    """Resolve the clinic picked in the switcher; None means all of the user's clinics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.active_clinic = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            wanted = request.session.get(ACTIVE_CLINIC_KEY)
            if wanted is not None:
                request.active_clinic = user_clinics(request.user).filter(pk=wanted).first()  # type: ignore[arg-type,attr-defined]
        return self.get_response(request)
