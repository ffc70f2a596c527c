"""What the prescriber's dashboard shows about safety, clinic by clinic."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from repigment.accounts.models import Clinic
from repigment.safety.models import AdverseEvent


def safety_summary(clinics: Iterable[Clinic]) -> list[dict[str, Any]]:
    """Per clinic: serious events with no report sent (highlighted) and reports to review."""
    summary = []
    for clinic in clinics:
        events = AdverseEvent.objects.filter(patient__clinic=clinic).select_related(
            "patient__clinic"
        )
        to_report = list(events.needing_report())
        summary.append(
            {
                "clinic": clinic,
                "to_report": to_report,
                "to_report_count": len(to_report),
                "to_review": events.awaiting_review().count(),
            }
        )
    return summary
