"""F-VASI and T-VASI: the sum over entries of hand units x residual depigmentation.

An entry is one area in one region: how many hand units (the patient's palm plus the volar
surface of all five digits, about 1% BSA) it covers and its residual depigmentation on the
VASI ladder. Arithmetic is exact Decimal, so no rounding can move a score or a threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from repigment.clinical._values import decimal_places, to_decimal, to_int
from repigment.clinical.errors import ClinicalInputError

DEPIGMENTATION_LADDER = (0, 10, 25, 50, 75, 90, 100)
HAND_UNIT_DECIMAL_PLACES = 2

FVASI_REGIONS = ("face",)
FVASI_REGION_SET = "face"
FVASI_MAX_HAND_UNITS = Decimal(3)

TVASI_REGIONS = ("head_neck", "hands", "upper_limbs", "trunk", "lower_limbs", "feet")
TVASI_REGION_SET = "six-region"
TVASI_MAX_HAND_UNITS = Decimal(100)

SOURCES: Mapping[str, tuple[str, ...]] = {
    "DEPIGMENTATION_LADDER": ("usdermed-vasi", "medicalalgorithms-vasi"),
    "HAND_UNIT_DECIMAL_PLACES": ("usdermed-vasi",),
    "FVASI_REGIONS": ("usdermed-vasi",),
    "FVASI_REGION_SET": ("usdermed-vasi",),
    "FVASI_MAX_HAND_UNITS": ("usdermed-vasi", "consultantlive-vitiligo-severity"),
    "TVASI_REGIONS": ("usdermed-vasi", "ssdds-vasi-head-neck"),
    "TVASI_REGION_SET": ("usdermed-vasi", "ssdds-vasi-head-neck"),
    "TVASI_MAX_HAND_UNITS": ("usdermed-vasi", "medicalalgorithms-vasi"),
}

_LADDER_TEXT = ", ".join(str(grade) for grade in DEPIGMENTATION_LADDER)


@dataclass(frozen=True)
class VasiEntry:
    region: str
    hand_units: Decimal
    depigmentation: int

    def __post_init__(self) -> None:
        if isinstance(self.hand_units, int) and not isinstance(self.hand_units, bool):
            object.__setattr__(self, "hand_units", Decimal(self.hand_units))  # exact
        if not isinstance(self.region, str) or not self.region.strip():
            raise ClinicalInputError("region", "must be a region name")
        _check_hand_units(self.hand_units)
        _check_depigmentation(self.depigmentation)

    @classmethod
    def from_values(cls, region: object, hand_units: object, depigmentation: object) -> VasiEntry:
        """An entry from loose values; floats and strings go through their text (0.1 stays 0.1)."""
        if not isinstance(region, str):
            raise ClinicalInputError("region", "must be a region name")
        units = to_decimal(hand_units, "hand_units")
        grade = to_int(depigmentation, "depigmentation")
        return cls(region.strip(), units, grade)


@dataclass(frozen=True)
class VasiScore:
    score: Decimal
    region_set: str
    region_subtotals: dict[str, Decimal]


def score_fvasi(entries: Iterable[VasiEntry]) -> VasiScore:
    """Facial VASI, 0 to 3: face entries only, at most 3 hand units in all."""
    return _score(entries, FVASI_REGIONS, FVASI_REGION_SET, FVASI_MAX_HAND_UNITS)


def score_tvasi(entries: Iterable[VasiEntry]) -> VasiScore:
    """Total-body VASI, 0 to 100, over the six-region set, at most 100 hand units in all."""
    return _score(entries, TVASI_REGIONS, TVASI_REGION_SET, TVASI_MAX_HAND_UNITS)


def _score(
    entries: Iterable[VasiEntry], regions: tuple[str, ...], region_set: str, max_units: Decimal
) -> VasiScore:
    subtotals = {region: Decimal(0) for region in regions}
    total_units = Decimal(0)
    for index, entry in enumerate(entries):
        if not isinstance(entry, VasiEntry):
            raise ClinicalInputError(f"entries[{index}]", "must be a VASI entry")
        if entry.region not in subtotals:
            allowed = ", ".join(regions)
            raise ClinicalInputError(
                f"entries[{index}].region",
                f"{entry.region!r} is not a {region_set} region (use {allowed})",
            )
        if entry.hand_units > max_units:
            raise ClinicalInputError(
                f"entries[{index}].hand_units",
                f"{_plain(entry.hand_units)} is more than the {_plain(max_units)} hand units "
                f"{region_set} allows",
            )
        total_units += entry.hand_units
        subtotals[entry.region] += entry.hand_units * entry.depigmentation / 100
    if total_units > max_units:
        raise ClinicalInputError(
            "hand_units",
            f"total is {_plain(total_units)} hand units; {region_set} allows at most "
            f"{_plain(max_units)}",
        )
    return VasiScore(sum(subtotals.values(), Decimal(0)), region_set, subtotals)


def _check_hand_units(value: object) -> None:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ClinicalInputError("hand_units", "must be a decimal number")
    if value < 0:
        raise ClinicalInputError("hand_units", "must not be negative")
    if decimal_places(value) > HAND_UNIT_DECIMAL_PLACES:
        raise ClinicalInputError("hand_units", "must have at most two decimal places")


def _check_depigmentation(value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value not in DEPIGMENTATION_LADDER:
        raise ClinicalInputError("depigmentation", f"must be one of {_LADDER_TEXT} %")


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
