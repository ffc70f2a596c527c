"""What every public page shares: title, navigation, language links and its source list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from repigment.access.models import Country
from repigment.core.public import Link, language_links
from repigment.knowledge.content import Citations
from repigment.knowledge.provenance import reference_readings, shown

PAGES: dict[str, tuple[Promise, Promise, Promise]] = {
    # name: (navigation label, title, lead)
    "home": (
        _("Start"),
        _("Ruxolitinib cream for vitiligo"),
        _(
            "Plain, sourced information about ruxolitinib cream (Opzelura) for vitiligo: what "
            "it is, what the trials showed, what to expect, its risks, and how to obtain it "
            "legally in Africa."
        ),
    ),
    "medicine": (
        _("The medicine"),
        _("About the medicine"),
        _(
            "What the cream is, where it is approved, how it is used, and how it differs from "
            "the tablets that contain the same substance."
        ),
    ),
    "evidence": (
        _("Evidence"),
        _("What the trials showed"),
        _(
            "The two large trials behind the cream: what they measured, what they found, and "
            "what they cannot tell us."
        ),
    ),
    "expect": (
        _("What to expect"),
        _("What to expect"),
        _(
            "Treatment means months of applying the cream twice a day. Here is what the "
            "labels say, and what happened to patients in the trials."
        ),
    ),
    "safety": (
        _("Safety"),
        _("Safety"),
        _(
            "The side effects seen in the trials, the warnings on the label, and when to see "
            "your doctor."
        ),
    ),
    "access": (
        _("Getting it legally"),
        _("Getting the cream legally"),
        _(
            "How the cream can be obtained through the legal route, how to recognise a "
            "trustworthy supplier, and where to report a suspect one."
        ),
    ),
    "unapproved": (
        _("Copies and compounding"),
        _("Compounded and generic products"),
        _(
            "Why a compounded or copied ruxolitinib cream is not the approved medicine, and how "
            "the quality of a batch is judged."
        ),
    ),
    "clinicians": (
        _("For clinicians"),
        _("For clinicians"),
        _(
            "The two labels side by side, the quantity rule, scoring instructions and the "
            "trial population, with references."
        ),
    ),
    "references": (
        _("References"),
        _("References"),
        _(
            "Every source behind the facts on this site, with its quality grade and the day "
            "it was read."
        ),
    ),
}


def page_frame(request: Any, name: str, citations: Citations) -> dict[str, Any]:
    _label, title, lead = PAGES[name]
    return {
        "page_name": name,
        "title": str(title),
        "lead": str(lead),
        "alternates": language_links(request.get_full_path()),
        "sources": sources_with_readings(citations),
    }


def sources_with_readings(citations: Citations) -> list[tuple[int, Any, Any]]:
    """The page's numbered sources, each with the day it was read (one query for all)."""
    used = citations.used()
    readings = reference_readings(ref.id for _number, ref in used)
    today = timezone.localdate()
    return [(number, ref, shown(readings[ref.id], today)) for number, ref in used]


def public_menu() -> list[tuple[str, str]]:
    """The public menu (``settings.PUBLIC_MENU``): each public page with its short label."""
    return [(reverse(f"knowledge:{page}"), str(label)) for page, (label, *_rest) in PAGES.items()]


def researched_countries() -> list[tuple[str, str]]:
    """(code, name) of the countries the navigator has researched, by name."""
    return [(c.slug, c.name) for c in Country.objects.researched().only("code", "name")]


def country_links(countries: Iterable[tuple[str, Promise | str]]) -> list[Link]:
    """Links into the access navigator; empty while that app is not installed."""
    try:
        return [
            Link(reverse("access:country_detail", kwargs={"code": code}), str(name), code=code)
            for code, name in countries
        ]
    except NoReverseMatch:
        return []
