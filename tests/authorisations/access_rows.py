"""Access rules for authorisation applications (added to this folder's ``access_rows``).

Applications are clinical: the prescribers of the patient's clinic open and move them. The
pharmacists of an import pharmacy serving that clinic see the application's terms and handle
the product's documents, but nothing clinical (motivation, pack, consent form, reports).
Other roles of the clinic are refused (403); anyone else finds nothing (404).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from repigment.access.models import AccessRoute, ChecklistItem, Country, Region, RouteKind
from repigment.accounts.models import Clinic, Role
from repigment.authorisations.models import (
    ApplicationDocument,
    AuthorisationApplication,
    DocumentSource,
    ReportKind,
    ReportTask,
    State,
)
from tests.access_rules import Row, clinic_kwargs, only
from tests.authorisations.helpers import cream_prescription, importer, prescriber_record
from tests.conftest import World
from tests.patients.access_rows import CLINICAL
from tests.patients.helpers import consenting_patient_in, stored_file

VERIFIED = date(2026, 12, 1)
#: The prescriber opens everything; the pharmacist of the serving pharmacy the terms.
TERMS = {**CLINICAL, Role.PHARMACIST: 200}
#: Prescriber-only pages inside an application the pharmacist may open: refused, not hidden.
PRESCRIBER_PAGE = {**CLINICAL, Role.PHARMACIST: 403}


def _route() -> AccessRoute:
    country, _ = Country.objects.get_or_create(
        code="ZA", defaults={"name": "South Africa", "region": Region.SOUTHERN}
    )
    route, _ = AccessRoute.objects.get_or_create(
        country=country,
        slug="section-21",
        defaults={"name": "Section 21", "kind": RouteKind.NAMED_PATIENT},
    )
    for code in ("gmp-evidence", "hpcsa-certificate", "motivation"):
        ChecklistItem.objects.get_or_create(
            route=route,
            code=code,
            defaults={"label": code, "read_on": VERIFIED, "read_by": "a test"},
        )
    return route


def application(world: World, clinic: Clinic, state: str = State.DRAFT) -> AuthorisationApplication:
    patient = consenting_patient_in(world, clinic)
    found = AuthorisationApplication.objects.filter(patient=patient, state=state).first()
    if found is not None:
        return found
    prescriber = world.prescriber if clinic != world.other_clinic else world.other_prescriber
    approved = state == State.APPROVED
    today = date.today()
    return AuthorisationApplication.objects.create(
        patient=patient,
        prescription=cream_prescription(patient),
        product=cream_prescription(patient).product,
        route=_route(),
        prescriber=prescriber_record(prescriber, hpcsa_number=f"MP {prescriber.pk:07d}"),
        importer=importer(world),
        state=state,
        dosage="twice daily",
        period_weeks=26,
        requested_pack_grams=100,
        requested_packs=8,
        requested_grams="728",
        motivation="Reasons given by the prescriber.",
        motivation_edited_by=prescriber,
        authorisation_number=f"S21-{patient.pk}" if approved else "",
        approved_on=today - timedelta(days=10) if approved else None,
        valid_until=today + timedelta(days=170) if approved else None,
        authorised_packs=7 if approved else None,
        pack_grams=100 if approved else None,
    )


def _app(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"application_id": application(world, clinic).pk}


def _approved(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"application_id": application(world, clinic, State.APPROVED).pk}


def _step(world: World, clinic: Clinic) -> dict[str, Any]:
    return {**_app(world, clinic), "action": "mark_ready"}


def _item(code: str) -> Any:
    def kwargs(world: World, clinic: Clinic) -> dict[str, Any]:
        return {**_app(world, clinic), "code": code}

    return kwargs


def _document(world: World, clinic: Clinic) -> dict[str, Any]:
    found = application(world, clinic)
    item = ChecklistItem.objects.get(route=found.route, code="gmp-evidence")
    name = stored_file("access/applications/test/gmp.pdf", b"%PDF-1.4\n% gmp\n%%EOF\n")
    document = ApplicationDocument.objects.create(
        application=found,
        item=item,
        source=DocumentSource.UPLOADED,
        file=name,
        content_type="application/pdf",
        size=20,
    )
    return {"application_id": found.pk, "document_id": document.pk}


def _task(world: World, clinic: Clinic) -> dict[str, Any]:
    found = application(world, clinic, State.APPROVED)
    assert found.approved_on is not None
    task, _ = ReportTask.objects.get_or_create(
        first_application=found,
        kind=ReportKind.PROGRESS,
        number=1,
        defaults={
            "application": found,
            "period_start": found.approved_on,
            "period_end": found.approved_on + timedelta(days=182),
            "due_on": found.approved_on + timedelta(days=182),
        },
    )
    return {"task_id": task.pk}


def _prescription(world: World, clinic: Clinic) -> dict[str, Any]:
    patient = consenting_patient_in(world, clinic)
    return {"prescription_id": cream_prescription(patient).pk}


def _certificate(world: World, clinic: Clinic) -> dict[str, Any]:
    record = prescriber_record(world.prescriber)
    record.hpcsa_certificate = stored_file("access/prescribers/test.pdf", b"%PDF-1.4\n%%EOF\n")
    record.certificate_content_type, record.certificate_size = "application/pdf", 15
    record.save()
    return {}


def _importer(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"importer_id": importer(world).pk}


PIPELINE = only(Role.PRESCRIBER, Role.CLINIC_ADMIN)
IMPORTERS = only(Role.PRESCRIBER, Role.PHARMACIST)
POSTED = {**CLINICAL, Role.PRESCRIBER: 302}

# An authorisation belongs to the patient's clinic: every pharmacy serving that clinic reads it
# and checks its documents (other_pharmacy=200/302), as one pharmacy alone would. An importer's
# record is edited only by the pharmacy that keeps it (403 to another pharmacy's pharmacist).
ROWS = [
    Row("authorisations:pipeline", own=PIPELINE, kwargs=clinic_kwargs, other=403),
    Row("authorisations:new", own=CLINICAL, kwargs=_prescription, other=404),
    Row("authorisations:detail", own=TERMS, kwargs=_app, other=404, other_pharmacy=200),
    Row("authorisations:edit", own=PRESCRIBER_PAGE, kwargs=_app, other=404),
    Row("authorisations:motivation", own=PRESCRIBER_PAGE, kwargs=_app, other=404),
    Row("authorisations:step", own=PRESCRIBER_PAGE, kwargs=_step, other=404),
    Row(
        "authorisations:renew",
        own={**POSTED, Role.PHARMACIST: 403},
        method="POST",
        kwargs=_approved,
        other=404,
    ),
    Row("authorisations:pack", own=PRESCRIBER_PAGE, kwargs=_app, other=404),
    Row("authorisations:consent_form", own=PRESCRIBER_PAGE, kwargs=_app, other=404),
    Row(
        "authorisations:document_add",
        own={**POSTED, Role.PHARMACIST: 403},
        method="POST",
        data={"from_record": "1"},
        kwargs=_item("hpcsa-certificate"),
        other=404,
    ),
    Row(
        "authorisations:document_generate",
        own={**POSTED, Role.PHARMACIST: 403},
        method="POST",
        kwargs=_item("motivation"),
        other=404,
    ),
    Row("authorisations:document", own=TERMS, kwargs=_document, other=404, other_pharmacy=200),
    Row(
        "authorisations:document_check",
        own={**POSTED, Role.PHARMACIST: 302},
        method="POST",
        kwargs=_document,
        other=404,
        other_pharmacy=302,
    ),
    Row("authorisations:report_pdf", own=PRESCRIBER_PAGE, kwargs=_task, other=404),
    Row(
        "authorisations:report_submitted",
        own={**POSTED, Role.PHARMACIST: 403},
        method="POST",
        kwargs=_task,
        other=404,
    ),
    Row("authorisations:prescriber_record", own=only(Role.PRESCRIBER)),
    Row("authorisations:certificate", own=only(Role.PRESCRIBER), kwargs=_certificate),
    Row("authorisations:importers", own=IMPORTERS),
    Row("authorisations:importer_edit", own=IMPORTERS, kwargs=_importer, other_pharmacy=403),
]
