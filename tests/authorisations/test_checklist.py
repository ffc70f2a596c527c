"""The document checklist: it gates readiness and submission; documents are checked by their
content, limited in size, served only through an access-checked, audited view; the pharmacist
handles the product's documents and nothing clinical."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditEntry, Role
from repigment.authorisations import checklist, services, states
from repigment.authorisations.models import State
from tests.authorisations.helpers import (
    PDF,
    actor,
    application_in,
    complete_checklist,
    draft,
    quick_pdfs,
    step_for,
)
from tests.conftest import World
from tests.patients.helpers import TODAY

pytestmark = pytest.mark.usefixtures("quick_pdfs")
assert quick_pdfs


def _add(application, code, user, role=Role.PRESCRIBER, content=PDF, name="doc.pdf"):  # type: ignore[no-untyped-def]
    return services.add_upload(
        application, code, io.BytesIO(content), name, len(content), actor(user, role)
    )


def test_the_section_21_checklist_is_the_regulation_29_list(world: World) -> None:
    application = draft(world)
    gating = {row.item.code for row in checklist.rows(application) if row.gates}
    assert gating == {
        "application", "product-brochure", "informed-consent", "foreign-registration",
        "gmp-evidence", "motivation", "hpcsa-certificate", "proof-of-payment",
    }  # fmt: skip
    advised = {row.item.code for row in checklist.rows(application) if not row.gates}
    assert {"prescription", "package-insert", "further-documents"} == advised


def test_an_incomplete_checklist_blocks_readiness_and_names_what_is_missing(world: World) -> None:
    application = draft(world)
    services.save_motivation(application, "My reasons, in full.", actor(world.prescriber))
    with pytest.raises(services.Refused) as refused:
        services.transition(
            application, states.MARK_READY, step_for(states.MARK_READY, TODAY()),
            actor(world.prescriber), TODAY(),
        )  # fmt: skip
    assert "GMP" in refused.value.message and "HPCSA" in refused.value.message
    application.refresh_from_db()
    assert application.state == State.DRAFT and application.events.count() == 1


def test_an_unchecked_document_does_not_count(world: World) -> None:
    application = draft(world)
    complete_checklist(application, world.prescriber)
    _add(application, "gmp-evidence", world.prescriber)  # a newer, unchecked version
    assert [row.item.code for row in checklist.missing(application)] == ["gmp-evidence"]


def test_a_checklist_that_went_incomplete_blocks_submission(world: World) -> None:
    application = application_in(world, State.READY)
    _add(application, "proof-of-payment", world.prescriber)
    with pytest.raises(services.Refused, match="Proof of the EFT payment"):
        services.transition(
            application, states.SUBMIT, step_for(states.SUBMIT, TODAY()),
            actor(world.prescriber), TODAY(),
        )  # fmt: skip
    application.refresh_from_db()
    assert application.state == State.READY and application.submitted_on is None


def test_editing_the_application_makes_its_generated_pack_out_of_date(world: World) -> None:
    application = draft(world)
    complete_checklist(application, world.prescriber)
    assert checklist.is_complete(application)
    services.update_application(
        application, {"dosage": "A thin layer twice daily."}, actor(world.prescriber), TODAY()
    )
    assert {row.item.code for row in checklist.missing(application)} == {
        "application",
        "motivation",
    }


def test_a_file_that_is_not_a_pdf_or_an_image_is_refused_whatever_its_name(world: World) -> None:
    application = draft(world)
    with pytest.raises(services.Invalid) as invalid:
        _add(
            application,
            "gmp-evidence",
            world.prescriber,
            content=b"MZ\x90 not a pdf",
            name="gmp.pdf",
        )
    assert "judged by its content" in invalid.value.fields["file"][0]
    assert not application.documents.exists()


def test_a_file_over_the_limit_is_refused(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.UPLOAD_MAX_BYTES = 20
    application = draft(world)
    with pytest.raises(services.Invalid) as invalid:
        _add(application, "gmp-evidence", world.prescriber)
    assert "at most" in invalid.value.fields["file"][0]


def test_the_pharmacist_adds_and_checks_product_documents_only(world: World) -> None:
    application = draft(world)
    document = _add(application, "gmp-evidence", world.pharmacist, Role.PHARMACIST)
    services.check_document(document, actor(world.pharmacist, Role.PHARMACIST))
    assert document.checked_by == world.pharmacist
    with pytest.raises(services.Refused, match="Only the prescriber"):
        _add(application, "informed-consent", world.pharmacist, Role.PHARMACIST)


def test_documents_open_only_through_the_audited_view(client: Client, world: World) -> None:
    application = draft(world)
    document = _add(application, "gmp-evidence", world.prescriber)
    url = reverse("authorisations:document", args=[application.pk, document.pk])
    assert client.get(url).status_code == 302
    client.force_login(world.pharmacist)
    response = client.get(url)
    assert response.status_code == 200 and {"private", "no-store"} <= {
        d.strip() for d in response["Cache-Control"].split(",")
    }
    assert response.content == PDF
    read = ("view", "authorisation_document", str(document.pk))
    assert any(read in e.actions() for e in AuditEntry.objects.filter(actor=world.pharmacist))
    consent = _add(application, "informed-consent", world.prescriber)
    url = reverse("authorisations:document", args=[application.pk, consent.pk])
    assert client.get(url).status_code == 403
    client.force_login(world.other_prescriber)
    assert client.get(url).status_code == 404


def test_documents_are_closed_once_submitted_except_to_answer_a_query(world: World) -> None:
    application = application_in(world, State.SUBMITTED)
    with pytest.raises(services.Refused, match="before submission or to answer a query"):
        _add(application, "further-documents", world.prescriber)
    services.transition(
        application, states.QUERY, step_for(states.QUERY, TODAY()), actor(world.prescriber), TODAY()
    )
    assert _add(application, "further-documents", world.prescriber).pk


def test_the_certificate_comes_from_the_prescriber_record(world: World) -> None:
    application = draft(world)
    with pytest.raises(services.Refused, match="prescriber record first"):
        services.use_record_certificate(application, actor(world.prescriber))
    assert application.prescriber is not None
    services.store_certificate(
        application.prescriber, io.BytesIO(PDF), "cert.pdf", len(PDF), actor(world.prescriber)
    )
    document = services.use_record_certificate(application, actor(world.prescriber))
    assert document.file.name == application.prescriber.hpcsa_certificate.name
