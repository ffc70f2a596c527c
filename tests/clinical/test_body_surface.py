"""How much of the body a region can be, by age (Lund-Browder): the bound on a typed %."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from repigment.clinical.body_surface import (
    CHART_AGES,
    REGIONS,
    chart_column,
    check_region,
    region_maximum,
)
from repigment.clinical.errors import ClinicalInputError


@pytest.mark.parametrize("age", [*CHART_AGES, 30])
def test_every_column_of_the_chart_adds_up_to_the_whole_body(age: int) -> None:
    assert sum(chart_column(age).values()) == 100


def test_the_seven_regions_cover_the_body_once_with_the_face_inside_the_head() -> None:
    for age in (0, 3, 7, 12, 15, 40):
        body = sum(region_maximum(r, age) for r in REGIONS if r != "face")
        assert body >= 100  # between two columns the larger value is allowed
    assert sum(region_maximum(r, 40) for r in REGIONS if r != "face") == 100


def test_adult_proportions() -> None:
    assert region_maximum("face", 40) == D("3.5")
    assert region_maximum("head_neck", 40) == D(9)
    assert region_maximum("hands", 40) == D(5)
    assert region_maximum("lower_limbs", 40) == D(33)


def test_children_have_a_larger_head_and_shorter_legs() -> None:
    assert region_maximum("face", 0) == D("9.5")
    assert region_maximum("head_neck", 0) == D(21)
    assert region_maximum("face", 3) == D("8.5")  # between the 1- and 5-year columns
    assert region_maximum("face", 12) == D("5.5")
    assert region_maximum("lower_limbs", 0) == D(23)  # the 1-year column, the larger
    assert region_maximum("face", 12) > region_maximum("face", 40)
    assert region_maximum("lower_limbs", 12) < region_maximum("lower_limbs", 40)
    assert region_maximum("hands", 2) == region_maximum("hands", 60)  # fixed at every age


def test_a_face_of_25_percent_is_refused_with_the_reason() -> None:
    found = check_region("face", D(25), 40)
    assert found is not None
    assert found.reason() == "The face is about 3.5 % of the body in adults; 25 % cannot be right."
    assert check_region("face", D("2.5"), 40) is None
    assert check_region("face", D("3.5"), 40) is None  # the whole face is possible


def test_what_an_adult_face_cannot_hold_a_babys_can() -> None:
    assert check_region("face", D(6), 40) is not None
    assert check_region("face", D(6), 2) is None
    child = check_region("face", D(12), 2)
    assert child is not None and "at this age" in child.reason()


@pytest.mark.parametrize(
    ("region", "age"), [("elbow", 40), ("face", -1), ("face", True)]
)  # fmt: skip
def test_unknown_regions_and_ages_are_refused(region: str, age: int) -> None:
    with pytest.raises(ClinicalInputError):
        region_maximum(region, age)
