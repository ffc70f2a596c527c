"""Clinic switcher data and the menu (``accounts.menu``) for the base layout."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from repigment.accounts.menu import staff_links
from repigment.accounts.permissions import user_clinics


def clinic_context(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    active = getattr(request, "active_clinic", None)
    return {
        "my_clinics": list(user_clinics(user)),  # type: ignore[arg-type]
        "active_clinic": active,
        "menu": staff_links(user, active),  # type: ignore[arg-type]
    }
