"""The regulator report (PDF, read back with pypdf) and the FHIR R4 AdverseEvent export."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from fhir.resources.R4B.adverseevent import AdverseEvent as FhirAdverseEvent
from pydantic import ValidationError
from pypdf import PdfReader

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.core.templatetags.dates import day_text
from repigment.safety import fhir
from repigment.safety.case import build_case, initials
from repigment.treatment.models import CoMedication
from tests.conftest import World
from tests.patients.helpers import TODAY
from tests.safety.helpers import event, prescription


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def serious(world: World):  # type: ignore[no-untyped-def]
    prescription(world.patient, TODAY() - timedelta(days=120))
    CoMedication.objects.create(patient=world.patient, name="Levothyroxine", notes="50 mcg daily")
    return event(
        world.patient,
        term="serious_infection",
        onset_date=TODAY() - timedelta(days=20),
        end_date=TODAY() - timedelta(days=6),
        severity="severe",
        seriousness=["hospitalisation", "other_important"],
        outcome="recovered",
        action_taken="interrupted",
        causality="possible",
        description="Cellulitis of the left forearm, admitted for intravenous antibiotics.",
    )


def test_initials_take_every_name() -> None:
    assert initials("Nomvula Thandeka", "van der Merwe") == "N.T.v.d.M."


def test_the_pdf_opens_and_carries_the_event_fields(client: Client, world: World, serious) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.prescriber)
    response = client.get(reverse("safety:report_pdf", args=[serious.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    case = build_case(serious)
    for expected in [
        case.report_id,
        "Initials P.J.",
        f"Age at onset {world.patient.age_on(serious.onset_date)} years",
        "Sex Female",
        "Prescriber Jhb",
        "Serious infection",
        day_text(serious.onset_date),  # the PDF is read by people: "14 Nov 2026"
        day_text(serious.end_date),
        "Severe",
        "Caused or prolonged hospitalisation",
        "Other important medical event",
        "Recovered or resolved",
        "Interrupted, then restarted or to be restarted",
        "Possible",
        "Ruxolitinib cream (Opzelura) 1.5 %",
        "Not recorded (no dispensing recorded)",
        "Levothyroxine",
        "Cellulitis of the left forearm",
        "South African Health Products Regulatory Authority (SAHPRA)",
        "adr@sahpra.org.za",
        "https://medsafety.sahpra.org.za/",
        "General Regulation 29",
    ]:
        assert expected in text, expected
    assert "Jhb" not in text.replace("Prescriber Jhb", "").replace("Johannesburg", "")
    assert (
        AuditEntry.objects.naming(world.patient.pk)
        .filter(action=AuditAction.EXPORT, object_type="adverse_event_report")
        .exists()
    )


def test_the_pdf_lists_the_lots_the_supply_hook_returns(world: World, serious) -> None:  # type: ignore[no-untyped-def]
    from repigment.safety.report import report_pdf

    with mock.patch("repigment.safety.case.suspect_lots", return_value=["LOT-A1", "LOT-B2"]):
        text = _pdf_text(report_pdf(build_case(serious)))
    assert "LOT-A1, LOT-B2" in text


def test_the_fhir_export_validates_as_r4_and_maps_the_codes(
    client: Client, world: World, serious
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(world.prescriber)
    response = client.get(reverse("safety:fhir", args=[serious.pk]))
    assert response.status_code == 200
    data = json.loads(response.content)
    FhirAdverseEvent.model_validate(data)  # raises if it is not a valid R4(B) AdverseEvent
    assert data["resourceType"] == "AdverseEvent"
    assert data["actuality"] == "actual"
    assert data["subject"]["reference"] == f"Patient/{world.patient.pk}"
    assert data["date"] == serious.onset_date.isoformat()
    assert data["seriousness"]["coding"][0]["code"] == "SeriousResultsInHospitalization"
    assert data["severity"]["coding"][0]["code"] == "severe"
    assert data["outcome"]["coding"][0]["code"] == "resolved"
    causality = data["suspectEntity"][0]["causality"][0]["assessment"]["coding"][0]
    assert causality == {
        "system": fhir.CAUSALITY_SYSTEM,
        "code": "Possible",
        "display": "Possible",
    }
    assert data["contained"][0]["code"]["text"] == "Ruxolitinib cream (Opzelura) 1.5 %"
    assert serious.end_date.isoformat() in data["text"]["div"]


def test_a_non_serious_patient_report_exports_without_causality(world: World) -> None:
    reported = event(world.patient, by_patient=True)
    data = fhir.validated_resource(build_case(reported))
    assert data["seriousness"]["coding"][0]["code"] == "Non-serious"
    assert "causality" not in data["suspectEntity"][0]
    assert "recorder" not in data


def test_an_invalid_resource_is_refused_not_exported(world: World) -> None:
    broken = fhir.adverse_event_resource(build_case(event(world.patient)))
    del broken["actuality"]
    with pytest.raises(ValidationError):
        FhirAdverseEvent.model_validate(broken)
