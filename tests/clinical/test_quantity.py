"""Cream quantities by the fingertip-unit rule and the label's weekly and monthly limits."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.quantity import estimate_quantity

D = Decimal


def test_ten_percent_for_26_weeks_in_100_g_tubes() -> None:
    # 10% x 0.25 g = 2.5 g per application; x2 = 5 g a day; x7 = 35 g a week;
    # x26 = 910 g; 910 / 100 = 9.1 -> 10 tubes. 35 g <= 50 g (FDA, 100 g tubes);
    # 35 x 31 = 1085 <= 1400 (EMA, 200 g in a 31-day month).
    estimate = estimate_quantity(10, 26, 100)
    assert estimate.grams_per_application == D("2.5")
    assert estimate.grams_per_day == 5
    assert estimate.grams_per_week == 35
    assert estimate.grams_total == 910
    assert estimate.tubes == 10
    assert estimate.within_limit == {"FDA": True, "EMA": True}


def test_one_percent_for_one_week_needs_one_60_g_tube() -> None:
    # 1 x 0.25 = 0.25 g; 0.5 g a day; 3.5 g a week and in total; 1 tube
    estimate = estimate_quantity("1", "1", "60")
    assert (estimate.grams_per_application, estimate.grams_per_week) == (D("0.25"), D("3.5"))
    assert estimate.tubes == 1


def test_whole_tubes_are_not_rounded_up_when_the_total_fits_exactly() -> None:
    # 10% for 20 weeks: 35 x 20 = 700 g = exactly 7 tubes of 100 g
    assert estimate_quantity(10, 20, 100).tubes == 7


def test_fda_limit_with_100_g_tubes_is_50_g_a_week() -> None:
    # 14.28% -> 14.28 x 3.5 = 49.98 g a week: within; 14.29% -> 50.015 g: over
    assert estimate_quantity("14.28", 4, 100).within_limit["FDA"] is True
    assert estimate_quantity("14.29", 4, 100).within_limit["FDA"] is False


def test_fda_limit_with_60_g_tubes_is_60_g_a_week() -> None:
    # 14.29% -> 50.015 g a week: within one 60 g tube a week; 17.15% -> 60.025 g: over
    assert estimate_quantity("14.29", 4, 60).within_limit["FDA"] is True
    assert estimate_quantity("17.14", 4, 60).within_limit["FDA"] is True  # 59.99 g
    assert estimate_quantity("17.15", 4, 60).within_limit["FDA"] is False


def test_ema_limit_keeps_a_31_day_month_within_two_100_g_tubes() -> None:
    # 12.9% -> 45.15 g a week; x31 = 1399.65 <= 1400 (= 200 g x 7): within
    # 12.91% -> 45.185 g a week; x31 = 1400.735 > 1400: over
    assert estimate_quantity("12.9", 4, 100).within_limit["EMA"] is True
    assert estimate_quantity("12.91", 4, 100).within_limit["EMA"] is False


@pytest.mark.parametrize(
    ("bsa", "weeks", "tube", "field"),
    [
        (0, 4, 100, "bsa_percent"),
        (-1, 4, 100, "bsa_percent"),
        ("100.5", 4, 100, "bsa_percent"),
        ("ten", 4, 100, "bsa_percent"),
        ("10.125", 4, 100, "bsa_percent"),
        (10, 0, 100, "weeks"),
        (10, "2.5", 100, "weeks"),
        (10, 521, 100, "weeks"),
        (10, 4, 50, "tube_grams"),
        (10, 4, 5, "tube_grams"),
    ],
)
def test_it_rejects_bad_quantity_input(
    bsa: object, weeks: object, tube: object, field: str
) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        estimate_quantity(bsa, weeks, tube)
    assert caught.value.field == field


@given(
    st.integers(1, 10_000).map(lambda n: D(n).scaleb(-2)),
    st.integers(1, 520),
    st.sampled_from([60, 100]),
)
def test_tubes_are_the_fewest_whole_tubes_that_hold_the_total(
    bsa: Decimal, weeks: int, tube: int
) -> None:
    estimate = estimate_quantity(bsa, weeks, tube)
    assert estimate.grams_total == bsa * D("0.25") * 2 * 7 * weeks
    assert estimate.tubes * tube >= estimate.grams_total > (estimate.tubes - 1) * tube
