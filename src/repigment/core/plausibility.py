"""The words for a body-surface value no region could hold (rules in clinical.body_surface).

A lost decimal comma turns "2,5" into 25; a face cannot be 25 % of the body, so the form says so
and why, in the person's language, instead of saving a tenfold value.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from repigment.clinical.body_surface import check_region

#: A region as the subject of a sentence.
REGION_SUBJECTS = {
    "face": gettext_lazy("The face"),
    "head_neck": gettext_lazy("The head and neck"),
    "hands": gettext_lazy("The two hands"),
    "upper_limbs": gettext_lazy("The two arms (without the hands)"),
    "trunk": gettext_lazy("The trunk"),
    "lower_limbs": gettext_lazy("The two legs (without the feet)"),
    "feet": gettext_lazy("The two feet"),
}


def _number(value: Decimal) -> str:
    return number_format(value.normalize(), use_l10n=True)


def implausible_percent(region: str, percent: Decimal, age_years: int) -> str | None:
    """Why ``percent`` % of the body cannot be in ``region`` at this age; None when it can."""
    return _reason(
        region, percent, age_years,
        _("%(region)s is about %(max)s %% of the body in adults; %(value)s %% cannot be right."),
        _("%(region)s is about %(max)s %% of the body at age %(age)s; "
          "%(value)s %% cannot be right."),
    )  # fmt: skip


def implausible_hand_units(region: str, units: Decimal, age_years: int) -> str | None:
    """Why ``units`` hand units (one is about 1 % of the body) cannot fit ``region``; or None."""
    return _reason(
        region, units, age_years,
        _("%(region)s is about %(max)s hand units in adults; %(value)s cannot be right."),
        _("%(region)s is about %(max)s hand units at age %(age)s; %(value)s cannot be right."),
    )  # fmt: skip


def _reason(region: str, value: Decimal, age_years: int, adult: str, child: str) -> str | None:
    """The adult or the child wording filled in, when ``value`` exceeds the region's size."""
    found = check_region(region, value, age_years)
    if found is None:
        return None
    values = {
        "region": REGION_SUBJECTS[region],
        "max": _number(found.maximum),
        "value": _number(value),
        "age": age_years,
    }
    return (adult if found.adult else child) % values
