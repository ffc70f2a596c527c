"""The cost of a planned course: whole tubes, the total, and its conversion."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from repigment.clinical.cost import Price, Rate, estimate_cost, tubes_for
from repigment.clinical.errors import ClinicalInputError

QUOTE = Price(Decimal("2399.99"), "USD", 60, "Quote from a pharmacy", date(2026, 11, 30))


@pytest.mark.parametrize(
    ("grams", "tube", "tubes"),
    [("0", 60, 0), ("60", 60, 1), ("60.001", 60, 2), ("672", 100, 7), ("700", 100, 7)],
)
def test_a_part_used_tube_is_bought_whole(grams: str, tube: int, tubes: int) -> None:
    assert tubes_for(Decimal(grams), tube) == tubes


def test_the_total_is_whole_tubes_at_the_price_and_converts_at_the_rate() -> None:
    # 130 g in 60 g tubes: 3 tubes; 3 x 2,399.99 = 7,199.97 USD;
    # 7,199.97 x 18.4512 = 132,848.0864... ZAR, rounded half up to the cent: 132,848.09.
    rate = Rate("USD", "ZAR", Decimal("18.4512"), date(2026, 12, 1))
    cost = estimate_cost(Decimal(130), QUOTE, rate)
    assert cost.tubes == 3
    assert cost.total == Decimal("7199.97")
    assert cost.converted == Decimal("132848.09")


def test_without_a_rate_the_cost_stays_in_the_price_currency() -> None:
    cost = estimate_cost(Decimal(60), QUOTE)
    assert (cost.tubes, cost.total, cost.converted) == (1, Decimal("2399.99"), None)


def test_a_rate_from_another_currency_or_a_price_of_nothing_is_refused() -> None:
    euros = Rate("EUR", "ZAR", Decimal(20), date(2026, 12, 1))
    with pytest.raises(ClinicalInputError, match="rate: must convert from USD"):
        estimate_cost(Decimal(60), QUOTE, euros)
    free = Price(Decimal(0), "USD", 60, "nobody", date(2026, 12, 1))
    with pytest.raises(ClinicalInputError, match="price"):
        estimate_cost(Decimal(60), free)
