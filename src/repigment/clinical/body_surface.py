"""How much of the body each treatment region can be, by age: the plausibility of a typed %.

The Lund–Browder chart gives each part of the body as a share of the whole (% of total body
surface), with the head, thighs and lower legs changing with age and the rest fixed. A region's
affected or treated area cannot exceed the whole region, so a value above it is a typing slip
(a decimal comma lost, "2,5" read as 25) and is refused with the region's size as the reason.

The regions are the VASI ones the app scores and prescribes on. The face is the front half of
the head (the chart's "A"); head and neck is the whole head and the neck, face included; upper
limbs are the arms without the hands; lower limbs the legs without the feet; the trunk takes
front, back, buttocks and genitalia. A hand unit (palm with fingers) is about 1 % of the body,
so the same maxima bound a region's hand units.

The chart has columns at ages 0, 1, 5, 10 and 15 and one for adults; between two columns the
larger of the two is allowed, so a value is refused only where no age in between could hold it.
The parts that change with age were read in a page reproducing the chart; the fixed parts are
the chart's own, and with them every column adds up to 100 % (tests/clinical checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from repigment.clinical.errors import ClinicalInputError

#: The ages (whole years) of the chart's columns; from ADULT_FROM_AGE the adult column applies.
CHART_AGES = (0, 1, 5, 10, 15)
ADULT_FROM_AGE = 16

# The parts that change with age, one value per column (ages 0, 1, 5, 10, 15, adult).
#: Half the head (front or back): the chart's "A".
HALF_HEAD = tuple(Decimal(v) for v in ("9.5", "8.5", "6.5", "5.5", "4.5", "3.5"))
#: Half of one thigh (front or back): the chart's "B".
HALF_THIGH = tuple(Decimal(v) for v in ("2.75", "3.25", "4", "4.25", "4.5", "4.75"))
#: Half of one lower leg (front or back): the chart's "C".
HALF_LOWER_LEG = tuple(Decimal(v) for v in ("2.5", "2.5", "2.75", "3", "3.25", "3.5"))

# The parts the chart keeps the same at every age (% of body surface, both sides together).
NECK = Decimal(2)
TRUNK_FRONT_AND_BACK = Decimal(26)
BUTTOCKS = Decimal(5)
GENITALIA = Decimal(1)
UPPER_ARMS = Decimal(8)
FOREARMS = Decimal(6)
HANDS = Decimal(5)
FEET = Decimal(7)

REGIONS = ("face", "head_neck", "hands", "upper_limbs", "trunk", "lower_limbs", "feet")

#: How a region reads inside a sentence, for the reason given when a value is refused.
REGION_NAMES: Mapping[str, str] = {
    "face": "the face",
    "head_neck": "the head and neck",
    "hands": "both hands",
    "upper_limbs": "both arms (without the hands)",
    "trunk": "the trunk",
    "lower_limbs": "both legs (without the feet)",
    "feet": "both feet",
}

SOURCES: Mapping[str, tuple[str, ...]] = {
    name: ("activheal-lund-browder", "jsr-2018-lund-browder")
    for name in ("CHART_AGES", "ADULT_FROM_AGE", "HALF_HEAD", "HALF_THIGH", "HALF_LOWER_LEG")
} | {
    name: ("jsr-2018-lund-browder",)
    for name in (
        "NECK",
        "TRUNK_FRONT_AND_BACK",
        "BUTTOCKS",
        "GENITALIA",
        "UPPER_ARMS",
        "FOREARMS",
        "HANDS",
        "FEET",
        "REGIONS",
        "REGION_NAMES",
    )
}


def _column(values: tuple[Decimal, ...], age: int) -> Decimal:
    """The chart's value for ``age``: between two columns, the larger of the two."""
    if age >= ADULT_FROM_AGE:
        return values[-1]
    index = max(i for i, start in enumerate(CHART_AGES) if start <= age)
    return max(values[index], values[index + 1])


def region_maximum(region: str, age_years: int) -> Decimal:
    """The whole region, as % of the body surface, at this age (whole years, 0 or more)."""
    if isinstance(age_years, bool) or not isinstance(age_years, int) or age_years < 0:
        raise ClinicalInputError("age", "must be a whole number of years, 0 or more")
    head = 2 * _column(HALF_HEAD, age_years)
    sizes = {
        "face": _column(HALF_HEAD, age_years),
        "head_neck": head + NECK,
        "hands": HANDS,
        "upper_limbs": UPPER_ARMS + FOREARMS,
        "trunk": TRUNK_FRONT_AND_BACK + BUTTOCKS + GENITALIA,
        "lower_limbs": 4 * _column(HALF_THIGH, age_years) + 4 * _column(HALF_LOWER_LEG, age_years),
        "feet": FEET,
    }
    try:
        return sizes[region]
    except KeyError:
        allowed = ", ".join(REGIONS)
        raise ClinicalInputError("region", f"{region!r} is not a region (use {allowed})") from None


def chart_column(age_years: int) -> Mapping[str, Decimal]:
    """Every part of the chart at one column's age exactly (for checking the chart sums to 100)."""
    i = len(CHART_AGES) if age_years >= ADULT_FROM_AGE else CHART_AGES.index(age_years)
    return {
        "head": 2 * HALF_HEAD[i],
        "neck": NECK,
        "trunk": TRUNK_FRONT_AND_BACK,
        "buttocks": BUTTOCKS,
        "genitalia": GENITALIA,
        "upper_arms": UPPER_ARMS,
        "forearms": FOREARMS,
        "hands": HANDS,
        "thighs": 4 * HALF_THIGH[i],
        "lower_legs": 4 * HALF_LOWER_LEG[i],
        "feet": FEET,
    }


@dataclass(frozen=True)
class Implausible:
    """A region's % above what the whole region is at the patient's age."""

    region: str
    value: Decimal
    maximum: Decimal
    adult: bool

    def reason(self) -> str:
        """ "The face is about 3.5 % of the body in adults; 25 % cannot be right." """
        who = "in adults" if self.adult else "at this age"
        name = REGION_NAMES[self.region]
        return (
            f"{name[0].upper()}{name[1:]} is about {_plain(self.maximum)} % of the body {who}; "
            f"{_plain(self.value)} % cannot be right."
        )


def check_region(region: str, percent: Decimal, age_years: int) -> Implausible | None:
    """None when ``percent`` of the body could lie in ``region`` at this age; else why not."""
    maximum = region_maximum(region, age_years)
    if percent > maximum:
        return Implausible(region, percent, maximum, age_years >= ADULT_FROM_AGE)
    return None


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
