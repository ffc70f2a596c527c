"""Queries and changes that span several account models."""

from __future__ import annotations

from typing import Any

from repigment.accounts.models import Clinic, Membership, Role, User


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
