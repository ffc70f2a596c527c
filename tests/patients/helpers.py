"""Small builders for patient tests: consents, a patient in any clinic, visits and photos."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from repigment.accounts.models import Clinic, Role, User
from repigment.assessments.models import Instrument, Photo, ScoreEntry, Visit
from repigment.patients.models import (
    Consent,
    ConsentDocument,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Patient,
)
from tests.conftest import World

TODAY = timezone.localdate


def consent(patient: Patient, *purposes: str, given_on: date | None = None) -> list[Consent]:
    """Current in-person consents by the patient (all four purposes when none are named)."""
    wanted = purposes or tuple(ConsentPurpose.values)
    return [
        Consent.objects.create(
            patient=patient,
            purpose=purpose,
            given_on=given_on or TODAY() - timedelta(days=400),
            method=ConsentMethod.IN_PERSON,
            given_by=ConsentGiver.PATIENT,
        )
        for purpose in wanted
    ]


def patient_in(world: World, clinic: Clinic) -> Patient:
    """The world's patient for its own clinic (and the pharmacy it serves), else one there."""
    if clinic != world.other_clinic:
        return world.patient
    found = Patient.objects.filter(clinic=clinic, record_number="CPT-T-1").first()
    return found or Patient.objects.create(
        clinic=clinic,
        record_number="CPT-T-1",
        given_names="Other",
        family_name="Patient",
        date_of_birth=date(1985, 1, 2),
        sex="male",
        phototype=6,
    )


def consenting_patient_in(world: World, clinic: Clinic) -> Patient:
    patient = patient_in(world, clinic)
    if not patient.consents.exists():
        consent(patient)
    return patient


def prescriber_of(patient: Patient) -> User:
    user = User.objects.filter(
        memberships__clinic=patient.clinic, memberships__role=Role.PRESCRIBER
    ).first()
    assert user is not None
    return user


def visit(
    patient: Patient,
    day: date,
    face: list[tuple[str, int]] = (),
    body: list[tuple[str, str, int]] = (),
    **fields: Any,
) -> Visit:
    """A visit with F-VASI rows (hand units, grade) and T-VASI rows (region, units, grade)."""
    made = Visit.objects.create(
        patient=patient, visit_date=day, assessor=prescriber_of(patient), **fields
    )
    rows = [
        ScoreEntry(
            visit=made,
            instrument=Instrument.FVASI,
            region="face",
            hand_units=Decimal(u),
            depigmentation=g,
        )
        for u, g in face
    ]
    rows += [
        ScoreEntry(
            visit=made,
            instrument=Instrument.TVASI,
            region=r,
            hand_units=Decimal(u),
            depigmentation=g,
        )
        for r, u, g in body
    ]
    ScoreEntry.objects.bulk_create(rows)
    made.save()
    return made


def jpeg_bytes(size: tuple[int, int] = (64, 48), exif: Any = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (150, 100, 70))
    if exif is not None:
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def stored_file(name: str, content: bytes) -> str:
    """A file under MEDIA_ROOT at a fixed name, written once (tests reuse it)."""
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(content))
    return name


def photo(the_visit: Visit) -> Photo:
    image = stored_file("photos/test/access.jpg", jpeg_bytes())
    thumb = stored_file("photos/test/access-thumb.jpg", jpeg_bytes((32, 24)))
    return Photo.objects.create(
        visit=the_visit,
        body_site="face",
        lighting="daylight",
        image=image,
        thumbnail=thumb,
        content_type="image/jpeg",
        width=64,
        height=48,
        size=1000,
        source_format="JPEG",
    )


def consent_document(patient: Patient) -> ConsentDocument:
    name = stored_file("consents/test/form.pdf", b"%PDF-1.4\n% test form\n%%EOF\n")
    return ConsentDocument.objects.create(
        patient=patient, file=name, content_type="application/pdf", size=30
    )
