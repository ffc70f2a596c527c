"""API endpoints for the signed-in user, their clinics and the audit trail."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from repigment.accounts import services
from repigment.accounts.models import AuditEntry, Clinic, Membership, Role
from repigment.accounts.permissions import deny, has_role, user_clinics

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
    time: datetime
    actor_email: str
    role: str
    clinic_id: int | None
    action: str
    object_type: str
    object_id: str
    patient_id: int | None
    request_id: str


class AuditFilter(Schema):
    user: str | None = None
    patient: int | None = Field(None, ge=1)
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    user = request.user
    memberships = Membership.objects.filter(user=user).select_related("clinic")
    return {"id": user.pk, "email": user.email, "full_name": user.full_name,  # type: ignore[union-attr]
            "memberships": list(memberships)}  # fmt: skip


@router.get("/clinics", response=list[ClinicOut])
def clinics(request: HttpRequest) -> list[Clinic]:
    return list(user_clinics(request.user))  # type: ignore[arg-type]


@router.get("/audit-entries", response=list[AuditEntryOut])
def audit_entries(request: HttpRequest, filters: Query[AuditFilter]) -> list[AuditEntry]:
    if not has_role(request.user, [Role.AUDITOR]):
        raise deny(request, "audit-api")
    entries = services.visible_audit_entries(request.user)  # type: ignore[arg-type]
    entries = services.filter_audit_entries(entries, filters.dict())
    return list(entries[:500])
