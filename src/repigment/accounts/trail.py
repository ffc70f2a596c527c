"""Reading the audit trail at any size: what an auditor may see, filters, pages and the CSV.

A page walks one index newest first and stops after a page: no OFFSET and no COUNT. Each
filter has its index (``(clinic|actor|action, time, id)``; a patient through ``AuditPatient``'s
``(patient_id, entry)``), dates are half-open ranges on ``time`` in the site's time zone, and
the link to the older page carries the (time, id) of the last entry shown (``Cursor``). The CSV
streams from an iterator, a chunk at a time, so its memory does not grow with the trail.
"""

from __future__ import annotations

import csv
import io
import operator
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import reduce
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from repigment.accounts.models import AuditEntry, AuditPatient, Clinic, Membership, Role, User
from repigment.accounts.permissions import user_clinics

PAGE_SIZE = 50
#: Beyond this many clinics, an auditor's scope is one part (SQLite merges at most 500).
MAX_PARTS = 400
#: Patient ids shown per entry on a page or in the API; the rest are counted.
SHOWN_PATIENTS = 20
EXPORT_CHUNK = 1000
CSV_COLUMNS = (
    "time", "actor_email", "role", "clinic", "action", "object_type", "object_id", "also",
    "patient_ids", "path", "client_address", "request_id", "id", "hash",
)  # fmt: skip

#: The patients of some clinics, as a queryset of ids. The patients app (a higher app) sets
#: it, so that an entry naming patients of several clinics reaches each clinic's auditors.
PatientsOf = Callable[[QuerySet[Clinic]], QuerySet[Any]]
_patients_of: list[PatientsOf] = []


def register_patients_of(function: PatientsOf) -> None:
    _patients_of[:] = [function]


@dataclass(frozen=True)
class Cursor:
    """Where the next (older) page starts: just after this entry."""

    time: datetime
    id: int

    def token(self) -> str:
        return f"{self.time.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}~{self.id}"

    @classmethod
    def parse(cls, token: str) -> Cursor:
        """Read a token; ValueError when it is not one this module wrote."""
        stamp, _, pk = token.partition("~")
        moment = datetime.strptime(stamp, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)
        if not pk.isdigit() or len(pk) > 18:
            raise ValueError("not a page link")
        return cls(moment, int(pk))

    @classmethod
    def after(cls, entry: AuditEntry) -> Cursor:
        return cls(entry.time, entry.pk)


@dataclass(frozen=True)
class Scope:
    """What an auditor may read, as disjoint parts: one per clinic (a walk down the
    ``(clinic, time, id)`` index) and the entries of no one clinic."""

    parts: tuple[Q, ...]

    def entries(self) -> QuerySet[AuditEntry]:
        """All of it as one queryset (for the export, which reads everything anyway)."""
        return AuditEntry.objects.filter(reduce(operator.or_, self.parts))


def visible(auditor: User, only: Clinic | None = None) -> Scope:
    """Entries an auditor may read: their clinics' entries; entries of no one clinic when a
    member of their clinics acted, nobody did (an unknown log-in), or they name a patient of
    their clinics. ``only`` narrows to one of those clinics (the clinic switcher's choice)."""
    clinics = user_clinics(auditor, [Role.AUDITOR])
    if only is not None:
        clinics = clinics.filter(pk=only.pk)
    members = Membership.objects.filter(clinic__in=clinics).values("user_id")
    unattached = Q(actor__in=members) | Q(actor__isnull=True)
    if _patients_of:
        naming = AuditPatient.objects.filter(
            entry=OuterRef("pk"), patient_id__in=_patients_of[0](clinics)
        )
        unattached |= Q(Exists(naming))
    own = [Q(clinic_id=pk) for pk in clinics.values_list("pk", flat=True)]
    if len(own) > MAX_PARTS:
        own = [Q(clinic__in=clinics)]
    return Scope((*own, Q(clinic__isnull=True) & unattached))


def filtered(entries: QuerySet[AuditEntry], data: dict[str, Any]) -> QuerySet[AuditEntry]:
    """Apply the auditor's filters; each one is an equality or a range an index serves."""
    if data.get("user"):
        people = User.objects.filter(email__icontains=data["user"]).values("pk")
        entries = entries.filter(actor__in=people)
    if data.get("patient"):
        named = AuditPatient.objects.filter(patient_id=data["patient"]).values("entry_id")
        entries = entries.filter(pk__in=named)
    if data.get("action"):
        entries = entries.filter(action=data["action"])
    if data.get("date_from"):
        entries = entries.filter(time__gte=_midnight(data["date_from"]))
    if data.get("date_to"):
        entries = entries.filter(time__lt=_midnight(data["date_to"] + timedelta(days=1)))
    return entries


def _midnight(day: date) -> datetime:
    """The start of ``day`` in the site's time zone (a day's entries: [midnight, next one))."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def newest_first(entries: QuerySet[AuditEntry], before: Cursor | None) -> QuerySet[AuditEntry]:
    if before is not None:
        # ``time <= t`` bounds the index walk; the OR only breaks ties at that instant.
        entries = entries.filter(time__lte=before.time).filter(
            Q(time__lt=before.time) | Q(pk__lt=before.id)
        )
    return entries.order_by("-time", "-pk")


def page(
    scope: Scope, data: dict[str, Any], before: Cursor | None, size: int = PAGE_SIZE
) -> tuple[list[AuditEntry], Cursor | None]:
    """One page of the filtered scope, newest first, with the patients each entry names (the
    first few, and a count), and the cursor of the next page (None on the last).

    Each part of the scope gives its newest ``size + 1`` (time, id) down its own index; one
    statement merges them, so the page costs the same whatever the size of the trail.
    """
    parts = [
        newest_first(filtered(AuditEntry.objects.filter(part), data), before).values_list(
            "pk", "time"
        )[: size + 1]
        for part in scope.parts
    ]
    ids = _newest_ids(parts, size + 1)
    rows = sorted(
        with_patients(AuditEntry.objects.filter(pk__in=ids)),
        key=lambda row: (row.time, row.pk),
        reverse=True,
    )
    more = len(rows) > size
    rows = rows[:size]
    return rows, Cursor.after(rows[-1]) if more else None


def _newest_ids(parts: list[QuerySet[Any]], limit: int) -> list[int]:
    """The ids of the newest ``limit`` rows of several (id, time) queries, in one statement."""
    compiled = [part.query.sql_with_params() for part in parts]
    union = " UNION ALL ".join(
        f"SELECT * FROM ({sql}) part{n}" for n, (sql, _) in enumerate(compiled)
    )
    params = [param for _, part_params in compiled for param in part_params]
    sql = f"SELECT * FROM ({union}) parts ORDER BY 2 DESC, 1 DESC LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for pk, _time in cursor.fetchall()]


def with_patients(entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    shown = AuditPatient.objects.order_by("patient_id")[:SHOWN_PATIENTS]
    count = (
        AuditPatient.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(n=Count("*"))
        .values("n")
    )
    return (
        entries.select_related("clinic")
        .annotate(patient_count=Subquery(count))
        .prefetch_related(Prefetch("patients", queryset=shown, to_attr="shown_patients"))
    )


def shown_patient_ids(rows: Iterable[AuditEntry]) -> list[int]:
    """The patients a page shows: reading them is itself a read of those patients."""
    return sorted({named.patient_id for row in rows for named in row.shown_patients})  # type: ignore[attr-defined]


def for_export(entries: QuerySet[AuditEntry]) -> QuerySet[AuditEntry]:
    """The entries an export writes, fixed now: none written after this moment joins them."""
    newest = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    return entries.filter(pk__lte=newest or 0)


def patients_named(entries: QuerySet[AuditEntry]) -> list[int]:
    """Every patient the entries name, once (what exporting them discloses)."""
    named = AuditPatient.objects.filter(entry__in=entries.values("pk"))
    return list(named.order_by("patient_id").values_list("patient_id", flat=True).distinct())


def csv_lines(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    """The CSV, a line at a time, reading EXPORT_CHUNK entries (and their patients) at once."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(CSV_COLUMNS)
    chunk: list[AuditEntry] = []
    for entry in newest_first(entries, None).select_related("clinic").iterator(EXPORT_CHUNK):
        chunk.append(entry)
        if len(chunk) == EXPORT_CHUNK:
            yield from _chunk_lines(chunk, line)
            chunk = []
    yield from _chunk_lines(chunk, line)


def _chunk_lines(chunk: list[AuditEntry], line: Callable[[Iterable[Any]], str]) -> Iterator[str]:
    """The lines of a chunk of entries, their patients read in one query as plain pairs (a
    model instance per named patient cost ten times the rest of the export)."""
    named: dict[int, list[int]] = {}
    pairs = AuditPatient.objects.filter(entry_id__in=[entry.pk for entry in chunk])
    for entry_id, patient_id in pairs.values_list("entry_id", "patient_id").iterator():
        named.setdefault(entry_id, []).append(patient_id)
    for entry in chunk:
        entry.name_patients(named.get(entry.pk, ()))
        yield line(_csv_values(entry))


def _csv_values(entry: AuditEntry) -> list[Any]:
    also = "; ".join(" ".join(part for part in row if part) for row in entry.also)
    return [
        entry.time.astimezone(UTC).isoformat(),
        entry.actor_email,
        entry.role,
        entry.clinic.name if entry.clinic else "",
        entry.action,
        entry.object_type,
        entry.object_id,
        also,
        " ".join(str(pk) for pk in entry.patient_ids),
        entry.path,
        entry.client_address or "",
        entry.request_id,
        entry.pk,
        entry.hash,
    ]
