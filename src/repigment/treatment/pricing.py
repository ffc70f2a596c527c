"""Prices per tube and exchange rates a clinic keeps, and the cost of a planned course.

Only a price with a source is stored, so only sourced prices are shown; with no price for the
tube size the estimate says so and shows no number. Every change is audited.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

from django.http import HttpRequest

from repigment.accounts.audit import record
from repigment.accounts.models import AuditAction, Clinic, Role
from repigment.clinical.cost import CostEstimate, Price, Rate, estimate_cost
from repigment.treatment.models import ExchangeRate, Prescription, TubePrice

Kept = TypeVar("Kept", TubePrice, ExchangeRate)

#: How many past prices and rates the administrator's page lists.
HISTORY = 20


def latest_price(clinic: Clinic, tube_grams: int) -> TubePrice | None:
    return (
        TubePrice.objects.filter(clinic=clinic, tube_grams=tube_grams)
        .order_by("-priced_on", "-pk")
        .first()
    )


def latest_rate(clinic: Clinic, from_currency: str) -> ExchangeRate | None:
    return (
        ExchangeRate.objects.filter(clinic=clinic, from_currency=from_currency)
        .order_by("-as_of", "-pk")
        .first()
    )


def cost_for(clinic: Clinic, grams: Decimal | None, tube_grams: int | None) -> CostEstimate | None:
    """The course's cost at the clinic's latest sourced price; None without grams or a price."""
    if grams is None or not tube_grams:
        return None
    stored = latest_price(clinic, tube_grams)
    if stored is None:
        return None
    price = Price(
        stored.amount,
        stored.currency,
        stored.tube_grams,
        stored.source,
        stored.priced_on,
        stored.source_url,
    )
    rate_row = latest_rate(clinic, stored.currency)
    rate = None
    if rate_row is not None:
        rate = Rate(rate_row.from_currency, rate_row.to_currency, rate_row.rate, rate_row.as_of)
    return estimate_cost(grams, price, rate)


def cost_of(prescription: Prescription) -> CostEstimate | None:
    return cost_for(prescription.patient.clinic, prescription.grams_total, prescription.tube_grams)


def record_price(request: HttpRequest, clinic: Clinic, price: TubePrice) -> TubePrice:
    return _keep(request, clinic, price, "tube_price")


def record_rate(request: HttpRequest, clinic: Clinic, rate: ExchangeRate) -> ExchangeRate:
    return _keep(request, clinic, rate, "exchange_rate")


def _keep(request: HttpRequest, clinic: Clinic, row: Kept, object_type: str) -> Kept:
    """Save a price or a rate as the clinic's, by the signed-in administrator, audited."""
    row.clinic = clinic
    row.recorded_by = request.user  # type: ignore[assignment]
    row.save()
    record(request, AuditAction.CREATE, object_type=object_type, object_id=row.pk,
           clinic=clinic, role=Role.CLINIC_ADMIN)  # fmt: skip
    return row


def history(clinic: Clinic) -> dict[str, list[object]]:
    return {
        "prices": list(
            TubePrice.objects.filter(clinic=clinic).order_by("-priced_on", "-pk")[:HISTORY]
        ),
        "rates": list(
            ExchangeRate.objects.filter(clinic=clinic).order_by("-as_of", "-pk")[:HISTORY]
        ),
    }
