"""The visit page's POST data, built the way the browser sends it."""

from __future__ import annotations

from datetime import date
from typing import Any

from repigment.accounts.models import User
from repigment.assessments.models import REGION_LABELS

Rows = dict[str, list[tuple[str, str]]]


def visit_post(
    day: date, assessor: User, rows: Rows, action: str = "save", **fields: Any
) -> dict[str, Any]:
    """Form data for a visit: ``rows`` maps a region to (hand units, grade) pairs."""
    data: dict[str, Any] = {
        "visit_date": day.isoformat(),
        "assessor": assessor.pk,
        "fvasi_scored": "on",
        "tvasi_scored": "on",
        "affected_bsa_percent": "",
        "facial_bsa_percent": "",
        "vns": "",
        "notes": "",
        "action": action,
    }
    for region in REGION_LABELS:
        region_rows = rows.get(region, [])
        data[f"{region}-TOTAL_FORMS"] = str(max(len(region_rows), 1))
        data[f"{region}-INITIAL_FORMS"] = "0"
        for index, (units, grade) in enumerate(region_rows):
            data[f"{region}-{index}-hand_units"] = units
            data[f"{region}-{index}-depigmentation"] = grade
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}
