"""Links in the site header: the patient list for clinic staff, the portal for a patient."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from repigment.accounts.permissions import has_role
from repigment.patients.access import RECORD_ROLES
from repigment.patients.models import Patient


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_patients": has_role(user, RECORD_ROLES),
        "nav_portal": Patient.objects.filter(user_id=user.pk).exists(),
    }
