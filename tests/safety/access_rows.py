"""Access rules for adverse events and the portal's side-effect pages.

Events are clinical: the prescribers of the patient's clinic open them; the clinic's other
roles are refused (403); anyone without a role there, the patient included, finds nothing
(404). The portal pages show a patient their own reports.
"""

from __future__ import annotations

from typing import Any

from repigment.accounts.models import Clinic, Role
from tests.access_rules import ANONYMOUS, Row, clinic_kwargs, everyone, only
from tests.conftest import PATIENT, World
from tests.patients.access_rows import CLINICAL, patient_kwargs
from tests.patients.helpers import consenting_patient_in
from tests.safety.helpers import event

PORTAL = {**everyone(302), PATIENT: 200}


def _event(world: World, clinic: Clinic) -> dict[str, Any]:
    patient = consenting_patient_in(world, clinic)
    found = patient.adverse_events.filter(reporter_kind="prescriber").first()
    return {"event_id": (found or event(patient)).pk}


def _unconfirmed(world: World, clinic: Clinic) -> dict[str, Any]:
    patient = consenting_patient_in(world, clinic)
    return {"event_id": event(patient, by_patient=True).pk}


ROWS = [
    Row("safety:event_new", own=CLINICAL, kwargs=patient_kwargs, other=404),
    Row("safety:clinic_events", own=only(Role.PRESCRIBER), kwargs=clinic_kwargs, other=403),
    Row("safety:event_detail", own=CLINICAL, kwargs=_event, other=404),
    Row("safety:event_edit", own=CLINICAL, kwargs=_event, other=404),
    Row(
        "safety:event_dismiss",
        own={**CLINICAL, Role.PRESCRIBER: 302},
        method="POST",
        data={"review_note": "not a reaction"},
        kwargs=_unconfirmed,
        other=404,
    ),
    Row("safety:report_pdf", own=CLINICAL, kwargs=_event, other=404),
    Row("safety:fhir", own=CLINICAL, kwargs=_event, other=404),
    Row("safety:report_sent", own=CLINICAL, kwargs=_event, other=404),
    Row("safety_portal:list", own={**PORTAL, ANONYMOUS: 302}),
    Row("safety_portal:new", own={**PORTAL, ANONYMOUS: 302}),
]
