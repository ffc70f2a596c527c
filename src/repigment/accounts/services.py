"""Queries and changes that span several account models."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

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


class MembershipRefused(Exception):
    """A change of roles the rules do not allow; the message says why."""


def last_admin_message(clinic: Clinic) -> str:
    return _(
        "%(clinic)s would be left without an administrator: give another active member of "
        "staff the administrator role first."
    ) % {"clinic": clinic.name}


def admins_left(clinic_id: int, without: Iterable[int]) -> bool:
    """True when the clinic keeps an active administrator once ``without`` (membership ids)
    are gone."""
    found = Membership.objects.filter(
        clinic_id=clinic_id, role=Role.CLINIC_ADMIN, user__is_active=True
    ).exclude(pk__in=list(without))
    return found.exists()


def removal_refused(membership: Membership, by: User) -> str | None:
    """Why this role may not be removed by ``by``, or None when it may: nobody removes their
    own administrator role, and a clinic always keeps an active administrator."""
    if membership.role != Role.CLINIC_ADMIN:
        return None
    if membership.user_id == by.pk:
        return _(
            "You cannot remove your own administrator role: another administrator of this "
            "clinic must do it."
        )
    if not admins_left(membership.clinic_id, [membership.pk]):
        return last_admin_message(membership.clinic)
    return None


def remove_membership(membership: Membership, by: User) -> None:
    """Remove a role, or raise ``MembershipRefused``. The clinic's row is locked first, so two
    administrators removing each other at the same moment cannot both succeed."""
    with transaction.atomic():
        Clinic.objects.select_for_update().filter(pk=membership.clinic_id).exists()
        reason = removal_refused(membership, by)
        if reason is not None:
            raise MembershipRefused(reason)
        membership.delete()
