"""Reference results from the trials, for the course chart and the comparison panel.

Only figures that CLINICAL.md gives as confirmed. Congress-level or rounded figures say so in
``note`` (marked for translation; pages show it in the reader's language). ``week`` is the
study week at (or by) which the figure was assessed; ``n`` is the
number of patients in the arm where a source gives it, otherwise None.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from repigment.clinical.text import gettext_noop


@dataclass(frozen=True)
class TrialResult:
    trial: str
    endpoint: str
    week: int
    arm: str
    value_percent: Decimal
    n: int | None
    reference: str
    note: str = ""


TRUE_V1 = "TRuE-V1"
TRUE_V2 = "TRuE-V2"
TRUE_V_POOLED = "TRuE-V1/V2 pooled"
PHASE_2 = "Phase 2 (Rosmarin, Lancet 2020)"
LTE_WITHDRAWAL = "TRuE-V LTE randomised-withdrawal cohort"

RUXOLITINIB_BID = "ruxolitinib 1.5% twice daily"
RUXOLITINIB_QD = "ruxolitinib 1.5% once daily"
VEHICLE = "vehicle"
WITHDRAWN_TO_VEHICLE = "withdrawn to vehicle"
CONTINUED_RUXOLITINIB = "continued ruxolitinib 1.5% twice daily"

ENDPOINTS = (
    "F-VASI50",
    "F-VASI75",
    "F-VASI90",
    "F-VASI75 maintained",
    "relapse below F-VASI75",
    "F-VASI90 sustained",
    "F-VASI75 regained on retreatment",
    "F-VASI90 regained on retreatment",
)

_CONGRESS = gettext_noop("EADV 2021 congress figure; the NEJM values may differ slightly")
_ABOUT_51 = gettext_noop("about 51 per cent in both trials (congress report, approximate)")
_ABOUT_15 = gettext_noop("about 15 per cent in both trials (congress report, approximate)")
_ABOUT_2 = gettext_noop("about 2 per cent in both trials (congress report, approximate)")
_LTE = gettext_noop(
    "of 116 patients with F-VASI90 at week 52, re-randomised; about one year after week 52"
)
_LTE_RELAPSE = gettext_noop(
    "of 116 patients with F-VASI90 at week 52, re-randomised; about one year after week 52; "
    "half of relapses within the first 4 months"
)
_LTE_SUSTAINED = gettext_noop(
    "of 116 patients with F-VASI90 at week 52, re-randomised; about one year after week 52; "
    "median duration of F-VASI90 on vehicle 195 days"
)
_RETREAT_12 = gettext_noop(
    "relapsed patients retreated during the extension year; median time to regain about 12 weeks"
)
_RETREAT_15 = gettext_noop(
    "relapsed patients retreated during the extension year; median time to regain about 15 weeks"
)
_POOLED_HALF = gettext_noop("about half, pooled across both trials; not an exact figure")


def _row(
    trial: str, endpoint: str, week: int, arm: str, value: str, ref: str, note: str = ""
) -> TrialResult:
    return TrialResult(trial, endpoint, week, arm, Decimal(value), None, ref, note)


TRIAL_RESULTS: tuple[TrialResult, ...] = (
    # Primary endpoint, week 24: the primary publication's figures (checked against a report of it).
    _row(TRUE_V1, "F-VASI75", 24, RUXOLITINIB_BID, "29.8", "rosmarin-nejm-2022"),
    _row(TRUE_V1, "F-VASI75", 24, VEHICLE, "7.4", "rosmarin-nejm-2022"),
    _row(TRUE_V2, "F-VASI75", 24, RUXOLITINIB_BID, "30.9", "rosmarin-nejm-2022"),
    _row(TRUE_V2, "F-VASI75", 24, VEHICLE, "11.4", "rosmarin-nejm-2022"),
    # Key secondary endpoints, week 24, congress level.
    _row(TRUE_V1, "F-VASI50", 24, RUXOLITINIB_BID, "51", "mdedge-eadv-2021", _ABOUT_51),
    _row(TRUE_V1, "F-VASI50", 24, VEHICLE, "17.2", "mdedge-eadv-2021", _CONGRESS),
    _row(TRUE_V2, "F-VASI50", 24, RUXOLITINIB_BID, "51", "mdedge-eadv-2021", _ABOUT_51),
    _row(TRUE_V2, "F-VASI50", 24, VEHICLE, "23.4", "mdedge-eadv-2021", _CONGRESS),
    _row(TRUE_V1, "F-VASI90", 24, RUXOLITINIB_BID, "15", "mdedge-eadv-2021", _ABOUT_15),
    _row(TRUE_V1, "F-VASI90", 24, VEHICLE, "2", "mdedge-eadv-2021", _ABOUT_2),
    _row(TRUE_V2, "F-VASI90", 24, RUXOLITINIB_BID, "15", "mdedge-eadv-2021", _ABOUT_15),
    _row(TRUE_V2, "F-VASI90", 24, VEHICLE, "2", "mdedge-eadv-2021", _ABOUT_2),
    # Week 52, patients on ruxolitinib from day 1.
    _row(
        TRUE_V_POOLED,
        "F-VASI75",
        52,
        RUXOLITINIB_BID,
        "50",
        "physiciansweekly-fda-approval-2022",
        _POOLED_HALF,
    ),
    # Phase 2 (adults, n=157 in all arms together).
    _row(PHASE_2, "F-VASI50", 24, RUXOLITINIB_BID, "45", "nhs-phase2-2020"),
    _row(PHASE_2, "F-VASI50", 24, RUXOLITINIB_QD, "50", "nhs-phase2-2020"),
    _row(PHASE_2, "F-VASI50", 24, VEHICLE, "3", "nhs-phase2-2020"),
    _row(PHASE_2, "F-VASI50", 52, RUXOLITINIB_BID, "57.6", "seekingalpha-phase2-week52-2019"),
    _row(PHASE_2, "F-VASI75", 52, RUXOLITINIB_BID, "51.5", "seekingalpha-phase2-week52-2019"),
    _row(PHASE_2, "F-VASI90", 52, RUXOLITINIB_BID, "33.3", "seekingalpha-phase2-week52-2019"),
    # Long-term extension, randomised withdrawal (AAD 2023).
    _row(
        LTE_WITHDRAWAL,
        "F-VASI75 maintained",
        104,
        WITHDRAWN_TO_VEHICLE,
        "39.3",
        "medicom-aad-2023-withdrawal",
        _LTE,
    ),
    _row(
        LTE_WITHDRAWAL,
        "relapse below F-VASI75",
        104,
        WITHDRAWN_TO_VEHICLE,
        "28.6",
        "medicom-aad-2023-withdrawal",
        _LTE_RELAPSE,
    ),
    _row(
        LTE_WITHDRAWAL,
        "F-VASI90 sustained",
        104,
        WITHDRAWN_TO_VEHICLE,
        "21.4",
        "medicom-aad-2023-withdrawal",
        _LTE_SUSTAINED,
    ),
    _row(
        LTE_WITHDRAWAL,
        "F-VASI90 sustained",
        104,
        CONTINUED_RUXOLITINIB,
        "61.8",
        "medicom-aad-2023-withdrawal",
        _LTE,
    ),
    _row(
        LTE_WITHDRAWAL,
        "F-VASI75 regained on retreatment",
        104,
        WITHDRAWN_TO_VEHICLE,
        "75",
        "medicom-aad-2023-withdrawal",
        _RETREAT_12,
    ),
    _row(
        LTE_WITHDRAWAL,
        "F-VASI90 regained on retreatment",
        104,
        WITHDRAWN_TO_VEHICLE,
        "68.8",
        "medicom-aad-2023-withdrawal",
        _RETREAT_15,
    ),
)


def results_for(
    endpoint: str | None = None, week: int | None = None, arm: str | None = None
) -> tuple[TrialResult, ...]:
    """Rows matching every filter given, in the order of ``TRIAL_RESULTS``."""
    return tuple(
        row
        for row in TRIAL_RESULTS
        if (endpoint is None or row.endpoint == endpoint)
        and (week is None or row.week == week)
        and (arm is None or row.arm == arm)
    )
