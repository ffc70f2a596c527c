"""What changed between two saved versions of a visit, in words for the history page."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from repigment.assessments.models import REGION_LABELS, Noticeability, Visit, VisitVersion

FIELD_LABELS = {
    "visit_date": _lazy("Visit date"),
    "assessor": _lazy("Assessor"),
    "fvasi_scored": _lazy("F-VASI scored"),
    "tvasi_scored": _lazy("T-VASI scored"),
    "fvasi_total": _lazy("F-VASI"),
    "tvasi_total": _lazy("T-VASI"),
    "affected_bsa_percent": _lazy("Affected BSA %"),
    "facial_bsa_percent": _lazy("Facial BSA %"),
    "vns": _lazy("Noticeability (VNS)"),
    "notes": _lazy("Notes"),
}


@dataclass(frozen=True)
class Change:
    what: str
    before: str
    after: str


@dataclass(frozen=True)
class VersionView:
    version: VisitVersion
    changes: list[Change]


def history(visit: Visit) -> list[VersionView]:
    """Every version, newest first, each with its changes from the one before it."""
    versions = list(visit.versions.select_related("saved_by").order_by("number"))
    views = []
    previous: dict[str, Any] | None = None
    for version in versions:
        views.append(VersionView(version, changes(previous, version.snapshot)))
        previous = version.snapshot
    return list(reversed(views))


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> list[Change]:
    if before is None:
        return []
    found = [
        Change(str(label), _show(name, before.get(name)), _show(name, after.get(name)))
        for name, label in FIELD_LABELS.items()
        if before.get(name) != after.get(name)
    ]
    return found + _entry_changes(before.get("entries", []), after.get("entries", []))


def _entry_changes(before: list[list[Any]], after: list[list[Any]]) -> list[Change]:
    old, new = Counter(map(tuple, before)), Counter(map(tuple, after))
    regions = sorted({(row[0], row[1]) for row in (*old, *new)})
    found = []
    for instrument, region in regions:
        was = _rows_text(old, instrument, region)
        now = _rows_text(new, instrument, region)
        if was != now:
            label = f"{instrument} · {REGION_LABELS.get(region, region)}"
            found.append(Change(label, was or "—", now or "—"))
    return found


def _rows_text(rows: Counter[tuple[Any, ...]], instrument: str, region: str) -> str:
    parts = []
    for row, count in sorted(rows.items()):
        if row[0] == instrument and row[1] == region:
            text = _("%(units)s HU at %(grade)s %%") % {"units": row[2], "grade": row[3]}
            parts.extend([text] * count)
    return "; ".join(parts)


def _show(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if name == "vns":
        return str(Noticeability(value).label)
    return str(value)
