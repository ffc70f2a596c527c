"""What to expect: how the cream is used, how long change takes, what a response means."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from repigment.clinical.trials import LTE_WITHDRAWAL, WITHDRAWN_TO_VEHICLE
from repigment.knowledge.content import Number, Percent, Section, fact
from repigment.knowledge.pages import evidence, medicine

RESPONSE_MAY_NEED_WEEKS = 24
EU_REVIEW_WEEK = 52
EU_REVIEW_REPIGMENTATION_PERCENT = Decimal(25)

SOURCES: Mapping[str, tuple[str, ...]] = {
    "RESPONSE_MAY_NEED_WEEKS": ("physiciansweekly-fda-approval-2022", "rxreasoner-eu-smpc"),
    "EU_REVIEW_WEEK": ("rxreasoner-eu-smpc",),
    "EU_REVIEW_REPIGMENTATION_PERCENT": ("rxreasoner-eu-smpc",),
}

SMALLEST_AREA = fact(
    "expect.smallest_area",
    _("Put the cream only on the patches that need treatment, on the smallest area necessary."),
    ["rxreasoner-eu-smpc"],
)
SLOW = fact(
    "expect.slow",
    _(
        "Change is slow. A satisfactory response may need more than %(weeks)s weeks of "
        "twice-daily use, so the cream is used for months before one can judge it."
    ),
    ["physiciansweekly-fda-approval-2022", "rxreasoner-eu-smpc"],
    weeks=Number(RESPONSE_MAY_NEED_WEEKS),
)
EU_REVIEW = fact(
    "expect.eu_review",
    _(
        "The European label advises thinking about stopping if the treated areas have less "
        "than %(percent)s repigmentation at week %(week)s."
    ),
    ["rxreasoner-eu-smpc"],
    percent=Percent(EU_REVIEW_REPIGMENTATION_PERCENT),
    week=Number(EU_REVIEW_WEEK),
)
STOP_AND_RESTART = fact(
    "expect.stop_and_restart",
    _(
        "Once an area has repigmented well enough, its treatment can stop, and it can start "
        "again if the white patches come back. The dose does not need to be reduced step by "
        "step."
    ),
    ["rxreasoner-eu-smpc"],
)
AFTER_STOPPING = fact(
    "expect.after_stopping",
    _(
        "Repigmentation does not always last after stopping: among trial patients who stopped "
        "after a very good response, %(kept)s still had F-VASI75 about a year later."
    ),
    ["medicom-aad-2023-withdrawal"],
    kept=evidence.share(LTE_WITHDRAWAL, "F-VASI75 maintained", 104, WITHDRAWN_TO_VEHICLE),
)

SECTIONS = (
    Section(
        "use",
        _("Using the cream"),
        (
            medicine.DOSE,
            SMALLEST_AREA,
            medicine.HOURS_APART,
            medicine.NO_OCCLUSION,
            medicine.NOT_ON,
            medicine.WAIT,
        ),
        listed=True,
    ),
    Section("time", _("How long it takes"), (SLOW, EU_REVIEW, STOP_AND_RESTART, AFTER_STOPPING)),
    Section(
        "response",
        _("What a response means"),
        (evidence.RESPONSE, evidence.RESULT_24, evidence.RESULT_52),
    ),
)
