"""``{% safety_panel clinics %}``: the safety block of the prescriber's dashboard panel."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from repigment.accounts.models import Clinic, Role
from repigment.patients.access import record_listed
from repigment.safety.dashboard import safety_summary

register = template.Library()


@register.inclusion_tag("safety/_dashboard.html", takes_context=True)
def safety_panel(context: dict[str, Any], clinics: Iterable[Clinic]) -> dict[str, Any]:
    """Serious events without a sent report are named with their patient: the request's entry
    names them all."""
    summary = safety_summary(clinics)
    named = [event.patient for row in summary for event in row["to_report"]]
    record_listed(context["request"], named, "dashboard", Role.PRESCRIBER)
    return {"safety": {"clinics": summary}}
