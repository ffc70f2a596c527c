"""``{% supply_panel clinics %}`` for the pharmacist's dashboard panel and ``{% supply_alerts
clinics %}`` for the prescriber's: suspected falsified packs at the pharmacies supplying them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from repigment.accounts.models import Clinic
from repigment.supply import orders
from repigment.supply.models import BatchRelease, Incident, UnapprovedBatch

register = template.Library()


@register.inclusion_tag("supply/_dashboard.html")
def supply_panel(clinics: Iterable[Clinic]) -> dict[str, Any]:
    pharmacies = [c for c in clinics if c.kind == Clinic.Kind.PHARMACY]
    counts = orders.stock_counts(pharmacies)
    alerts = orders.open_alerts(pharmacies)
    return {
        "to_receive": orders.orders_to_receive(pharmacies),
        "available": counts.get("available", 0),
        "quarantined": counts.get("quarantined", 0),
        "alerts": list(alerts.select_related("pharmacy")[:5]),
        "alert_count": alerts.count(),
        "awaiting_release": list(
            UnapprovedBatch.objects.filter(pharmacy__in=pharmacies)
            .exclude(pk__in=BatchRelease.objects.values("batch_id"))
            .select_related("lot")[:5]
        ),
    }


@register.inclusion_tag("supply/_clinic_alerts.html")
def supply_alerts(clinics: Iterable[Clinic]) -> dict[str, Any]:
    supplying = Clinic.objects.filter(served_clinics__in=list(clinics)).distinct()
    found = Incident.objects.filter(
        pharmacy__in=supplying, kind=Incident.Kind.SUSPECTED_FALSIFIED
    ).select_related("pharmacy")
    return {"clone_alerts": list(found[:5])}
