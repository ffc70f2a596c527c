"""``{% supply_panel clinics %}``, the pharmacist's work queue on the dashboard (the prescriber's
queue lists the suspected falsified packs at the pharmacies supplying them itself)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, Role
from repigment.core.worklist import non_empty
from repigment.supply import worklist

register = template.Library()


@register.inclusion_tag("supply/_dashboard.html", takes_context=True)
def supply_panel(context: dict[str, Any], clinics: Iterable[Clinic]) -> dict[str, Any]:
    """The pharmacist's work queue; reading the patients it names is one audit entry."""
    pharmacies = [c for c in clinics if c.kind == Clinic.Kind.PHARMACY]
    groups, named = worklist.pharmacist_groups(pharmacies, timezone.localdate())
    if named:
        audit.record(context["request"], AuditAction.VIEW, object_type="dashboard",
                     role=Role.PHARMACIST, patient_ids=named)  # fmt: skip
    return {"groups": non_empty(groups), "role": Role.PHARMACIST}
