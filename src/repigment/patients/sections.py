"""Sections that other apps add to a patient's page, each shown only to the roles it names.

The patient page belongs to this app, but visits, prescriptions or safety reports belong to
theirs; an app registers its section in ``AppConfig.ready`` instead of this app importing it.
A section can also go on another page that shows a patient (``page="course"``: the course
page of the assessments app, where the treatment app puts adherence beside the chart).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from repigment.patients.models import Patient

ContextBuilder = Callable[[HttpRequest, Patient, str], dict[str, Any]]


@dataclass(frozen=True)
class Section:
    key: str
    template: str
    roles: tuple[str, ...]
    order: int = 100
    context: ContextBuilder | None = None
    page: str = "detail"  # "detail": the patient page; "course": the course page (assessments)


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> None:
    """Add (or replace, by key) a section of the patient page."""
    _SECTIONS[section.key] = section


def sections_for(
    request: HttpRequest, patient: Patient, role: str, page: str = "detail"
) -> list[dict[str, Any]]:
    """The sections of ``page`` this role may see, with their template and context, in order."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        if role not in section.roles or section.page != page:
            continue
        context = section.context(request, patient, role) if section.context else {}
        shown.append({"key": section.key, "template": section.template, **context})
    return shown
