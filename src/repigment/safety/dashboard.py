"""What the prescriber's dashboard shows about safety, clinic by clinic."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from repigment.accounts.models import Clinic
from repigment.safety.models import AdverseEvent

#: Serious events without a report named on the dashboard; the rest are on the clinic's page.
SHOWN = 5


def safety_summary(clinics: Iterable[Clinic]) -> list[dict[str, Any]]:
    """Per clinic: serious events with no report sent (highlighted) and reports to review."""
    summary = []
    for clinic in clinics:
        events = AdverseEvent.objects.filter(patient__clinic=clinic).select_related(
            "patient__clinic"
        )
        needing = events.needing_report()
        to_report = list(needing[:SHOWN])
        summary.append(
            {
                "clinic": clinic,
                "to_report": to_report,
                "to_report_count": needing.count() if len(to_report) == SHOWN else len(to_report),
                "to_review": events.awaiting_review().count(),
            }
        )
    return summary
