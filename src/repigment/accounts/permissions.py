"""Who may do what: one permission check for views and the API.

A person may hold several roles in several clinics; every check asks
"does this user hold one of these roles in this clinic" and grants the
union of their memberships, never more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from repigment.accounts.models import AuditAction, Clinic, Membership, Role, User

View = TypeVar("View", bound=Callable[..., HttpResponse])


def user_clinics(user: User, roles: Iterable[str] | None = None) -> QuerySet[Clinic]:
    """Clinics where the user holds any (or one of the given) roles."""
    memberships = Membership.objects.filter(user=user)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return Clinic.objects.filter(pk__in=memberships.values("clinic_id"))


def roles_in(user: User, clinic: Clinic) -> set[str]:
    return set(Membership.objects.filter(user=user, clinic=clinic).values_list("role", flat=True))


def user_roles(user: User) -> set[str]:
    """Every role the user holds in any clinic."""
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def has_role(user: Any, roles: Iterable[str], clinic: Clinic | None = None) -> bool:
    """True when the user holds one of ``roles`` (in ``clinic`` when given)."""
    if not getattr(user, "is_authenticated", False):
        return False
    memberships = Membership.objects.filter(user=user, role__in=list(roles))
    if clinic is not None:
        memberships = memberships.filter(clinic=clinic)
    return memberships.exists()


def deny(request: HttpRequest, reason: str = "") -> PermissionDenied:
    """Audit a refused access and return the exception to raise."""
    from repigment.accounts import audit

    audit.record(request, AuditAction.ACCESS_DENIED, object_type="url", object_id=reason)
    return PermissionDenied(reason)


def role_required(*roles: str) -> Callable[[View], View]:
    """The user must hold one of ``roles`` in at least one clinic."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, roles):
                raise deny(request, "role")
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def staff_required(view: View) -> View:
    """Site administrators only (``is_staff``): they keep the site's content, not patients'."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (request.user.is_active and request.user.is_staff):
            raise deny(request, "staff")
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def clinic_member_required(*roles: str) -> Callable[[View], View]:
    """The view takes ``clinic_id``; the user must hold one of ``roles`` there.

    With no roles, any membership of the clinic will do. The clinic is passed
    to the view as ``clinic`` in place of ``clinic_id``.
    """
    wanted = roles or tuple(Role.values)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(
            request: HttpRequest, clinic_id: int, *args: Any, **kwargs: Any
        ) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            clinic = get_object_or_404(Clinic, pk=clinic_id)
            if not has_role(request.user, wanted, clinic):
                raise deny(request, f"clinic:{clinic.pk}")
            return view(request, *args, clinic=clinic, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator
