"""A patient's course in weeks: week numbers and the score each response threshold stands for.

Week numbers count whole weeks from the start of treatment (or, until treatment is recorded,
from the baseline visit), rounded to the nearest week so that a visit on day 166 or day 170 is
"week 24" like the trials' week-24 visit. A threshold line on a chart is the score at which a
patient would have improved by exactly that percentage from their own baseline.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.response import RESPONSE_THRESHOLDS

DAYS_PER_WEEK = 7


def study_week(start: date, on: date) -> int:
    """Whole weeks from ``start`` to ``on``, to the nearest week; negative before the start.

    With whole days a week fraction is never exactly one half (that needs 3.5 days), so
    "nearest" is never ambiguous: days 0-3 are week 0, days 4-10 week 1, day -4 week -1.
    """
    if not isinstance(start, date) or not isinstance(on, date):
        raise ClinicalInputError("date", "must be a calendar date")
    days = (on - start).days
    return (days + DAYS_PER_WEEK // 2) // DAYS_PER_WEEK


def score_at_threshold(baseline: Decimal, level: int) -> Decimal:
    """The score that is exactly ``level`` % better than ``baseline`` (baseline x (100 - level) %).

    A visit score at or below it has reached the response, by the same exact rule as
    :func:`repigment.clinical.response.classify_response`.
    """
    if level not in RESPONSE_THRESHOLDS:
        allowed = ", ".join(str(value) for value in RESPONSE_THRESHOLDS)
        raise ClinicalInputError("level", f"must be one of {allowed}")
    if isinstance(baseline, bool) or not isinstance(baseline, Decimal) or not baseline.is_finite():
        raise ClinicalInputError("baseline", "must be a decimal number")
    if baseline <= 0:
        raise ClinicalInputError("baseline", "must be greater than 0 (no improvement from 0)")
    return baseline * (100 - level) / 100
