"""The reminders page: anyone signed in sees their own (none without a role). Marking a
reminder done: the person or role it is for, in its clinic; other roles of the clinic are
refused (403); anyone without a role there finds nothing (404)."""

from __future__ import annotations

from typing import Any

from repigment.accounts.models import Clinic, Role
from repigment.reminders.models import Reminder
from tests.access_rules import ANONYMOUS, Row, everyone
from tests.conftest import PATIENT, World
from tests.patients.helpers import TODAY, consenting_patient_in


def _reminder(world: World, clinic: Clinic) -> dict[str, Any]:
    patient = consenting_patient_in(world, clinic)
    reminder, _ = Reminder.objects.get_or_create(
        key=f"test:{clinic.pk}",
        defaults={
            "kind": "test",
            "due_on": TODAY(),
            "clinic": patient.clinic,
            "patient": patient,
            "responsible_role": Role.PRESCRIBER,
        },
    )
    return {"reminder_id": reminder.pk}


ROWS = [
    Row("reminders:list", own=everyone(200)),
    Row(
        "reminders:done",
        own={ANONYMOUS: 302, Role.PRESCRIBER: 302, Role.PHARMACIST: 404, PATIENT: 404},
        method="POST",
        kwargs=_reminder,
        other=404,
    ),
]
