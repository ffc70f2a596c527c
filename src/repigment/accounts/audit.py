"""The one way to write the audit trail: ``record(...)``, and one entry per request.

``record(request, action, ...)`` notes what a request did and which patients it named. A
request that passes through ``AuditMiddleware`` writes ONE entry when it ends, whatever and
however often it recorded:

- its ``action`` and object are those of the request's main purpose: the first change
  (create, update, delete, membership, token) if there was one, else the first export,
  lockout or lifting of one, else the first refusal or log-in event, else the first view;
- every other thing it recorded goes into ``also`` as ``[action, object_type, object_id]``
  (once each), so nothing recorded is lost;
- it names every patient any record named (``patient_id=`` / ``patient_ids=``), one
  ``AuditPatient`` row each, written with one insert: a list that shows 50 patients writes one
  entry naming 50, and "who saw this patient" stays one indexed query;
- its clinic is the one all its records agree on, else none; its actor and role are those of
  the main record (else the first given);
- a request that fails (5xx) writes nothing (it changed and showed nothing). A POST, PUT, PATCH
  or DELETE of someone signed in (or presenting an API token) runs in one transaction whose last
  write is its entry, so a change is never stored without its entry nor an entry without its
  change; a read writes its entry after the view.

Without a request (a command, a timer job), or for a request that did not pass through the
middleware, ``record`` writes its entry at once, in the caller's transaction, and returns it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse

from repigment.accounts.models import AuditAction, AuditEntry, Clinic, User

#: The request attribute holding what the request recorded until its entry is written.
PENDING = "_repigment_audit"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
CHANGES = frozenset(
    {
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.DELETE,
        AuditAction.MEMBERSHIP,
        AuditAction.TOKEN,
    }
)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address: the peer Django saw, unless that peer is a reverse proxy named in
    ``settings.TRUSTED_PROXIES``; then the nearest address in X-Forwarded-For that is not one
    (each trusted proxy appends the address it saw; anything further left a client could
    forge). Log-in throttling counts by this same address."""
    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    trusted = settings.TRUSTED_PROXIES
    if peer is None or peer not in trusted:
        return peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed(forwarded.split(",")):
        address = _address(hop)
        if address is None:
            return peer  # a garbled header: the proxy is all we know
        if address not in trusted:
            return address
    return peer


def _address(raw: str) -> str | None:
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return None


#: A lockout says more than the failed log-in that caused it.
OUTRANK_REFUSALS = frozenset(
    {AuditAction.EXPORT, AuditAction.LOCKED_OUT, AuditAction.LOCKOUT_LIFTED}
)


@dataclass(frozen=True)
class Note:
    """One thing a request did, as ``record`` was told it."""

    action: str
    object_type: str
    object_id: str
    clinic: Clinic | None
    role: str
    actor: User | None

    @property
    def rank(self) -> int:
        """How much the action says about the request's purpose (highest wins)."""
        if self.action in CHANGES:
            return 3
        if self.action in OUTRANK_REFUSALS:
            return 2
        return 0 if self.action == AuditAction.VIEW else 1


@dataclass
class Pending:
    """What one request recorded so far; ``entry`` folds it into its one audit entry."""

    notes: list[Note] = field(default_factory=list)
    patients: set[int] = field(default_factory=set)

    def add(self, note: Note, patient_ids: Iterable[int]) -> None:
        self.notes.append(note)
        self.patients.update(patient_ids)

    def entry(self, request: HttpRequest | None) -> AuditEntry | None:
        if not self.notes:
            return None
        main = max(self.notes, key=lambda note: note.rank)  # the first of the highest rank
        actor = main.actor or next((n.actor for n in self.notes if n.actor), None)
        clinics = {note.clinic.pk: note.clinic for note in self.notes if note.clinic}
        also = [
            [note.action, note.object_type, note.object_id] for note in self.notes if note != main
        ]
        entry = AuditEntry(
            actor=actor,
            actor_email=actor.email if actor else "",
            role=main.role or next((n.role for n in self.notes if n.role), ""),
            clinic=next(iter(clinics.values())) if len(clinics) == 1 else None,
            action=main.action,
            object_type=main.object_type,
            object_id=main.object_id,
            also=_unique(also),
            path=request.path[:300] if request is not None else "",
            client_address=client_address(request),
            request_id=getattr(request, "request_id", "") if request is not None else "",
        )
        entry.name_patients(self.patients)
        return entry


def _unique(rows: list[list[str]]) -> list[list[str]]:
    seen: set[tuple[str, ...]] = set()
    kept = []
    for row in rows:
        if tuple(row) not in seen:
            seen.add(tuple(row))
            kept.append(row)
    return kept


def record(
    request: HttpRequest | None,
    action: str,
    *,
    object_type: str = "",
    object_id: object = "",
    patient_id: int | None = None,
    patient_ids: Iterable[int] = (),
    clinic: Clinic | None = None,
    role: str = "",
    actor: User | None = None,
) -> AuditEntry | None:
    """Record one action of the current request (or of a background job when ``request`` is
    None), naming the patients it read or changed.

    Returns the entry when written at once; None when it joins the request's one entry.
    """
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if isinstance(user, User) else None
    note = Note(action, object_type, str(object_id)[:64], clinic, role, actor)
    named = [*patient_ids, *([] if patient_id is None else [patient_id])]
    pending: Pending | None = getattr(request, PENDING, None)
    if pending is not None:
        pending.add(note, named)
        return None
    alone = Pending()
    alone.add(note, named)
    entry = alone.entry(request)
    assert entry is not None
    entry.save()
    return entry


def write_pending(request: HttpRequest) -> AuditEntry | None:
    """Write the request's one entry (if it recorded anything); later records write at once."""
    pending: Pending | None = getattr(request, PENDING, None)
    setattr(request, PENDING, None)
    entry = pending.entry(request) if pending is not None else None
    if entry is not None:
        entry.save()
    return entry


def _may_change(request: HttpRequest) -> bool:
    """An unsafe method from someone signed in or presenting an API token: it may change
    patient data, so it runs in one transaction with its entry. (An anonymous POST, such as the
    language switcher or a log-in, changes none and needs no transaction.)"""
    if request.method in SAFE_METHODS:
        return False
    return request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META


class AuditMiddleware:
    """One audit entry per request, written last (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        setattr(request, PENDING, Pending())
        if not _may_change(request):
            response = self.get_response(request)
            if response.status_code < 500:
                write_pending(request)
            return response
        with transaction.atomic():
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
            else:
                write_pending(request)
        return response
