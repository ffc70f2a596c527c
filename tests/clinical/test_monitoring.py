"""The monitoring rules: which class warnings a patient's risk factors touch, and when a TB
screening or a skin examination falls due."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repigment.clinical import monitoring
from repigment.clinical.references import REFERENCES

START = date(2026, 3, 2)


def test_every_class_warning_cites_a_known_reference() -> None:
    codes = [w.code for w in monitoring.CLASS_WARNINGS]
    assert codes == [
        "serious_infections",
        "mortality",
        "malignancy",
        "mace",
        "thrombosis",
        "blood_counts_lipids",
    ]
    assert all(w.reference in REFERENCES for w in monitoring.CLASS_WARNINGS)


def test_a_cardiovascular_risk_factor_counts_from_age_50() -> None:
    assert monitoring.warnings_that_apply(49, ["cardiovascular"]) == ()
    assert monitoring.warnings_that_apply(50, ["cardiovascular"]) == (
        "mortality",
        "mace",
        "thrombosis",
    )


@pytest.mark.parametrize("factor", ["smoker", "malignancy", "prior_skin_cancer"])
def test_smoking_or_a_cancer_history_touches_the_malignancy_warning(factor: str) -> None:
    assert monitoring.warnings_that_apply(30, [factor]) == ("malignancy",)


def test_an_unknown_risk_factor_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown risk factors"):
        monitoring.warnings_that_apply(30, ["left-handed"])


@given(st.integers(0, 120), st.sets(st.sampled_from(monitoring.RISK_FACTORS)))
def test_the_warnings_that_apply_are_known_codes_in_the_checklists_order(
    age: int, factors: set[str]
) -> None:
    codes = [w.code for w in monitoring.CLASS_WARNINGS]
    found = monitoring.warnings_that_apply(age, factors)
    assert list(found) == sorted(found, key=codes.index)
    assert not factors or set(found) or factors <= {"cardiovascular"}


def test_a_tb_screening_is_due_at_the_start_until_one_is_recorded() -> None:
    assert monitoring.tb_screening_due(START, None, None) == START
    assert monitoring.tb_screening_due(START, date(2026, 2, 20), None) is None
    assert monitoring.tb_screening_due(START, date(2026, 2, 20), date(2027, 2, 20)) == date(
        2027, 2, 20
    )
    assert monitoring.tb_screening_due(None, None, None) is None


def test_a_skin_examination_is_due_at_the_start_then_on_the_day_set() -> None:
    assert monitoring.skin_examination_due(START, None) == START
    assert monitoring.skin_examination_due(START, date(2026, 9, 1)) == date(2026, 9, 1)
    assert monitoring.skin_examination_due(None, None) is None
