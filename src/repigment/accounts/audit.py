"""The one way to write the audit trail."""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest

from repigment.accounts.models import AuditEntry, Clinic, User


def client_address(request: HttpRequest | None) -> str | None:
    """The peer address Django saw; forwarded headers are not trusted here."""
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def record(
    request: HttpRequest | None,
    action: str,
    *,
    object_type: str = "",
    object_id: object = "",
    patient_id: int | None = None,
    clinic: Clinic | None = None,
    role: str = "",
    actor: User | None = None,
) -> AuditEntry:
    """Append one audit entry for the current request (or a background job when None)."""
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if isinstance(user, User) else None
    return AuditEntry.objects.create(
        actor=actor,
        actor_email=actor.email if actor else "",
        role=role,
        clinic=clinic,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        patient_id=patient_id,
        path=request.path[:300] if request is not None else "",
        client_address=client_address(request),
        request_id=getattr(request, "request_id", "") if request is not None else "",
    )
