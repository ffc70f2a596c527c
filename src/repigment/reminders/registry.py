"""What a reminder source is, and the sources listed in ``settings.REMINDER_SOURCES``.

A source belongs to the app whose data it reads (like ``DEMO_BUILDERS``), so this app imports
none of them: an app adds its own reminders by adding one line to the setting. A source names
its kinds and, given a day, yields everything outstanding on that day; what it no longer
yields is closed as resolved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from functools import cache, lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import get_language, gettext_lazy

from repigment.accounts.models import Clinic, User
from repigment.clinical.references import Reference, get_reference
from repigment.patients.models import Patient


class Urgency(IntEnum):
    """How a work list ranks a kind: safety first, then reviews of patients, then reports owed
    to the regulator, then the rest; within a group, the soonest due first."""

    SAFETY = 0
    REVIEW = 1
    REPORT = 2
    OTHER = 3


#: What each group of a work list is called.
URGENCY_LABELS = {
    Urgency.SAFETY: gettext_lazy("Safety"),
    Urgency.REVIEW: gettext_lazy("Reviews due"),
    Urgency.REPORT: gettext_lazy("Reports owed to the regulator"),
    Urgency.OTHER: gettext_lazy("Other reminders"),
}


@dataclass(frozen=True)
class Kind:
    """One kind of reminder: its text for staff and, if patients hear of it, their message.

    Texts are lazy translations formatted with the reminder's params (``%(due)s`` and any
    the source adds), so each person reads them in their own language.
    """

    code: str
    title: Promise
    reference_ids: tuple[str, ...] = ()
    patient_subject: Promise | None = None
    patient_body: Promise | None = None
    urgency: Urgency = Urgency.OTHER
    #: For a notice given ahead of a deadline (an expiry): the param holding the deadline's
    #: day (ISO). Such a reminder is overdue only once that day has passed, not from the day
    #: the notice was given.
    deadline_param: str | None = None

    def overdue(self, due_on: date, params: Mapping[str, Any], today: date) -> bool:
        if self.deadline_param and params.get(self.deadline_param):
            return date.fromisoformat(str(params[self.deadline_param])) < today
        return due_on < today

    @property
    def references(self) -> list[Reference]:
        return [get_reference(ref_id) for ref_id in self.reference_ids]


@dataclass(frozen=True)
class Due:
    """Something outstanding: the key makes it one reminder, however often it is found."""

    key: str
    kind: str
    due_on: date
    clinic: Clinic
    patient: Patient | None = None
    responsible_role: str = ""
    responsible_user: User | None = None
    params: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    notify_patient: bool = False


class Source(Protocol):
    kinds: Mapping[str, Kind]

    def due(self, today: date) -> Iterable[Due]: ...


@cache
def sources() -> tuple[Source, ...]:
    return tuple(import_string(path) for path in settings.REMINDER_SOURCES)


def kinds() -> dict[str, Kind]:
    return {code: kind for source in sources() for code, kind in source.kinds.items()}


def kind_of(code: str) -> Kind | None:
    return kinds().get(code)


#: A number no URL holds otherwise, reversed in its place and then swapped for the id.
_MARKER = 987654321987


def url_with_pk(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a source that makes thousands of reminders: the
    pattern is reversed once (per script prefix and language), then only the id changes."""
    before, after = _url_parts(name, get_script_prefix(), get_language())
    return f"{before}{pk}{after}"


@lru_cache(maxsize=64)
def _url_parts(name: str, prefix: str, language: str | None) -> tuple[str, str]:
    before, marker, after = reverse(name, args=[_MARKER]).rpartition(str(_MARKER))
    assert marker, f"{name} does not show its argument"
    return before, after
