"""Who may open an authorisation application, for pages and the API alike.

- Prescribers of the patient's clinic: everything, and every step of the application.
- Pharmacists of an import pharmacy that serves the patient's clinic: the application's
  terms (state, numbers, validity, quantity, importer) and the product documents, which
  they may add and check; never the clinical content (section C, motivation, consent).
- Other roles of the patient's clinic are refused (403); anyone else finds nothing (404).
Both refusals are audited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, Role, User
from repigment.accounts.permissions import deny, roles_in, user_clinics
from repigment.authorisations.models import AuthorisationApplication

View = TypeVar("View", bound=Callable[..., HttpResponse])

OBJECT_TYPE = "authorisation_application"
#: Who may open an application at all; the prescriber alone changes its content and state.
VIEW_ROLES: tuple[str, ...] = (Role.PRESCRIBER, Role.PHARMACIST)
PRESCRIBER_ONLY: tuple[str, ...] = (Role.PRESCRIBER,)


def served_by_pharmacist(user: User, clinic: Clinic) -> bool:
    """Does the user hold the pharmacist role in a pharmacy that serves ``clinic``?"""
    pharmacies = user_clinics(user, [Role.PHARMACIST])
    return clinic.pharmacies.filter(pk__in=pharmacies).exists()


def roles_for(user: object, clinic: Clinic) -> set[str]:
    """The roles under which the user meets applications of patients of ``clinic``."""
    if not isinstance(user, User):
        return set()
    held = roles_in(user, clinic)
    if served_by_pharmacist(user, clinic):
        held.add(Role.PHARMACIST)
    return held


def role_for(
    request: HttpRequest, application: AuthorisationApplication, roles: Iterable[str]
) -> str:
    """The role under which the user may open ``application``, or an audited 404 / 403."""
    clinic = application.patient.clinic
    held = roles_for(request.user, clinic)
    if not held:
        audit.record(
            request,
            AuditAction.ACCESS_DENIED,
            object_type=OBJECT_TYPE,
            object_id=application.pk,
            patient_id=application.patient_id,
            clinic=clinic,
        )
        raise Http404("no such application")
    role = next((role for role in roles if role in held), None)
    if role is None:
        raise deny(request, f"{OBJECT_TYPE}:{application.pk}")
    return role


def find(pk: int) -> AuthorisationApplication | None:
    return (
        AuthorisationApplication.objects.select_related(
            "patient__clinic",
            "prescription__product",
            "product",
            "route__country",
            "prescriber__user",
            "importer",
            "renews",
        )
        .filter(pk=pk)
        .first()
    )


def application_for(
    request: HttpRequest, pk: int, roles: Iterable[str]
) -> tuple[AuthorisationApplication, str]:
    application = find(pk)
    if application is None:
        raise Http404("no such application")
    return application, role_for(request, application, roles)


def record_read(request: HttpRequest, application: AuthorisationApplication, role: str) -> None:
    audit.record(
        request,
        AuditAction.VIEW,
        object_type=OBJECT_TYPE,
        object_id=application.pk,
        patient_id=application.patient_id,
        clinic=application.patient.clinic,
        role=role,
    )


def application_view(*roles: str) -> Callable[[View], View]:
    """The view takes ``application_id``; receives ``application`` and ``role``; GETs audited."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(
            request: HttpRequest, application_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            application, role = application_for(request, application_id, roles)
            if request.method in ("GET", "HEAD"):
                record_read(request, application, role)
            return view(request, *args, application=application, role=role, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def visible_applications(user: User) -> QuerySet[AuthorisationApplication]:
    """Applications of the prescriber's clinics and of the clinics the pharmacist serves."""
    prescribing = user_clinics(user, [Role.PRESCRIBER])
    pharmacies = user_clinics(user, [Role.PHARMACIST])
    served = Clinic.objects.filter(pharmacies__in=pharmacies)
    return AuthorisationApplication.objects.filter(
        Q(patient__clinic__in=prescribing) | Q(patient__clinic__in=served)
    ).distinct()
