"""The prescriber's home is their work queue (issue 18): safety first, then reviews due, then
reports owed to the regulator, then the rest; each group counted, its first few shown, the most
urgent first, each item a link to where it is done, and one audit entry naming every patient."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from repigment.accounts.models import AuditEntry, Clinic, Role
from repigment.authorisations import reminders as authorisation_kinds
from repigment.authorisations import states
from repigment.authorisations.models import ReportTask, State
from repigment.core.worklist import SHOWN
from repigment.patients.models import Patient
from repigment.reminders import course, monitoring
from repigment.reminders.models import Reminder
from repigment.supply.models import Incident
from tests.authorisations.helpers import application_in, quick_pdfs  # noqa: F401
from tests.conftest import World
from tests.patients.helpers import TODAY
from tests.safety.helpers import event
from tests.test_query_budgets import grow

pytestmark = pytest.mark.django_db


#: What each kind's text needs.
PARAMS = {
    authorisation_kinds.EXPIRY_30: {"number": "S21-1", "expires": "2030-01-31"},
    authorisation_kinds.REPORT: {"number": "S21-1", "report": "Final report"},
    authorisation_kinds.QUERY: {"reference": "S21/1", "queried": "2026-12-01"},
}


def reminder(
    world: World, kind: str, days: int, patient: Patient | None = None, n: int = 0
) -> Reminder:
    return Reminder.objects.create(
        key=f"test:{kind}:{days}:{n}", kind=kind, due_on=TODAY() + timedelta(days=days),
        clinic=world.clinic, patient=patient or world.patient, responsible_role=Role.PRESCRIBER,
        url=reverse("patients:detail", args=[(patient or world.patient).pk]),
        params=PARAMS.get(kind, {}),
    )  # fmt: skip


def owed_task(application: object, days: int) -> ReportTask:
    """The course's first report task (made at approval), brought due ``days`` from today."""
    task = ReportTask.objects.filter(first_application=application).order_by("number").first()
    assert task is not None
    task.due_on = TODAY() + timedelta(days=days)
    task.save(update_fields=["due_on"])
    return task


def dashboard(client: Client, world: World) -> str:
    client.force_login(world.prescriber)
    response = client.get(reverse("accounts:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def group(html: str, code: str) -> str:
    """The HTML of one group of the queue."""
    found = re.search(
        rf'<section class="work-group[^"]*" data-group="{code}".*?</section>', html, re.S
    )
    assert found, f"no {code} group"
    return found.group(0)


def count_of(html: str, code: str) -> int:
    found = re.search(
        rf'<h3 id="work-prescriber-{code}">[^<]*<span class="work-count" data-count="(\d+)"', html
    )
    assert found, f"no count for {code}"
    return int(found.group(1))


def items(html: str) -> list[str]:
    return re.findall(r"<li>.*?</li>", html.split("<ol>")[1].split("</ol>")[0], re.S)


def test_an_empty_queue_says_so_in_plain_words(client: Client, world: World) -> None:
    html = dashboard(client, world)
    assert "Nothing needs you now" in html
    assert "work-group" not in html and "worklist-empty" in html


def test_the_groups_come_safety_reviews_reports_then_the_rest(client: Client, world: World) -> None:
    owed_task(application_in(world, State.APPROVED), 0)
    reminder(world, authorisation_kinds.EXPIRY_30, -40)  # the oldest, yet the last group
    reminder(world, course.REASSESSMENT, -2)
    event(world.patient, seriousness=["hospitalisation"], term="serious_infection")
    html = dashboard(client, world)
    headings = re.findall(r'<h3 id="work-prescriber-(\w+)">', html)
    assert headings == ["safety", "review", "report", "other"]
    assert [count_of(html, code) for code in headings] == [1, 1, 1, 1]
    assert "Nothing needs you now" not in html


def test_each_group_shows_the_first_few_soonest_first_with_its_count_and_full_list(
    client: Client, world: World
) -> None:
    grow(world, 0, SHOWN + 4)
    patients = list(Patient.objects.filter(clinic=world.clinic).order_by("pk")[: SHOWN + 3])
    for n, patient in enumerate(patients):  # due the later the further down the list
        reminder(world, monitoring.SKIN_EXAM if n % 2 else course.REASSESSMENT, n, patient, n)
    html = dashboard(client, world)
    reviews = group(html, "review")
    total = Reminder.objects.open().filter(kind__in=[monitoring.SKIN_EXAM, course.REASSESSMENT])
    assert count_of(html, "review") == total.count() == SHOWN + 3
    shown = items(reviews)
    assert len(shown) == SHOWN
    assert [p.full_name for p in patients[:SHOWN]] == [
        next(p.full_name for p in patients if p.full_name in line) for line in shown
    ]
    assert "reminders/?role=prescriber&amp;urgency=review" in reviews
    assert f"All {SHOWN + 3} on the reminders page" in reviews


def test_serious_events_are_counted_per_clinic_and_link_to_their_report(
    client: Client, world: World
) -> None:
    grow(world, 0, SHOWN + 4)
    patients = list(Patient.objects.filter(clinic=world.clinic)[: SHOWN + 2])
    events = [event(p, seriousness=["hospitalisation"]) for p in patients]
    by_patient = event(patients[0], by_patient=True)  # not serious: a report to review
    html = dashboard(client, world)
    safety = group(html, "safety")
    needing = {
        e.pk
        for e in events[0].__class__.objects.filter(patient__clinic=world.clinic).needing_report()
    }
    review = {e.pk for e in by_patient.__class__.objects.awaiting_review().exclude(pk__in=needing)}
    assert count_of(html, "safety") == len(needing) + len(review)
    assert len(items(safety)) == SHOWN
    first = min(events, key=lambda e: (e.reported_at, e.pk))
    assert reverse("safety:report_sent", args=[first.pk]) in items(safety)[0]
    link = reverse("safety:clinic_events", args=[world.clinic.pk])
    expected = f"Adverse events to act on at {world.clinic.name}: {len(needing) + len(review)}"
    assert f'<a href="{link}">{expected}</a>' in safety


def test_a_patients_report_to_review_links_to_its_review(client: Client, world: World) -> None:
    reported = event(world.patient, by_patient=True)
    safety = group(dashboard(client, world), "safety")
    assert "Side effect reported by the patient, to review" in safety
    assert reverse("safety:event_edit", args=[reported.pk]) in safety


@pytest.mark.usefixtures("quick_pdfs")
def test_a_regulators_query_links_to_its_answer_and_is_listed_once(
    client: Client, world: World
) -> None:
    application = application_in(world, State.QUERIED)
    reminder(world, authorisation_kinds.QUERY, 0)  # the same query, as the remind run finds it
    html = dashboard(client, world)
    safety = group(html, "safety")
    assert count_of(html, "safety") == 1
    assert reverse("authorisations:step", args=[application.pk, states.ANSWER]) in safety
    assert "Answer the query" in safety


def test_a_review_links_to_the_visit_to_record_and_can_be_marked_done(
    client: Client, world: World
) -> None:
    due = reminder(world, course.REASSESSMENT, 0)
    reviews = group(dashboard(client, world), "review")
    assert reverse("assessments:visit_new", args=[world.patient.pk]) in reviews
    assert f'action="{reverse("reminders:done", args=[due.pk])}"' in reviews
    client.post(reverse("reminders:done", args=[due.pk]))
    assert 'data-group="review"' not in dashboard(client, world)


def test_a_report_owed_links_to_its_pdf_and_is_recorded_as_sent_from_the_queue(
    client: Client, world: World
) -> None:
    task = owed_task(application_in(world, State.APPROVED), -3)
    reports = group(dashboard(client, world), "report")
    assert "overdue" in reports
    assert reverse("authorisations:report_pdf", args=[task.pk]) in reports
    assert f'action="{reverse("authorisations:report_submitted", args=[task.pk])}"' in reports
    client.post(reverse("authorisations:report_submitted", args=[task.pk]))
    assert 'data-group="report"' not in dashboard(client, world)


def test_suspected_falsified_packs_at_a_supplying_pharmacy_are_safety_items(
    client: Client, world: World
) -> None:
    elsewhere = Clinic.objects.create(name="Far Pharmacy", kind=Clinic.Kind.PHARMACY)
    for pharmacy, serial in ((world.pharmacy, "CLONE-1"), (elsewhere, "CLONE-2")):
        Incident.objects.create(
            kind=Incident.Kind.SUSPECTED_FALSIFIED, pharmacy=pharmacy, product="Opzelura 100 g",
            gtin="00000000000000", lot_number="L1", serial=serial,
            expiry=date(2030, 1, 1), where_found="receiving", details="repeated serial",
            found_by=world.pharmacist,
        )  # fmt: skip
    html = dashboard(client, world)
    safety = group(html, "safety")
    assert count_of(html, "safety") == 1
    assert "CLONE-1" in safety and "CLONE-2" not in html


def test_other_reminders_come_last_and_reports_are_not_taken_from_reminders(
    client: Client, world: World
) -> None:
    reminder(world, authorisation_kinds.EXPIRY_30, 3)
    reminder(world, authorisation_kinds.REPORT, -20)  # a report reminder without its task
    html = dashboard(client, world)
    assert re.findall(r'<h3 id="work-prescriber-(\w+)">', html) == ["other"]


def test_the_audit_names_every_listed_patient_in_one_entry(client: Client, world: World) -> None:
    grow(world, 0, 6)
    one, two, three = Patient.objects.filter(clinic=world.clinic).exclude(pk=world.patient.pk)[:3]
    event(one, seriousness=["hospitalisation"])
    reminder(world, course.REASSESSMENT, 0, two)
    reminder(world, authorisation_kinds.EXPIRY_30, 0, three)
    client.force_login(world.prescriber)
    before = AuditEntry.objects.count()
    client.get(reverse("accounts:dashboard"))
    (entry,) = AuditEntry.objects.order_by("pk")[before:]
    assert entry.object_type == "dashboard"
    assert {one.pk, two.pk, three.pk} <= set(entry.patient_ids)


def test_the_reminders_page_keeps_one_group(client: Client, world: World) -> None:
    reminder(world, course.REASSESSMENT, 0)
    reminder(world, authorisation_kinds.EXPIRY_30, 0)
    client.force_login(world.prescriber)
    url = reverse("reminders:list") + "?role=prescriber&urgency=review"
    page = client.get(url).content.decode()
    assert "Week-24 reassessment" in page and "expires on" not in page
    assert "1 open reminder" in page
    every = client.get(reverse("reminders:list") + "?role=prescriber").content.decode()
    assert "Week-24 reassessment" in every and "expires on" in every
    assert timezone.localdate()  # the list's day is today's


def test_a_large_group_is_counted_up_to_the_cap(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting every open reminder of a national registry's clinics would scan them all: past
    the cap the group says "more than N" and links to the full list."""
    monkeypatch.setattr("repigment.core.worklist.COUNT_UPTO", SHOWN + 2)
    grow(world, 0, SHOWN + 4)
    for n, patient in enumerate(Patient.objects.filter(clinic=world.clinic)[: SHOWN + 4]):
        reminder(world, course.REASSESSMENT, n, patient, n)
    html = dashboard(client, world)
    reviews = group(html, "review")
    assert f'data-count="{SHOWN + 2}">more than {SHOWN + 2}</span>' in reviews
    assert f"All of them on the reminders page (more than {SHOWN + 2})" in reviews
    assert len(items(reviews)) == SHOWN
