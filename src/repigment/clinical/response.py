"""Response to treatment: percent improvement from baseline and the VASI50/75/90 thresholds.

percent improvement = (baseline - current) / baseline x 100; negative when the patient is worse.
A threshold is reached when the improvement is at least the threshold, judged on the exact
fraction, so F-VASI75 at exactly 75 % counts (0.3 -> 0.075 is exactly 75 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from typing import Literal

from repigment.clinical._values import decimal_places
from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.scoring import FVASI_MAX_HAND_UNITS, TVASI_MAX_HAND_UNITS

Instrument = Literal["F-VASI", "T-VASI"]
INSTRUMENTS: tuple[Instrument, ...] = ("F-VASI", "T-VASI")
RESPONSE_THRESHOLDS = (50, 75, 90)

# The largest score each instrument can give (F-VASI 0-3, T-VASI 0-100).
INSTRUMENT_MAXIMUM: Mapping[str, Decimal] = {
    "F-VASI": FVASI_MAX_HAND_UNITS,
    "T-VASI": TVASI_MAX_HAND_UNITS,
}

SOURCES: Mapping[str, tuple[str, ...]] = {
    "INSTRUMENTS": ("usdermed-vasi",),
    "RESPONSE_THRESHOLDS": ("physiciansweekly-fda-approval-2022", "mdedge-eadv-2021"),
    "INSTRUMENT_MAXIMUM": ("usdermed-vasi", "medicalalgorithms-vasi"),
    "SCORE_DECIMAL_PLACES": ("usdermed-vasi",),
}

# A score is hand units (2 places) x a ladder fraction (at most 2 places), so never more than 4.
SCORE_DECIMAL_PLACES = 4

# Enough significant digits that a repeating quotient (e.g. 200/3) is shown far beyond any
# clinical use; thresholds and rounding never use this value, they use the exact fraction.
_DISPLAY_DIGITS = 50


@dataclass(frozen=True)
class ResponseResult:
    instrument: str
    percent_improvement: Decimal
    percent_improvement_rounded: Decimal
    responses: dict[str, bool]


def improvement_fraction(baseline: Decimal, current: Decimal) -> Fraction:
    """The exact percent improvement as a fraction; a baseline of 0 cannot improve."""
    _check_score(current, "current", minimum_exclusive=False)
    _check_score(baseline, "baseline", minimum_exclusive=True)
    return (Fraction(baseline) - Fraction(current)) / Fraction(baseline) * 100


def percent_improvement(baseline: Decimal, current: Decimal) -> Decimal:
    """Percent improvement, exact when it terminates (75, 12.5), else to 50 significant digits."""
    return _to_decimal(improvement_fraction(baseline, current))


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """Round an exact fraction half-up (away from zero at .5) to ``places`` decimals."""
    scale = 10**places
    scaled = abs(value) * scale
    whole = int(scaled + Fraction(1, 2))
    rounded = Decimal(whole).scaleb(-places)
    return -rounded if value < 0 else rounded


def classify_response(instrument: str, baseline: Decimal, current: Decimal) -> ResponseResult:
    """Percent improvement and, for each of 50/75/90, whether the response was reached."""
    if instrument not in INSTRUMENTS:
        raise ClinicalInputError("instrument", "must be F-VASI or T-VASI")
    maximum = INSTRUMENT_MAXIMUM[instrument]
    for field, value in (("baseline", baseline), ("current", current)):
        if isinstance(value, Decimal) and value.is_finite() and value > maximum:
            raise ClinicalInputError(field, f"{instrument} cannot be more than {maximum}")
    exact = improvement_fraction(baseline, current)
    responses = {f"{instrument}{level}": exact >= level for level in RESPONSE_THRESHOLDS}
    return ResponseResult(instrument, _to_decimal(exact), round_half_up(exact), responses)


Direction = Literal["better", "same", "worse"]


def direction(result: ResponseResult) -> Direction:
    """Which way the score moved since baseline, in the words a patient reads: a lower score
    (positive improvement) is better. No threshold is added: any change counts, and how far
    is told by the 50/75/90 responses the result already carries."""
    if result.percent_improvement > 0:
        return "better"
    if result.percent_improvement < 0:
        return "worse"
    return "same"


def _check_score(value: object, field: str, *, minimum_exclusive: bool) -> None:
    if isinstance(value, bool) or not isinstance(value, Decimal) or not value.is_finite():
        raise ClinicalInputError(field, "must be a decimal number")
    if decimal_places(value) > SCORE_DECIMAL_PLACES:
        raise ClinicalInputError(field, "a VASI score has at most four decimal places")
    if minimum_exclusive and value <= 0:
        raise ClinicalInputError(field, "must be greater than 0 (no improvement from a score of 0)")
    if value < 0:
        raise ClinicalInputError(field, "must not be negative")


def _to_decimal(value: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = _DISPLAY_DIGITS
        context.rounding = ROUND_HALF_UP
        return Decimal(value.numerator) / Decimal(value.denominator)
