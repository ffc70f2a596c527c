"""Percent improvement and F-VASI/T-VASI 50/75/90 responses, judged exactly."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.response import (
    classify_response,
    direction,
    improvement_fraction,
    percent_improvement,
    round_half_up,
)

D = Decimal


def test_a_fall_from_0_3_to_0_075_is_exactly_75_percent_and_counts_as_f_vasi75() -> None:
    # (0.3 - 0.075) / 0.3 x 100 = 0.225 / 0.3 x 100 = 75 exactly (floats give 74.99999999999999)
    result = classify_response("F-VASI", D("0.3"), D("0.075"))
    assert result.percent_improvement == 75
    assert result.responses == {"F-VASI50": True, "F-VASI75": True, "F-VASI90": False}


def test_exactly_50_percent_counts_as_f_vasi50() -> None:
    # (2 - 1) / 2 x 100 = 50
    result = classify_response("F-VASI", D("2"), D("1"))
    assert result.responses == {"F-VASI50": True, "F-VASI75": False, "F-VASI90": False}


def test_exactly_90_percent_counts_as_every_response() -> None:
    # (1 - 0.1) / 1 x 100 = 90
    assert all(classify_response("F-VASI", D("1"), D("0.1")).responses.values())


def test_just_under_a_threshold_does_not_count() -> None:
    # (3 - 1.51) / 3 x 100 = 149/3 = 49.666...
    result = classify_response("F-VASI", D("3"), D("1.51"))
    assert result.responses["F-VASI50"] is False
    assert result.percent_improvement_rounded == D("49.67")


def test_t_vasi_responses_are_keyed_by_t_vasi() -> None:
    # (40 - 4) / 40 x 100 = 90
    result = classify_response("T-VASI", D("40"), D("4"))
    assert result.responses == {"T-VASI50": True, "T-VASI75": True, "T-VASI90": True}


def test_worse_scores_give_negative_improvement() -> None:
    # (1 - 1.5) / 1 x 100 = -50
    result = classify_response("F-VASI", D("1"), D("1.5"))
    assert result.percent_improvement == -50
    assert not any(result.responses.values())


def test_a_repeating_improvement_keeps_its_digits_and_rounds_half_up_to_two_places() -> None:
    # (0.3 - 0.1) / 0.3 x 100 = 200/3 = 66.666...
    assert improvement_fraction(D("0.3"), D("0.1")) == Fraction(200, 3)
    assert str(percent_improvement(D("0.3"), D("0.1"))).startswith("66.6666666666")
    assert classify_response("F-VASI", D("0.3"), D("0.1")).percent_improvement_rounded == D("66.67")


def test_rounding_is_half_up_not_to_even() -> None:
    # (200 - 199.99) / 200 x 100 = 0.005 -> 0.01 (banker's rounding would give 0.00)
    assert classify_response("T-VASI", D("200") / 2, D("99.995")).percent_improvement_rounded == D(
        "0.01"
    )
    assert round_half_up(Fraction(1, 200)) == D("0.01")
    assert round_half_up(Fraction(-1, 200)) == D("-0.01")
    assert round_half_up(Fraction(1, 400)) == D("0.00")


@pytest.mark.parametrize("baseline", ["0", "0.00", "-1"])
def test_a_baseline_of_zero_or_less_is_rejected(baseline: str) -> None:
    with pytest.raises(ClinicalInputError, match="greater than 0") as caught:
        percent_improvement(D(baseline), D("0"))
    assert caught.value.field == "baseline"


def test_a_negative_current_score_is_rejected() -> None:
    with pytest.raises(ClinicalInputError) as caught:
        percent_improvement(D("1"), D("-0.1"))
    assert caught.value.field == "current"


def test_scores_above_the_instrument_maximum_are_rejected() -> None:
    with pytest.raises(ClinicalInputError, match="F-VASI cannot be more than 3") as caught:
        classify_response("F-VASI", D("3.5"), D("1"))
    assert caught.value.field == "baseline"
    assert classify_response("T-VASI", D("3.5"), D("1")).responses["T-VASI50"] is True


@pytest.mark.parametrize("instrument", ["VASI", "f-vasi", "", "F-VASI50"])
def test_an_unknown_instrument_is_rejected(instrument: str) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        classify_response(instrument, D("1"), D("0.5"))
    assert caught.value.field == "instrument"


def test_floats_are_refused_so_they_cannot_blur_a_threshold() -> None:
    with pytest.raises(ClinicalInputError):
        percent_improvement(0.3, D("0.075"))  # type: ignore[arg-type]


# --- properties ------------------------------------------------------------------------------

scores = st.integers(0, 10_000).map(lambda n: D(n).scaleb(-4))  # 0 to 1, four places
positive = scores.filter(lambda d: d > 0)


@given(positive)
def test_improvement_is_100_when_current_is_0(baseline: Decimal) -> None:
    assert percent_improvement(baseline, D(0)) == 100


@given(positive, scores, scores)
def test_improvement_never_rises_as_the_current_score_rises(
    baseline: Decimal, a: Decimal, b: Decimal
) -> None:
    low, high = sorted((a, b))
    assert improvement_fraction(baseline, low) >= improvement_fraction(baseline, high)


@given(positive, scores)
def test_each_response_is_reached_exactly_when_improvement_reaches_its_threshold(
    baseline: Decimal, current: Decimal
) -> None:
    exact = (Fraction(baseline) - Fraction(current)) / Fraction(baseline) * 100
    result = classify_response("F-VASI", baseline, current)
    assert result.responses == {f"F-VASI{t}": exact >= t for t in (50, 75, 90)}
    assert abs(Fraction(result.percent_improvement_rounded) - exact) <= Fraction(1, 200)


def test_a_score_with_more_than_four_decimal_places_is_rejected() -> None:
    # the finest possible score is 0.01 HU x 25% = 0.0025; 0.00001 cannot come from VASI
    assert percent_improvement(D("0.0025"), D("0.0001")) == 96
    with pytest.raises(ClinicalInputError, match="four decimal places") as caught:
        percent_improvement(D("1e-999999"), D("0"))
    assert caught.value.field == "baseline"


@pytest.mark.parametrize(
    ("baseline", "current", "expected"),
    [("1.2", "0.6", "better"), ("1.2", "1.2", "same"), ("0.5", "0.75", "worse"),
     ("2", "1.99", "better")],
)  # fmt: skip
def test_the_direction_a_patient_reads_follows_the_sign_of_the_improvement(
    baseline: str, current: str, expected: str
) -> None:
    result = classify_response("F-VASI", Decimal(baseline), Decimal(current))
    assert direction(result) == expected
