"""Builders for authorisation application tests: routes, records, a prescription, and an
application taken to any state through the real services."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from repigment.access.loader import load_countries
from repigment.access.models import AccessRoute
from repigment.accounts.models import Role, User
from repigment.authorisations import checklist, services, states
from repigment.authorisations.models import (
    AuthorisationApplication,
    Importer,
    PrescriberRecord,
    State,
)
from repigment.patients.models import Activity, Diagnosis, Patient
from repigment.treatment.models import Prescription
from tests.conftest import World
from tests.patients.helpers import TODAY, consent
from tests.safety.helpers import cream

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HPCSA = "MP 0123456"
MOTIVATION = (
    "Tacrolimus and phototherapy failed over two years; no registered medicine in South "
    "Africa repigments facial vitiligo."
)
#: The states in the order a straight run reaches them, with the step that leads there.
PATH = [
    (State.READY, states.MARK_READY),
    (State.SUBMITTED, states.SUBMIT),
    (State.QUERIED, states.QUERY),
]


def section_21() -> AccessRoute:
    load_countries()
    return AccessRoute.objects.get(country__code="ZA", slug="section-21")


def prescriber_record(user: User, **fields: Any) -> PrescriberRecord:
    values = {
        "title": "Dr",
        "hpcsa_number": HPCSA,
        "qualifications": "MBChB, FC Derm (SA)",
        "specialty": "Dermatology",
        "practice_number": "0123456",
        **fields,
    }
    return PrescriberRecord.objects.get_or_create(user=user, defaults=values)[0]


def importer(world: World) -> Importer:
    return Importer.objects.get_or_create(
        sahpra_licence_number="SAHPRA-IMP-0042",
        defaults={
            "name": "Test Import Pharmacy (Pty) Ltd",
            "site_master_file_number": "SMF-0099",
            "address": "12 Main Road\nJohannesburg 2001",
            "pharmacy": world.pharmacy,
        },
    )[0]


def patient_ready(world: World) -> Patient:
    patient = world.patient
    if not patient.consents.exists():
        consent(patient)
    if patient.current_diagnosis() is None:
        Diagnosis.objects.create(
            patient=patient,
            vitiligo_type="non_segmental",
            onset_year=2019,
            activity=Activity.STABLE,
            facial_involvement=True,
        )
    return patient


def cream_prescription(patient: Patient, start: date | None = None, **fields: Any) -> Prescription:
    values: dict[str, Any] = {
        "treated_areas": [
            {"region": "face", "bsa_percent": "2"},
            {"region": "trunk", "bsa_percent": "6"},
        ],
        "planned_weeks": 52,
        "jurisdiction": "EMA",
        "label_overall": "ok",
        "tube_grams": 100,
        "grams_per_week": "28",
        "prescriber": User.objects.get(
            memberships__clinic=patient.clinic, memberships__role=Role.PRESCRIBER
        ),
        "product": cream(),
        **fields,
    }
    return Prescription.objects.create(patient=patient, start_date=start or TODAY(), **values)


def actor(user: User, role: str = Role.PRESCRIBER) -> services.Actor:
    return services.Actor(user, role)


def draft(world: World, day: date | None = None) -> AuthorisationApplication:
    """A draft Section 21 application by the world's prescriber, applicant and importer named."""
    route = section_21()
    prescriber_record(world.prescriber)
    importer(world)
    prescription = cream_prescription(patient_ready(world))
    return services.create_application(prescription, route, actor(world.prescriber), day or TODAY())


def upload(name: str = "document.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def complete_checklist(application: AuthorisationApplication, user: User) -> None:
    """Write the motivation and add and check every gating document."""
    who = actor(user)
    services.save_motivation(application, MOTIVATION, who)
    for row in checklist.rows(application):
        if not row.gates or row.done:
            continue
        if row.how == "generate":
            services.generate_document(application, row.item.code, who)
            continue
        document = services.add_upload(
            application, row.item.code, io.BytesIO(PDF), "doc.pdf", len(PDF), who
        )
        services.check_document(document, who)


def approval(on: date, **fields: Any) -> services.Step:
    values = {
        "authorisation_number": "S21-2026-000123",
        "valid_until": on + timedelta(days=182),
        "authorised_packs": 7,
        "pack_grams": 100,
        **fields,
    }
    return services.Step(on=on, **values)


def step_for(code: str, on: date) -> services.Step:
    if code == states.SUBMIT:
        return services.Step(on=on, reference_number="S21/2026/0456")
    if code == states.APPROVE:
        return approval(on)
    action = states.ACTIONS[code]
    return services.Step(on=on, note="A note." if action.note_required else "")


def move(
    application: AuthorisationApplication, user: User, *codes: str, on: date | None = None
) -> AuthorisationApplication:
    for code in codes:
        day = on or TODAY()
        if code == states.EXPIRE:
            assert application.valid_until is not None
            day = application.valid_until + timedelta(days=1)
        services.transition(application, code, step_for(code, day), actor(user), max(day, TODAY()))
    return application


#: The steps that take a fresh draft to each state.
TO_STATE: dict[str, tuple[str, ...]] = {
    State.DRAFT: (),
    State.READY: (states.MARK_READY,),
    State.SUBMITTED: (states.MARK_READY, states.SUBMIT),
    State.QUERIED: (states.MARK_READY, states.SUBMIT, states.QUERY),
    State.APPROVED: (states.MARK_READY, states.SUBMIT, states.APPROVE),
    State.REJECTED: (states.MARK_READY, states.SUBMIT, states.REJECT),
    State.EXPIRED: (states.MARK_READY, states.SUBMIT, states.APPROVE, states.EXPIRE),
    State.WITHDRAWN: (states.MARK_READY, states.SUBMIT, states.APPROVE, states.WITHDRAW),
}


def application_in(world: World, state: str, complete: bool = True) -> AuthorisationApplication:
    """An application in ``state``; its checklist is complete unless asked otherwise (draft)."""
    application = draft(world)
    if complete or state != State.DRAFT:
        complete_checklist(application, world.prescriber)
    return move(application, world.prescriber, *TO_STATE[state])


@pytest.fixture
def quick_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Generated documents as a tiny PDF (WeasyPrint is slow; the pack tests use the real one)."""
    from repigment.authorisations import pack

    monkeypatch.setattr(pack, "render_pdf", lambda html: PDF)
