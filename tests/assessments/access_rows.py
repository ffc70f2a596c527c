"""Access rules for visits, scores, photos, the course and the patient portal.

Clinical pages are the prescriber's; a clinic administrator of the same clinic is refused.
A photo is also served to the patient it shows. The portal shows a patient their own record
and sends anyone else who is signed in on to their dashboard.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from repigment.accounts.models import Clinic
from repigment.assessments.models import Visit
from tests.access_rules import ANONYMOUS, Row, everyone
from tests.conftest import PATIENT, World
from tests.patients.access_rows import CLINICAL, patient_kwargs
from tests.patients.helpers import TODAY, consenting_patient_in, photo, visit

PHOTO = {**CLINICAL, PATIENT: 200}
PORTAL = {**everyone(302), PATIENT: 200}


def _the_visit(world: World, clinic: Clinic) -> Visit:
    patient = consenting_patient_in(world, clinic)
    day = TODAY() - timedelta(days=30)
    return patient.visits.first() or visit(patient, day, face=[("0.5", 75)])


def _visit(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"visit_id": _the_visit(world, clinic).pk}


def _photo(world: World, clinic: Clinic) -> dict[str, Any]:
    return {"photo_id": photo(_the_visit(world, clinic)).pk, "size": "thumb"}


ROWS = [
    Row("assessments:visit_new", own=CLINICAL, kwargs=patient_kwargs, other=404),
    Row(
        "assessments:score_preview",
        own=CLINICAL,
        method="POST",
        kwargs=patient_kwargs,
        other=404,
    ),
    Row("assessments:course", own=CLINICAL, kwargs=patient_kwargs, other=404),
    Row("assessments:photos", own=CLINICAL, kwargs=patient_kwargs, other=404),
    Row("assessments:visit_detail", own=CLINICAL, kwargs=_visit, other=404),
    Row("assessments:visit_edit", own=CLINICAL, kwargs=_visit, other=404),
    Row("assessments:visit_history", own=CLINICAL, kwargs=_visit, other=404),
    Row("assessments:photo_upload", own=CLINICAL, kwargs=_visit, other=404),
    Row("assessments:photo_file", own=PHOTO, kwargs=_photo, other=404),
    Row("portal:home", own={**PORTAL, ANONYMOUS: 302}),
    Row("portal:photos", own={**PORTAL, ANONYMOUS: 302}),
    Row("portal:trials", own={**PORTAL, ANONYMOUS: 302}),
]
