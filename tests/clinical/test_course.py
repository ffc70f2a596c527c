"""Week numbers of a course and the score each response threshold stands for."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repigment.clinical.course import score_at_threshold, study_week
from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.response import classify_response

D = Decimal
START = date(2026, 1, 5)


@pytest.mark.parametrize(
    ("days", "week"),
    [(0, 0), (3, 0), (4, 1), (10, 1), (11, 2), (166, 24), (168, 24), (171, 24), (172, 25),
     (364, 52), (-3, 0), (-4, -1)],
)  # fmt: skip
def test_a_visit_falls_in_the_nearest_whole_week(days: int, week: int) -> None:
    assert study_week(START, START + timedelta(days=days)) == week


def test_a_week_needs_real_dates() -> None:
    with pytest.raises(ClinicalInputError, match="calendar date"):
        study_week("2026-01-05", START)  # type: ignore[arg-type]


@given(st.integers(min_value=-2000, max_value=2000))
def test_the_week_is_never_more_than_half_a_week_off(days: int) -> None:
    week = study_week(START, START + timedelta(days=days))
    assert abs(days - 7 * week) <= 3


def test_thresholds_for_a_baseline_of_1_2_are_0_6_0_3_and_0_12() -> None:
    # 1.2 x 50 % = 0.6; 1.2 x 25 % = 0.3; 1.2 x 10 % = 0.12
    assert score_at_threshold(D("1.2"), 50) == D("0.6")
    assert score_at_threshold(D("1.2"), 75) == D("0.3")
    assert score_at_threshold(D("1.2"), 90) == D("0.12")


@pytest.mark.parametrize("level", [50, 75, 90])
@given(baseline=st.decimals(min_value="0.01", max_value="100", places=2))
def test_the_threshold_score_is_exactly_the_response_boundary(level: int, baseline: D) -> None:
    # A baseline with two places gives a boundary with at most four, like any VASI score.
    at = score_at_threshold(baseline, level)
    result = classify_response("T-VASI", baseline, at)
    assert result.responses[f"T-VASI{level}"] is True
    assert result.percent_improvement == level


@pytest.mark.parametrize("level", [0, 25, 100])
def test_only_the_response_thresholds_have_a_line(level: int) -> None:
    with pytest.raises(ClinicalInputError, match="50, 75, 90"):
        score_at_threshold(D(1), level)


@pytest.mark.parametrize("baseline", [D(0), D(-1), D("NaN")])
def test_a_baseline_of_zero_has_no_threshold(baseline: D) -> None:
    with pytest.raises(ClinicalInputError, match="baseline"):
        score_at_threshold(baseline, 50)
