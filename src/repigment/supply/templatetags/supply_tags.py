"""``{% supply_panel clinics %}``, the pharmacist's work queue on the dashboard, and
``{% supply_alerts clinics %}`` for the prescriber's: suspected falsified packs at the
pharmacies supplying them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, Clinic, Role
from repigment.core.worklist import non_empty
from repigment.supply import worklist
from repigment.supply.models import Incident

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


@register.inclusion_tag("supply/_clinic_alerts.html")
def supply_alerts(clinics: Iterable[Clinic]) -> dict[str, Any]:
    supplying = Clinic.objects.filter(served_clinics__in=list(clinics)).distinct()
    found = Incident.objects.filter(
        pharmacy__in=supplying, kind=Incident.Kind.SUSPECTED_FALSIFIED
    ).select_related("pharmacy")
    return {"clone_alerts": list(found[:5])}
