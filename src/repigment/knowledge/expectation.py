"""What share of trial patients had reached F-VASI50/75/90 by a given week of treatment.

Pure Python over ``repigment.clinical.trials``: only the confirmed figures stored there, only
the twice-daily cream arm and its vehicle comparison, and only the phase 3 TRuE-V trials (the
small phase 2 trial's figures, such as its week-52 F-VASI90 in one arm, are not put beside
them). The answer is a population result from
the trials at the latest assessment on or before the week asked about; it is never a
prediction for one person, and the pages must word it that way.
"""

from __future__ import annotations

from dataclasses import dataclass

from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.trials import (
    RUXOLITINIB_BID,
    TRIAL_RESULTS,
    TRUE_V1,
    TRUE_V2,
    TRUE_V_POOLED,
    VEHICLE,
    TrialResult,
)

THRESHOLDS = ("F-VASI50", "F-VASI75", "F-VASI90")
# Trials whose arms started treatment at week 0 and were assessed on the stated week; the
# long-term withdrawal cohort is a selected group and answers a different question.
TRIALS = (TRUE_V1, TRUE_V2, TRUE_V_POOLED)
MIN_WEEKS = 1
MAX_WEEKS = 520  # ten years: a guard against typing errors, not a clinical limit


@dataclass(frozen=True)
class Share:
    endpoint: str
    cream: tuple[TrialResult, ...]
    vehicle: tuple[TrialResult, ...]


@dataclass(frozen=True)
class Expectation:
    weeks: int
    assessed_week: int | None  # latest assessment on or before ``weeks``; None before the first
    next_week: int | None  # the next assessment after ``weeks``, if any
    shares: tuple[Share, ...]

    @property
    def has_figures(self) -> bool:
        return any(share.cream for share in self.shares)


def assessment_weeks() -> tuple[int, ...]:
    """The weeks at which a confirmed figure for the cream arm exists, in order."""
    return tuple(sorted({row.week for row in _rows(arm=RUXOLITINIB_BID)}))


def expectation_for(weeks: int) -> Expectation:
    """The confirmed trial figures at the latest assessment on or before ``weeks``."""
    if isinstance(weeks, bool) or not isinstance(weeks, int):
        raise ClinicalInputError("weeks", "must be a whole number of weeks")
    if not MIN_WEEKS <= weeks <= MAX_WEEKS:
        raise ClinicalInputError("weeks", f"must be between {MIN_WEEKS} and {MAX_WEEKS}")
    done = [week for week in assessment_weeks() if week <= weeks]
    later = [week for week in assessment_weeks() if week > weeks]
    assessed = done[-1] if done else None
    shares = tuple(
        Share(
            endpoint,
            _rows(endpoint, assessed, RUXOLITINIB_BID) if assessed else (),
            _rows(endpoint, assessed, VEHICLE) if assessed else (),
        )
        for endpoint in THRESHOLDS
    )
    return Expectation(weeks, assessed, later[0] if later else None, shares)


def _rows(
    endpoint: str | None = None, week: int | None = None, arm: str | None = None
) -> tuple[TrialResult, ...]:
    return tuple(
        row
        for row in TRIAL_RESULTS
        if row.trial in TRIALS
        and row.endpoint in THRESHOLDS
        and (endpoint is None or row.endpoint == endpoint)
        and (week is None or row.week == week)
        and (arm is None or row.arm == arm)
    )
