"""F-VASI and T-VASI scoring: worked examples, boundaries, exactness and properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.scoring import (
    DEPIGMENTATION_LADDER,
    TVASI_REGIONS,
    VasiEntry,
    score_fvasi,
    score_tvasi,
)

D = Decimal


def face(units: str, grade: int) -> VasiEntry:
    return VasiEntry("face", D(units), grade)


def test_one_hand_unit_of_fully_depigmented_face_scores_one() -> None:
    # CLINICAL.md 5.2 worked example: 1 HU x 100% = 1.0
    assert score_fvasi([face("1", 100)]).score == 1


def test_it_sums_face_entries_as_hand_units_times_depigmentation() -> None:
    # 0.5 HU x 75% = 0.375; 1 HU x 100% = 1; 0.25 HU x 10% = 0.025 -> 1.4
    result = score_fvasi([face("0.5", 75), face("1", 100), face("0.25", 10)])
    assert result.score == D("1.4")
    assert result.region_set == "face"
    assert result.region_subtotals == {"face": D("1.4")}


def test_it_scores_the_six_region_set_with_subtotals() -> None:
    # hands 2 x 50% = 1; trunk 12.25 x 90% = 11.025; feet 0.75 x 10% = 0.075;
    # trunk again 1 x 0% = 0 -> 12.1
    entries = [
        VasiEntry("hands", D("2"), 50),
        VasiEntry("trunk", D("12.25"), 90),
        VasiEntry("feet", D("0.75"), 10),
        VasiEntry("trunk", D("1"), 0),
    ]
    result = score_tvasi(entries)
    assert result.score == D("12.1")
    assert result.region_set == "six-region"
    assert result.region_subtotals["trunk"] == D("11.025")
    assert result.region_subtotals["head_neck"] == 0
    assert set(result.region_subtotals) == set(TVASI_REGIONS)


def test_no_entries_score_zero() -> None:
    assert score_fvasi([]).score == 0
    assert score_tvasi([]).score == 0


def test_arithmetic_is_exact_where_floats_would_drift() -> None:
    # 0.1 + 0.2 hand units at 100%: floats give 0.30000000000000004, Decimal gives 0.3
    assert score_fvasi([face("0.1", 100), face("0.2", 100)]).score == D("0.3")


@pytest.mark.parametrize("grade", [5, 20, 70, 95, 101, -10])
def test_it_rejects_a_depigmentation_grade_off_the_ladder(grade: int) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        VasiEntry("face", D("1"), grade)
    assert caught.value.field == "depigmentation"
    assert str(caught.value) == "depigmentation: must be one of 0, 10, 25, 50, 75, 90, 100 %"


def test_it_rejects_a_boolean_as_a_depigmentation_grade() -> None:
    with pytest.raises(ClinicalInputError, match="depigmentation"):
        VasiEntry("face", D("1"), True)


@pytest.mark.parametrize(
    ("units", "problem"),
    [
        ("-0.5", "must not be negative"),
        ("0.125", "at most two decimal places"),
        ("NaN", "decimal number"),
        ("Infinity", "decimal number"),
    ],
)
def test_it_rejects_bad_hand_units(units: str, problem: str) -> None:
    with pytest.raises(ClinicalInputError, match=problem) as caught:
        VasiEntry("face", D(units), 50)
    assert caught.value.field == "hand_units"


def test_it_accepts_hand_units_with_two_decimal_places_and_trailing_zeros() -> None:
    assert VasiEntry("face", D("0.50"), 50).hand_units == D("0.5")


def test_face_hand_units_may_total_exactly_three() -> None:
    # the F-VASI maximum: 3 HU x 100% = 3
    assert score_fvasi([face("2", 100), face("1", 100)]).score == 3


def test_face_hand_units_over_three_are_rejected() -> None:
    with pytest.raises(ClinicalInputError, match="at most 3") as caught:
        score_fvasi([face("2", 100), face("1.01", 0)])
    assert caught.value.field == "hand_units"


def test_body_hand_units_may_total_exactly_one_hundred() -> None:
    entries = [VasiEntry("trunk", D("60"), 100), VasiEntry("lower_limbs", D("40"), 100)]
    assert score_tvasi(entries).score == 100


def test_body_hand_units_over_one_hundred_are_rejected() -> None:
    entries = [VasiEntry("trunk", D("60"), 100), VasiEntry("lower_limbs", D("40.01"), 100)]
    with pytest.raises(ClinicalInputError, match="at most 100"):
        score_tvasi(entries)


def test_a_single_entry_larger_than_the_instrument_is_rejected_with_its_index() -> None:
    with pytest.raises(ClinicalInputError) as caught:
        score_fvasi([face("1", 10), face("4", 10)])
    assert caught.value.field == "entries[1].hand_units"


def test_f_vasi_rejects_a_body_region() -> None:
    with pytest.raises(ClinicalInputError, match="not a face region") as caught:
        score_fvasi([face("1", 50), VasiEntry("hands", D("1"), 50)])
    assert caught.value.field == "entries[1].region"


@pytest.mark.parametrize("region", ["face", "neck", "Trunk", "genitals"])
def test_t_vasi_accepts_only_the_six_regions(region: str) -> None:
    with pytest.raises(ClinicalInputError, match="six-region") as caught:
        score_tvasi([VasiEntry(region, D("1"), 50)])
    assert caught.value.field == "entries[0].region"


def test_an_empty_region_name_is_rejected() -> None:
    with pytest.raises(ClinicalInputError, match="region"):
        VasiEntry(" ", D("1"), 50)


def test_from_values_converts_floats_through_their_text() -> None:
    entry = VasiEntry.from_values("face", 0.1, 75)
    assert entry.hand_units == D("0.1")  # not 0.1000000000000000055511151231257827...


@pytest.mark.parametrize(
    ("hand_units", "depigmentation"), [("0.35", "75"), (0.35, 75.0), (D("0.35"), 75)]
)
def test_from_values_accepts_strings_floats_and_decimals(
    hand_units: object, depigmentation: object
) -> None:
    assert VasiEntry.from_values(" face ", hand_units, depigmentation) == face("0.35", 75)


@pytest.mark.parametrize(
    ("region", "hand_units", "depigmentation", "field"),
    [
        ("face", "abc", 50, "hand_units"),
        ("face", True, 50, "hand_units"),
        ("face", None, 50, "hand_units"),
        ("face", "1e-3", 50, "hand_units"),
        ("face", "-Infinity", 50, "hand_units"),
        ("face", 1, 75.5, "depigmentation"),
        ("face", 1, "lots", "depigmentation"),
        (None, 1, 50, "region"),
    ],
)
def test_from_values_names_the_bad_field(
    region: object, hand_units: object, depigmentation: object, field: str
) -> None:
    with pytest.raises(ClinicalInputError) as caught:
        VasiEntry.from_values(region, hand_units, depigmentation)
    assert caught.value.field == field


def test_the_error_is_a_value_error() -> None:
    assert issubclass(ClinicalInputError, ValueError)


# --- properties ------------------------------------------------------------------------------

grades = st.sampled_from(DEPIGMENTATION_LADDER)
face_units = st.integers(0, 60).map(lambda n: D(n).scaleb(-2))  # at most 0.60 each, 5 -> 3
body_units = st.integers(0, 1000).map(lambda n: D(n).scaleb(-2))  # at most 10.00 each
face_entries = st.lists(st.builds(VasiEntry, st.just("face"), face_units, grades), max_size=5)
body_entries = st.lists(
    st.builds(VasiEntry, st.sampled_from(TVASI_REGIONS), body_units, grades), max_size=10
)


@given(face_entries)
def test_f_vasi_stays_between_0_and_3(entries: list[VasiEntry]) -> None:
    assert 0 <= score_fvasi(entries).score <= 3


@given(body_entries)
def test_t_vasi_stays_between_0_and_100_and_equals_its_subtotals(entries: list[VasiEntry]) -> None:
    result = score_tvasi(entries)
    assert 0 <= result.score <= 100
    assert result.score == sum(result.region_subtotals.values())


@given(body_entries, st.data())
def test_more_depigmentation_never_lowers_a_score(
    entries: list[VasiEntry], data: st.DataObject
) -> None:
    if not entries:
        return
    index = data.draw(st.integers(0, len(entries) - 1))
    old = entries[index]
    ladder_above = [grade for grade in DEPIGMENTATION_LADDER if grade >= old.depigmentation]
    higher = data.draw(st.sampled_from(ladder_above))
    changed = list(entries)
    changed[index] = VasiEntry(old.region, old.hand_units, higher)
    assert score_tvasi(changed).score >= score_tvasi(entries).score


@given(face_entries.filter(lambda e: len(e) < 5), face_units, grades)
def test_adding_an_area_never_lowers_a_score(
    entries: list[VasiEntry], units: Decimal, grade: int
) -> None:
    assert score_fvasi([*entries, face(str(units), grade)]).score >= score_fvasi(entries).score


def test_whole_hand_units_may_be_given_as_an_int() -> None:
    entry = VasiEntry("face", 1, 50)  # type: ignore[arg-type]
    assert entry.hand_units == D(1)
    assert isinstance(entry.hand_units, Decimal)


def test_float_hand_units_are_refused_in_direct_construction() -> None:
    with pytest.raises(ClinicalInputError, match="hand_units"):
        VasiEntry("face", 0.1, 50)  # type: ignore[arg-type]
