"""``{% safety_panel clinics %}``: the safety block of the prescriber's dashboard panel."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from repigment.accounts.models import Clinic
from repigment.safety.dashboard import safety_summary

register = template.Library()


@register.inclusion_tag("safety/_dashboard.html")
def safety_panel(clinics: Iterable[Clinic]) -> dict[str, Any]:
    return {"safety": {"clinics": safety_summary(clinics)}}
