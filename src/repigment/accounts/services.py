"""Queries and changes that span several account models."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from repigment.accounts.models import AuditEntry, Clinic, Membership, Role, User
from repigment.accounts.permissions import user_clinics


def visible_audit_entries(auditor: User, only: Clinic | None = None) -> QuerySet[AuditEntry]:
    """Entries an auditor may read: their clinics' actions, their members' own
    log-in events, and log-in failures that matched no account.

    ``only`` narrows to one of those clinics (the clinic switcher's choice).
    """
    clinics = user_clinics(auditor, [Role.AUDITOR])
    if only is not None:
        clinics = clinics.filter(pk=only.pk)
    members = Membership.objects.filter(clinic__in=clinics).values("user_id")
    return AuditEntry.objects.filter(
        Q(clinic__in=clinics)
        | Q(clinic__isnull=True, actor__in=members)
        | Q(clinic__isnull=True, actor__isnull=True)
    ).select_related("clinic")


def filter_audit_entries(
    entries: QuerySet[AuditEntry], data: dict[str, Any]
) -> QuerySet[AuditEntry]:
    if data.get("user"):
        entries = entries.filter(actor_email__icontains=data["user"])
    if data.get("patient"):
        entries = entries.filter(patient_id=data["patient"])
    if data.get("action"):
        entries = entries.filter(action=data["action"])
    if data.get("date_from"):
        entries = entries.filter(time__date__gte=data["date_from"])
    if data.get("date_to"):
        entries = entries.filter(time__date__lte=data["date_to"])
    return entries


AUDIT_CSV_COLUMNS = (
    "time", "actor_email", "role", "clinic", "action", "object_type", "object_id",
    "patient_id", "path", "client_address", "request_id",
)  # fmt: skip


def audit_csv(entries: Iterable[AuditEntry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                entry.time.isoformat(),
                entry.actor_email,
                entry.role,
                entry.clinic.name if entry.clinic else "",
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.patient_id or "",
                entry.path,
                entry.client_address or "",
                entry.request_id,
            ]
        )
    return buffer.getvalue()


def dashboard_panels(user: User, only: Clinic | None = None) -> list[dict[str, Any]]:
    """One panel per role the user holds, with the clinics where they hold it."""
    by_role: dict[str, list[Clinic]] = {}
    memberships = Membership.objects.filter(user=user).select_related("clinic")
    if only is not None:
        memberships = memberships.filter(clinic=only)
    for membership in memberships:
        by_role.setdefault(membership.role, []).append(membership.clinic)
    return [
        {"role": role, "label": Role(role).label, "clinics": clinics}
        for role, clinics in sorted(by_role.items(), key=lambda item: Role.values.index(item[0]))
    ]
