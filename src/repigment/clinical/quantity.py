"""How much cream a treated area needs, by the fingertip-unit rule, and whether it fits the label.

One fingertip unit (about 0.5 g) covers two adult hand units, and a hand unit is about 1% of
body surface, so one application needs treated BSA % x 0.25 g; the cream goes on twice a day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from repigment.clinical._values import decimal_places, to_decimal, to_int
from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.label import (
    TUBE_SIZES_GRAMS,
    Level,
    ema_weekly_amount_within_limit,
    fda_quantity_level,
)

GRAMS_PER_FINGERTIP_UNIT = Decimal("0.5")
BSA_PERCENT_PER_FINGERTIP_UNIT = Decimal(2)  # two hand units, each about 1% BSA
GRAMS_PER_BSA_PERCENT = GRAMS_PER_FINGERTIP_UNIT / BSA_PERCENT_PER_FINGERTIP_UNIT  # 0.25 g
APPLICATIONS_PER_DAY = 2
_MAX_WEEKS = 520  # ten years: a guard against typing errors, not a clinical limit

SOURCES: Mapping[str, tuple[str, ...]] = {
    "BSA_PERCENT_PER_FINGERTIP_UNIT": ("usdermed-vasi", "consultantlive-vitiligo-severity"),
    "GRAMS_PER_BSA_PERCENT": ("usdermed-vasi", "consultantlive-vitiligo-severity"),
    "APPLICATIONS_PER_DAY": ("physiciansweekly-fda-approval-2022", "rxreasoner-eu-smpc"),
}
# GRAMS_PER_FINGERTIP_UNIT is listed in references.UNSOURCED; _MAX_WEEKS is only an input guard.


@dataclass(frozen=True)
class QuantityEstimate:
    bsa_percent: Decimal
    weeks: int
    tube_grams: int
    grams_per_application: Decimal
    grams_per_day: Decimal
    grams_per_week: Decimal
    grams_total: Decimal
    tubes: int
    within_limit: dict[str, bool]


def estimate_quantity(bsa_percent: object, weeks: object, tube_grams: object) -> QuantityEstimate:
    """Grams per application, day, week and course; whole tubes needed; label limits met."""
    bsa = _bsa(bsa_percent)
    course_weeks = _weeks(weeks)
    tube = to_int(tube_grams, "tube_grams")
    if tube not in TUBE_SIZES_GRAMS:
        raise ClinicalInputError("tube_grams", "must be 60 or 100")
    per_application = bsa * GRAMS_PER_BSA_PERCENT
    per_day = per_application * APPLICATIONS_PER_DAY
    per_week = per_day * 7
    total = per_week * course_weeks
    return QuantityEstimate(
        bsa_percent=bsa,
        weeks=course_weeks,
        tube_grams=tube,
        grams_per_application=per_application,
        grams_per_day=per_day,
        grams_per_week=per_week,
        grams_total=total,
        tubes=math.ceil(total / tube),
        within_limit={
            "FDA": fda_quantity_level(per_week, tube)[0] is Level.OK,
            "EMA": ema_weekly_amount_within_limit(per_week),
        },
    )


def _bsa(value: object) -> Decimal:
    bsa = to_decimal(value, "bsa_percent")
    if not 0 < bsa <= 100:
        raise ClinicalInputError("bsa_percent", "must be more than 0 and at most 100")
    if decimal_places(bsa) > 2:
        raise ClinicalInputError("bsa_percent", "must have at most two decimal places")
    return bsa


def _weeks(value: object) -> int:
    weeks = to_int(value, "weeks")
    if not 1 <= weeks <= _MAX_WEEKS:
        raise ClinicalInputError("weeks", f"must be a whole number from 1 to {_MAX_WEEKS}")
    return weeks
