"""``{% safety_panel clinics %}``: the safety block of the prescriber's dashboard panel."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from repigment.accounts.models import Clinic, Role
from repigment.patients.access import record_read
from repigment.safety.dashboard import safety_summary

register = template.Library()


@register.inclusion_tag("safety/_dashboard.html", takes_context=True)
def safety_panel(context: dict[str, Any], clinics: Iterable[Clinic]) -> dict[str, Any]:
    """Serious events without a sent report are named with their patient; each is audited."""
    summary = safety_summary(clinics)
    request = context.get("request")
    for row in summary:
        for event in row["to_report"]:
            record_read(
                request, event.patient, Role.PRESCRIBER, "dashboard_adverse_event", event.pk
            )  # type: ignore[arg-type]
    return {"safety": {"clinics": summary}}
