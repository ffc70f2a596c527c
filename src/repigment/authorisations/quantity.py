"""Authorised quantity against what has been dispensed, and when the supply runs out.

The supply app records dispensing; access does not import it. Instead each function listed in
``settings.AUTHORISATION_DISPENSED_PROVIDERS`` is asked how many packs were dispensed against
applications (a dotted path to ``f(applications) -> {application id: packs}``, one query for a
whole list). With none listed, nothing has been dispensed, and the authorised quantity and
validity are shown as they are. A list page calls ``remember_dispensed`` once for its rows.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from repigment.authorisations.models import AuthorisationApplication

DispensedProvider = Callable[[Sequence[AuthorisationApplication]], dict[int, int]]


@cache
def dispensed_providers() -> tuple[DispensedProvider, ...]:
    paths = getattr(settings, "AUTHORISATION_DISPENSED_PROVIDERS", [])
    return tuple(import_string(path) for path in paths)


def dispensed_counts(applications: Sequence[AuthorisationApplication]) -> dict[int, int]:
    """Packs dispensed against each application, as the listed providers count them."""
    totals = dict.fromkeys((a.pk for a in applications), 0)
    for provider in dispensed_providers():
        for pk, packs in provider(applications).items():
            totals[pk] = totals.get(pk, 0) + int(packs)
    return totals


def remember_dispensed(applications: Sequence[AuthorisationApplication]) -> None:
    """Count once for a list, so that each row's ``packs_dispensed`` asks nothing more."""
    counts = dispensed_counts(applications)
    for application in applications:
        application._dispensed_packs = counts[application.pk]  # type: ignore[attr-defined]


def packs_dispensed(application: AuthorisationApplication) -> int:
    """Packs dispensed against this application (remembered for a list, else counted now)."""
    remembered = getattr(application, "_dispensed_packs", None)
    if remembered is not None:
        return int(remembered)
    return dispensed_counts([application])[application.pk]


@dataclass(frozen=True)
class Remaining:
    authorised_packs: int
    pack_grams: int
    dispensed_packs: int
    valid_until: date
    days_left: int
    usable: bool

    @property
    def remaining_packs(self) -> int:
        return max(self.authorised_packs - self.dispensed_packs, 0)

    @property
    def authorised_grams(self) -> int:
        return self.authorised_packs * self.pack_grams

    @property
    def dispensed_grams(self) -> int:
        return self.dispensed_packs * self.pack_grams

    @property
    def remaining_grams(self) -> int:
        return self.remaining_packs * self.pack_grams


def remaining(application: AuthorisationApplication, day: date) -> Remaining | None:
    """What is left of an approved (or once approved) authorisation on ``day``; None before."""
    if application.authorised_packs is None or application.pack_grams is None:
        return None
    assert application.valid_until is not None
    dispensed = packs_dispensed(application)
    return Remaining(
        authorised_packs=application.authorised_packs,
        pack_grams=application.pack_grams,
        dispensed_packs=dispensed,
        valid_until=application.valid_until,
        days_left=application.days_left(day) or 0,
        usable=application.usable_on(day) and dispensed < application.authorised_packs,
    )


def weeks_of_supply(application: AuthorisationApplication) -> int | None:
    """Whole weeks the authorised grams last at the prescription's weekly amount."""
    grams, per_week = application.authorised_grams, application.prescription.grams_per_week
    if grams is None or not per_week:
        return None
    return math.floor(Decimal(grams) / per_week)


def supply_runs_out_on(application: AuthorisationApplication) -> date | None:
    """The first of: the validity end, and the day the authorised quantity is used up when
    used from approval at the prescribed weekly amount."""
    if application.approved_on is None or application.valid_until is None:
        return None
    weeks = weeks_of_supply(application)
    if weeks is None:
        return application.valid_until
    return min(application.valid_until, application.approved_on + timedelta(weeks=weeks))
