"""Which sourced statements are due for re-checking, and recording a re-check.

Three kinds of statement cite sources: the reference list (``clinical.references``, kept in
code), the country facts and the documents to prepare (``access``, kept in data files and
loaded into the database). Each records the day its source was read and by whom; one that was
not recorded, or read more than 12 months ago, is due. A maintainer re-reads the source and
records the day here: a ``SourceCheck`` row (append-only, audited) and, for country facts and
documents, the row's own reading, which a reload of the same words and sources keeps.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet

from repigment.access.models import ChecklistItem, Fact
from repigment.accounts.models import User
from repigment.clinical.provenance import RECHECK_AFTER_MONTHS, Read, months_before
from repigment.clinical.references import REFERENCES, Reference
from repigment.knowledge.models import CheckedKind, SourceCheck

SUBJECT_LENGTH = 300


class UnknownStatement(LookupError):
    """No reference, fact or document has this kind and key."""


def cutoff(today: date) -> date:
    """Read before this day means due for re-checking."""
    return months_before(today, RECHECK_AFTER_MONTHS)


@dataclass(frozen=True)
class ShownReading:
    """A reading as a page shows it: the day (or None), who, and whether it is due."""

    on: date | None
    by: str
    due: bool


def shown(read: Read, today: date) -> ShownReading:
    return ShownReading(read.on, read.by, read.due(today))


def site_reading(check: SourceCheck) -> Read:
    return Read(check.checked_on, f"{check.checked_by.full_name or check.checked_by.email}")


# --- References (kept in code; re-checks recorded here) -------------------------------------


def reference_readings(ids: Iterable[str] | None = None) -> dict[str, Read]:
    """The latest reading of each reference: the code's, or a later re-check (one query)."""
    wanted = list(REFERENCES) if ids is None else list(ids)
    readings = {ref_id: REFERENCES[ref_id].read for ref_id in wanted if ref_id in REFERENCES}
    checks = (
        SourceCheck.objects.filter(kind=CheckedKind.REFERENCE, key__in=wanted)
        .select_related("checked_by")
        .order_by("key", "-checked_on", "-pk")
    )
    for check in checks:
        known = readings.get(check.key)
        if known is not None and (known.on is None or known.on < check.checked_on):
            readings[check.key] = site_reading(check)
    return readings


@dataclass(frozen=True)
class ReferenceRow:
    reference: Reference
    read: Read


def due_references(today: date) -> list[ReferenceRow]:
    readings = reference_readings()
    rows = [ReferenceRow(REFERENCES[ref_id], read) for ref_id, read in readings.items()]
    return sorted(
        (row for row in rows if row.read.due(today)),
        key=lambda row: (row.read.on or date.min, row.reference.citation.lower()),
    )


# --- Country facts and documents to prepare (rows in the access app) ------------------------


def _due(today: date) -> Q:
    return Q(read_on__isnull=True) | Q(read_on__lt=cutoff(today))


def due_facts(today: date) -> QuerySet[Fact]:
    return (
        Fact.objects.filter(_due(today))
        .select_related("country", "route__country")
        .prefetch_related("sources")
        .order_by("read_on", "country__name", "route__country__name", "pk")
    )


def due_checklist_items(today: date) -> QuerySet[ChecklistItem]:
    return (
        ChecklistItem.objects.filter(_due(today))
        .select_related("route__country")
        .prefetch_related("sources")
        .order_by("read_on", "route__country__name", "pk")
    )


def recent_checks(limit: int = 20) -> list[SourceCheck]:
    return list(SourceCheck.objects.select_related("checked_by")[:limit])


# --- Recording a re-check -------------------------------------------------------------------


@transaction.atomic
def record_recheck(user: User, kind: str, key: str, today: date, note: str = "") -> SourceCheck:
    """Record that ``user`` re-read the sources behind one statement today.

    Raises UnknownStatement when nothing of that kind has that key; nothing is written then.
    """
    if kind == CheckedKind.REFERENCE:
        reference = REFERENCES.get(key)
        if reference is None:
            raise UnknownStatement(f"no reference {key!r}")
        previous = reference_readings([key])[key].on
        subject = f"{reference.citation}: {reference.title}"
    elif kind in (CheckedKind.COUNTRY_FACT, CheckedKind.CHECKLIST_ITEM):
        previous, subject = _recheck_row(kind, key, user, today)
    else:
        raise UnknownStatement(f"no kind {kind!r}")
    return SourceCheck.objects.create(
        kind=kind,
        key=key,
        subject=subject[:SUBJECT_LENGTH],
        checked_on=today,
        checked_by=user,
        previous_on=previous,
        note=note[:SUBJECT_LENGTH],
    )


def _recheck_row(kind: str, key: str, user: User, today: date) -> tuple[date | None, str]:
    model: type[Fact] | type[ChecklistItem] = (
        Fact if kind == CheckedKind.COUNTRY_FACT else ChecklistItem
    )
    if not key.isdigit():
        raise UnknownStatement(f"no {kind} {key!r}")
    row = model.objects.select_for_update().filter(pk=int(key)).first()
    if row is None:
        raise UnknownStatement(f"no {kind} {key!r}")
    previous = row.read_on
    row.read_on = today
    row.read_by = f"{user.full_name or user.email} (re-checked on the site)"[:200]
    row.save(update_fields=["read_on", "read_by"])
    subject = row.text if isinstance(row, Fact) else row.label
    return previous, subject
