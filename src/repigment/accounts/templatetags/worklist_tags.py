"""``{% worklist role clinics %}``: a staff role's work queue on the dashboard, its groups
named in ``settings.WORKLISTS`` (the pharmacist's comes from ``supply_tags``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from repigment.accounts.models import Clinic
from repigment.accounts.worklist import groups_for
from repigment.core.worklist import non_empty

register = template.Library()


@register.inclusion_tag("core/_worklist.html", takes_context=True)
def worklist(
    context: dict[str, Any], role: str, clinics: Iterable[Clinic], empty: str
) -> dict[str, Any]:
    user = context["request"].user
    groups = groups_for(role, user, list(clinics), timezone.localdate())
    return {"groups": non_empty(groups), "role": role, "empty": empty}
