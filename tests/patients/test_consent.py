"""POPIA consent: what it allows, signed forms, withdrawal, and the registry's exclusions."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.patients import services
from repigment.patients.models import Consent, ConsentPurpose, Diagnosis, Patient
from tests.audit_trail import actions
from tests.conftest import World
from tests.patients.helpers import TODAY, consent, jpeg_bytes

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def diagnosis_form() -> dict[str, object]:
    return {
        "vitiligo_type": "non_segmental",
        "onset_year": "2015",
        "activity": "active",
        "confetti_lesions": "on",
        "facial_involvement": "on",
        "comorbidities": ["thyroid"],
        "recorded_on": TODAY().isoformat(),
        "notes": "Started on the cheeks.",
    }


def test_no_diagnosis_can_be_saved_without_a_current_treatment_consent(
    client: Client, world: World
) -> None:
    client.force_login(world.prescriber)
    url = reverse("patients:diagnosis_add", args=[world.patient.pk])
    page = client.post(url, diagnosis_form())
    assert page.status_code == 200
    assert "There is no current consent for “Treatment records”" in page.content.decode()
    assert not Diagnosis.objects.exists()
    consent(world.patient, ConsentPurpose.TREATMENT)
    assert client.post(url, diagnosis_form()).status_code == 302
    diagnosis = Diagnosis.objects.get()
    assert diagnosis.icd10_code == "L80"
    assert diagnosis.activity_signs() == ["confetti-like lesions"]
    assert diagnosis.comorbidity_labels() == ["Thyroid disease"]


def test_a_year_of_onset_before_birth_is_refused(client: Client, world: World) -> None:
    consent(world.patient)
    client.force_login(world.prescriber)
    url = reverse("patients:diagnosis_add", args=[world.patient.pk])
    page = client.post(url, {**diagnosis_form(), "onset_year": "1980"})
    assert page.context["form"].errors["onset_year"] == [
        "The year of onset must be between 1990 (birth) and this year."
    ]


def test_a_clinic_administrator_sees_consents_but_not_the_diagnosis(
    client: Client, world: World
) -> None:
    consent(world.patient)
    Diagnosis.objects.create(
        patient=world.patient,
        vitiligo_type="segmental",
        onset_year=2020,
        activity="stable",
        notes="private clinical note",
    )
    client.force_login(world.clinic_admin)
    page = client.get(reverse("patients:detail", args=[world.patient.pk])).content.decode()
    assert "Treatment records" in page
    assert "private clinical note" not in page and "Segmental" not in page
    client.force_login(world.prescriber)
    page = client.get(reverse("patients:detail", args=[world.patient.pk])).content.decode()
    assert "private clinical note" in page


def test_a_signed_form_must_be_uploaded_and_is_kept_for_the_clinic(
    client: Client, world: World
) -> None:
    client.force_login(world.clinic_admin)
    url = reverse("patients:consent_add", args=[world.patient.pk])
    data = {
        "purposes": ["treatment", "registry"],
        "given_on": TODAY().isoformat(),
        "method": "signed_form",
        "given_by": "patient",
    }
    missing = client.post(url, data)
    assert missing.context["form"].errors["document"] == [
        "Upload the signed form, or choose “in person”."
    ]
    renamed = SimpleUploadedFile("form.pdf", b"just some text, not a form", "application/pdf")
    refused = client.post(url, {**data, "document": renamed})
    assert "is not a PDF or a JPEG, PNG, HEIC or WEBP image" in str(
        refused.context["form"].errors["document"]
    )
    good = SimpleUploadedFile("consent.pdf", PDF, "application/pdf")
    assert client.post(url, {**data, "document": good}).status_code == 302
    rows = Consent.objects.filter(patient=world.patient)
    assert rows.count() == 2 and len({row.document_id for row in rows}) == 1
    document = rows[0].document
    assert document is not None
    served = client.get(reverse("patients:consent_document", args=[world.patient.pk, document.pk]))
    assert served.content == PDF and {"private", "no-store"} <= {
        d.strip() for d in served["Cache-Control"].split(",")
    }
    read = (AuditAction.VIEW, "consent_document")
    assert read in actions(AuditEntry.objects.naming(world.patient.pk))


def test_a_scanned_form_has_its_metadata_removed(client: Client, world: World) -> None:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "ScannerMaker"
    client.force_login(world.prescriber)
    url = reverse("patients:consent_add", args=[world.patient.pk])
    scan = SimpleUploadedFile("scan.jpg", jpeg_bytes(exif=exif), "image/jpeg")
    client.post(
        url,
        {
            "purposes": ["photos"],
            "given_on": TODAY().isoformat(),
            "method": "signed_form",
            "given_by": "patient",
            "document": scan,
        },
    )
    stored = Consent.objects.get().document
    assert stored is not None
    with stored.file.open("rb") as handle:
        data = handle.read()
    assert b"ScannerMaker" not in data and not Image.open(io.BytesIO(data)).getexif()


def test_a_consent_in_force_cannot_be_recorded_twice(client: Client, world: World) -> None:
    consent(world.patient, ConsentPurpose.PHOTOS)
    client.force_login(world.prescriber)
    page = client.post(
        reverse("patients:consent_add", args=[world.patient.pk]),
        {
            "purposes": ["photos"],
            "given_on": TODAY().isoformat(),
            "method": "in_person",
            "given_by": "patient",
        },
    )
    assert page.context["form"].errors["purposes"] == [
        "Already in force: Clinical photographs. Withdraw it first to record it again."
    ]


def test_withdrawal_keeps_the_record_and_stops_the_use(client: Client, world: World) -> None:
    (treatment,) = consent(world.patient, ConsentPurpose.TREATMENT)
    client.force_login(world.prescriber)
    url = reverse("patients:consent_withdraw", args=[world.patient.pk, treatment.pk])
    too_early = client.post(url, {"withdrawn_on": (treatment.given_on - timedelta(days=1))})
    assert "cannot be earlier" in str(too_early.context["form"].errors["withdrawn_on"])
    assert (
        client.post(url, {"withdrawn_on": TODAY().isoformat(), "note": "phoned"}).status_code == 302
    )
    treatment.refresh_from_db()
    assert treatment.withdrawn_on == TODAY() and treatment.withdrawal_note == "phoned"
    assert Consent.objects.filter(patient=world.patient).count() == 1  # the record is kept
    assert not services.has_consent(world.patient, ConsentPurpose.TREATMENT)
    with pytest.raises(services.ConsentRequired):
        services.require_consent(world.patient, ConsentPurpose.TREATMENT)
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_type="consent", object_id=str(treatment.pk)
    ).exists()


def test_consent_can_be_given_again_after_a_withdrawal(world: World) -> None:
    (old,) = consent(world.patient, ConsentPurpose.CONTACT)
    old.withdrawn_on = TODAY()
    old.save()
    assert not services.may_contact(world.patient)
    consent(world.patient, ConsentPurpose.CONTACT, given_on=TODAY())
    assert services.may_contact(world.patient)
    assert world.patient.consents.count() == 2


def test_the_registry_excludes_patients_without_a_current_registry_consent(world: World) -> None:
    consenting = world.patient
    consent(consenting, ConsentPurpose.REGISTRY, ConsentPurpose.TREATMENT)
    only_care = Patient.objects.create(
        clinic=world.clinic,
        record_number="X2",
        given_names="A",
        family_name="B",
        date_of_birth=TODAY() - timedelta(days=9000),
        sex="male",
        phototype=4,
    )
    consent(only_care, ConsentPurpose.TREATMENT)
    withdrew = Patient.objects.create(
        clinic=world.clinic,
        record_number="X3",
        given_names="C",
        family_name="D",
        date_of_birth=TODAY() - timedelta(days=9000),
        sex="female",
        phototype=6,
    )
    (registry,) = consent(withdrew, ConsentPurpose.REGISTRY)
    registry.withdrawn_on = TODAY()
    registry.save()
    assert list(services.registry_patients()) == [consenting]
