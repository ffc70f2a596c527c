"""The label's quantity limit applied at the pharmacy counter: may one more pack go out now?

The label limits the amount used, not the packs handed over, so the pharmacy reads them as a
pace: a pack "lasts" the days it takes to use it at the label's weekly maximum (one 60 g tube a
week or one 100 g tube per two weeks under the FDA label; two 100 g tubes in any month under
the EMA SmPC, CLINICAL.md §4). A pack may go out only if the grams dispensed in that many days
before it, with it, stay within the weekly maximum for those days, and the prescription's own
weekly amount is within the limit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.label import (
    EMA_LONGEST_MONTH_DAYS,
    EMA_MAX_GRAMS_PER_MONTH,
    FDA_MAX_GRAMS_PER_WEEK_60G_TUBES,
    FDA_MAX_GRAMS_PER_WEEK_100G_TUBES,
    JURISDICTIONS,
)


def weekly_limit(jurisdiction: str, pack_grams: int) -> Decimal:
    """The label's largest weekly amount for packs of this size (grams a week)."""
    if jurisdiction not in JURISDICTIONS:
        raise ClinicalInputError("jurisdiction", f"must be one of {', '.join(JURISDICTIONS)}")
    if jurisdiction == "FDA":
        if pack_grams >= 100:
            return FDA_MAX_GRAMS_PER_WEEK_100G_TUBES
        return FDA_MAX_GRAMS_PER_WEEK_60G_TUBES
    return EMA_MAX_GRAMS_PER_MONTH * 7 / EMA_LONGEST_MONTH_DAYS


def window_days(limit_per_week: Decimal, pack_grams: int) -> int:
    """Days one pack lasts at the weekly limit, rounded up (60 g at 60 g a week: 7 days)."""
    return math.ceil(Decimal(pack_grams) * 7 / limit_per_week)


@dataclass(frozen=True)
class PaceCheck:
    within: bool
    limit_per_week: Decimal
    window_days: int
    grams_in_window: int  # dispensed in the window, this pack included
    implied_per_week: Decimal  # the weekly amount those grams imply
    prescribed_per_week: Decimal | None
    reason: str


def check_pace(
    *,
    jurisdiction: str,
    pack_grams: int,
    today: date,
    earlier: Sequence[tuple[date, int]],
    prescribed_per_week: Decimal | None,
) -> PaceCheck:
    """Whether one more pack of ``pack_grams`` may go out on ``today`` after ``earlier``
    dispenses ((day, grams) pairs) without passing the label's weekly limit."""
    limit = weekly_limit(jurisdiction, pack_grams)
    days = window_days(limit, pack_grams)
    start = today - timedelta(days=days - 1)
    grams = pack_grams + sum(g for day, g in earlier if start <= day <= today)
    implied = (Decimal(grams) * 7 / days).quantize(Decimal("0.1"))
    shown = f"{limit.quantize(Decimal('0.1'))} g a week"
    if prescribed_per_week is not None and prescribed_per_week > limit:
        reason = (
            f"The prescription asks for {prescribed_per_week.normalize()} g a week, above the "
            f"{jurisdiction} label's {shown}."
        )
        return PaceCheck(False, limit, days, grams, implied, prescribed_per_week, reason)
    if Decimal(grams) > limit * days / 7:
        reason = (
            f"{grams} g in the last {days} days with this pack is about "
            f"{implied} g a week, above the {jurisdiction} label's {shown}."
        )
        return PaceCheck(False, limit, days, grams, implied, prescribed_per_week, reason)
    reason = f"{grams} g in {days} days (about {implied} g a week): within {shown}."
    return PaceCheck(True, limit, days, grams, implied, prescribed_per_week, reason)
