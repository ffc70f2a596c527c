"""What a planned course may cost: whole tubes at a recorded price, converted at a recorded rate.

Pure arithmetic: the price and the rate come with their own source and date from whoever keeps
them (an importing pharmacy's quote, a clinic administrator's rate); nothing here knows a price.
Amounts are rounded half up to the currency's cents only when shown as totals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from repigment.clinical.errors import ClinicalInputError

CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Price:
    """The price of one tube, with where it comes from."""

    amount: Decimal
    currency: str  # ISO 4217, e.g. "ZAR"
    tube_grams: int
    source: str  # e.g. "Quote from the importing pharmacy, ref. Q-118"
    priced_on: date
    url: str = ""  # the page of a published price


@dataclass(frozen=True)
class Rate:
    """How many units of ``to_currency`` one unit of ``from_currency`` buys, on a day."""

    from_currency: str
    to_currency: str
    rate: Decimal
    as_of: date


@dataclass(frozen=True)
class CostEstimate:
    grams: Decimal
    tubes: int
    price: Price
    total: Decimal  # in the price's currency
    rate: Rate | None
    converted: Decimal | None  # in the rate's currency, when a rate applies


def tubes_for(grams: Decimal, tube_grams: int) -> int:
    """Whole tubes holding ``grams`` (a part-used tube is still bought whole)."""
    if tube_grams <= 0:
        raise ClinicalInputError("tube_grams", "must be more than 0")
    if grams < 0:
        raise ClinicalInputError("grams", "cannot be negative")
    return math.ceil(grams / tube_grams)


def estimate_cost(grams: Decimal, price: Price, rate: Rate | None = None) -> CostEstimate:
    """Tubes for ``grams`` at ``price``; converted when ``rate`` turns the price's currency."""
    if price.amount <= 0:
        raise ClinicalInputError("price", "must be more than 0")
    if rate is not None and (rate.from_currency != price.currency or rate.rate <= 0):
        raise ClinicalInputError("rate", f"must convert from {price.currency} at more than 0")
    tubes = tubes_for(grams, price.tube_grams)
    total = (price.amount * tubes).quantize(CENTS, rounding=ROUND_HALF_UP)
    converted = None
    if rate is not None:
        converted = (price.amount * tubes * rate.rate).quantize(CENTS, rounding=ROUND_HALF_UP)
    return CostEstimate(grams, tubes, price, total, rate, converted)
