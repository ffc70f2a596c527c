"""API endpoints for the signed-in user, their clinics and the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from repigment.accounts import audit, trail
from repigment.accounts.models import AuditAction, Clinic, Membership, Role
from repigment.accounts.permissions import deny, has_role, user_clinics
from repigment.core.errors import ApiError

router = Router(tags=["accounts"])


class MembershipOut(Schema):
    clinic_id: int
    clinic: str = Field(alias="clinic.name")
    role: str


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    memberships: list[MembershipOut]


class ClinicOut(Schema):
    id: int
    name: str
    kind: str
    city: str
    country: str


class AuditEntryOut(Schema):
    id: int
    time: datetime
    actor_email: str
    role: str
    clinic_id: int | None
    action: str
    object_type: str
    object_id: str
    also: list[list[str]] = Field(description="The request's other actions: action, type, id.")
    patient_count: int = Field(description="How many patients the entry names.")
    patient_ids: list[int] = Field(description=f"The first {trail.SHOWN_PATIENTS}, in order.")
    path: str
    request_id: str
    hash: str


class AuditPageOut(Schema):
    items: list[AuditEntryOut]
    next: str | None = Field(
        description="Pass as `before` for the next (older) page; null on the last page."
    )


class AuditFilter(Schema):
    user: str | None = Field(None, max_length=254)
    patient: int | None = Field(None, ge=1, le=2**63 - 1)
    action: str | None = Field(None, max_length=30)
    date_from: date | None = None
    date_to: date | None = None
    before: str | None = Field(None, max_length=60, description="`next` of the previous page.")
    limit: int = Field(trail.PAGE_SIZE, ge=1, le=200)


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    memberships = Membership.objects.filter(user=user).select_related("clinic")
    return {"id": user.pk, "email": user.email, "full_name": user.full_name,  # type: ignore[union-attr]
            "memberships": list(memberships)}  # fmt: skip


@router.get("/clinics", response=list[ClinicOut])
def clinics(request: HttpRequest) -> list[Clinic]:
    return list(user_clinics(request.user))  # type: ignore[arg-type]


@router.get("/audit-entries", response=AuditPageOut)
def audit_entries(request: HttpRequest, filters: Query[AuditFilter]) -> dict[str, Any]:
    """The audit trail, newest first, a page at a time (keyset: follow `next`)."""
    if not has_role(request.user, [Role.AUDITOR]):
        raise deny(request, "audit-api")
    try:
        before = trail.Cursor.parse(filters.before) if filters.before else None
    except ValueError:
        raise ApiError(422, "invalid", "Invalid input.", {"before": ["Not a page link."]}) from None
    scope = trail.visible(request.user)  # type: ignore[arg-type]
    rows, older = trail.page(scope, filters.dict(), before, filters.limit)
    audit.record(request, AuditAction.VIEW, object_type="audit_trail", role=Role.AUDITOR,
                 patient_ids=trail.shown_patient_ids(rows))  # fmt: skip
    items = [
        {**{name: getattr(row, name) for name in _ENTRY_FIELDS}, "clinic_id": row.clinic_id,
         "patient_count": row.patient_count or 0,  # type: ignore[attr-defined]
         "patient_ids": [named.patient_id for named in row.shown_patients]}  # type: ignore[attr-defined]
        for row in rows
    ]  # fmt: skip
    return {"items": items, "next": older.token() if older else None}


_ENTRY_FIELDS = (
    "id", "time", "actor_email", "role", "action", "object_type", "object_id", "also", "path",
    "request_id", "hash",
)  # fmt: skip
