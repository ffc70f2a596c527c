"""Dashboard panels stay the same size however much is due: the first few, the count, and a
link to a paginated list of the rest."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client

from repigment.accounts.models import AuditEntry, Role
from repigment.core.worklist import SHOWN
from repigment.patients.models import Patient
from repigment.reminders.models import Reminder
from repigment.safety.models import AdverseEvent
from repigment.safety.views import EVENTS_PAGE_SIZE, FIRST_SHOWN
from tests.conftest import World
from tests.patients.helpers import TODAY
from tests.safety.helpers import event
from tests.test_query_budgets import grow


def _reminders(world: World, count: int) -> list[Patient]:
    patients = list(Patient.objects.filter(clinic=world.clinic)[:count])
    for n, patient in enumerate(patients):
        Reminder.objects.create(
            key=f"test:{n}", kind="test", due_on=TODAY() + timedelta(days=n % 5),
            clinic=world.clinic, patient=patient, responsible_role=Role.PRESCRIBER,
        )  # fmt: skip
    return patients


def test_the_other_reminders_group_shows_the_first_few_and_links_to_them_all(
    client: Client, world: World
) -> None:
    grow(world, 0, SHOWN + 15)
    patients = _reminders(world, SHOWN + 12)
    client.force_login(world.prescriber)
    html = client.get("/dashboard/").content.decode()
    assert html.count("/done/") == SHOWN  # each shown with its Done button
    assert f"All {SHOWN + 12} on the reminders page" in html
    entry = AuditEntry.objects.filter(object_type="dashboard").latest("id")
    assert len(entry.patient_ids) == SHOWN
    listed = client.get("/reminders/?role=prescriber")
    assert listed.status_code == 200
    assert listed.content.decode().count("/done/") == len(patients)
    entry = AuditEntry.objects.filter(object_type="reminder_list").latest("id")
    assert sorted(entry.patient_ids) == sorted(p.pk for p in patients)


def test_serious_events_to_report_are_counted_and_the_clinic_list_pages(
    client: Client, world: World
) -> None:
    grow(world, 0, 60)
    patients = list(Patient.objects.filter(clinic=world.clinic)[: FIRST_SHOWN + 5])
    for patient in patients:
        event(patient, seriousness=["hospitalisation"])
    needing = (
        len(patients)
        + AdverseEvent.objects.filter(patient__clinic=world.clinic)
        .needing_report()
        .exclude(patient__in=patients)
        .count()
    )
    client.force_login(world.prescriber)
    html = client.get("/dashboard/").content.decode()
    safety = html.split('data-group="safety"')[1].split("</section>")[0]
    assert safety.count('href="/adverse-events/') == 2 * SHOWN  # each: the event and its step
    assert f"Adverse events to act on at {world.clinic.name}: " in html
    page = client.get(f"/clinics/{world.clinic.pk}/adverse-events/").content.decode()
    assert f"The first {FIRST_SHOWN} of {needing}" in page
    total = AdverseEvent.objects.filter(patient__clinic=world.clinic).count()
    if total > EVENTS_PAGE_SIZE:
        assert "Page 1 of" in page
