"""The PDFs, read back with pypdf: the pack holds the patient, the applicant, the importer and
the quantity; the consent form speaks the patient's language; the progress report the course."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from repigment.authorisations import pack, services, states
from repigment.authorisations.models import ReportTask, State
from tests.authorisations.helpers import HPCSA, MOTIVATION, actor, application_in, draft
from tests.conftest import World
from tests.patients.helpers import TODAY, visit
from tests.safety.helpers import event


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_pack_names_patient_applicant_importer_and_quantity(world: World) -> None:
    application = draft(world)
    visit(
        world.patient, TODAY() - timedelta(days=30), face=[("1.5", 75)], body=[("trunk", "6", 50)]
    )
    services.save_motivation(application, MOTIVATION, actor(world.prescriber))
    text = text_of(pack.pack_pdf(application))
    assert "Patient Jhb" in text and "17 May 1990" in text
    assert HPCSA in text and "Dermatology" in text and "0123456" in text
    assert "Test Import Pharmacy (Pty) Ltd" in text and "SAHPRA-IMP-0042" in text
    assert "SMF-0099" in text
    assert f"{application.requested_packs} × 100 g tubes" in text
    assert "L80" in text and "F-VASI 1.125" in text
    assert "NDA 215309" in text and "EU/1/23/1726/001" in text
    assert "Tacrolimus and phototherapy failed" in text
    assert "400 ZAR" in text


def test_the_requested_quantity_comes_from_the_fingertip_unit_estimate(world: World) -> None:
    application = draft(world)
    # 8 % BSA x 0.25 g x 2 a day x 7 days = 28 g a week, for 26 weeks: 728 g, 8 tubes of 100 g.
    assert application.period_weeks == 26
    assert application.requested_grams == 728
    assert (application.requested_packs, application.requested_pack_grams) == (8, 100)


def test_the_consent_form_is_in_the_patients_language(world: World) -> None:
    application = draft(world)
    world.patient.preferred_language = "fr"
    world.patient.save()
    text = text_of(pack.consent_pdf(application))
    assert "Consentement éclairé" in text and "Patient Jhb" in text
    world.patient.preferred_language = "ar"
    world.patient.save()
    html = pack.consent_html(application)
    assert '<html lang="ar" dir="rtl">' in html
    assert "ruxolitinib" in text_of(pack.consent_pdf(application))
    world.patient.preferred_language = "zu"
    world.patient.save()
    text = text_of(pack.consent_pdf(application))
    assert "Informed consent" in text and "not yet available in isiZulu" in text


def test_the_progress_report_carries_scores_and_adverse_events(world: World) -> None:
    application = application_in(world, State.APPROVED)
    visit(world.patient, TODAY(), face=[("1", 50)])
    event(world.patient, onset_date=TODAY())
    task = ReportTask.objects.get(first_application=application, kind="progress", number=1)
    text = text_of(pack.progress_report_pdf(task))
    assert "Six-monthly progress report 1" in text and "S21-2026-000123" in text
    assert "pruritus" in text and "Mild" in text
    assert "0.5" in text  # F-VASI of the visit


def test_the_prescriber_downloads_the_pack_and_the_consent_form(
    client: Client, world: World
) -> None:
    application = draft(world)
    client.force_login(world.prescriber)
    response = client.get(reverse("authorisations:pack", args=[application.pk]))
    assert response.status_code == 302  # the motivation is not written yet
    services.save_motivation(application, MOTIVATION, actor(world.prescriber))
    response = client.get(reverse("authorisations:pack", args=[application.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "Patient Jhb" in text_of(response.content)
    consent = client.get(reverse("authorisations:consent_form", args=[application.pk]))
    assert consent.status_code == 200 and "Informed consent" in text_of(consent.content)


@pytest.mark.parametrize("code", ["application", "motivation"])
def test_generated_documents_are_stored_and_checked_by_their_author(
    world: World, code: str
) -> None:
    application = draft(world)
    services.save_motivation(application, MOTIVATION, actor(world.prescriber))
    document = services.generate_document(application, code, actor(world.prescriber))
    assert document.checked_by == world.prescriber and document.content_type == "application/pdf"
    with document.file.open("rb") as handle:
        assert "Patient Jhb" in text_of(handle.read())


def test_the_steps_stay_in_order(world: World) -> None:
    application = application_in(world, State.SUBMITTED)
    with pytest.raises(services.Invalid) as invalid:
        services.transition(
            application, states.QUERY, services.Step(on=TODAY() - timedelta(days=3), note="?"),
            actor(world.prescriber), TODAY(),
        )  # fmt: skip
    assert "before the last step" in invalid.value.fields["on"][0]
