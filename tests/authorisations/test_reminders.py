"""Authorisation reminders through `repigment remind`, on a fixed clock: each fires on its day
and only once; what the record resolves closes by itself."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from repigment.authorisations import reminders, reporting, services, states
from repigment.authorisations.models import AuthorisationApplication, ReportTask, State
from repigment.authorisations.reporting import add_months
from repigment.core.templatetags.dates import day_text
from repigment.reminders.models import DoneReason, Reminder
from tests.authorisations.helpers import (
    actor,
    application_in,
    approval,
    complete_checklist,
    draft,
    move,
    quick_pdfs,
    step_for,
)
from tests.conftest import World
from tests.patients.helpers import TODAY
from tests.safety.helpers import prescription

pytestmark = pytest.mark.usefixtures("quick_pdfs")
assert quick_pdfs


def remind(day: date) -> str:
    out = StringIO()
    call_command("remind", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


def approved(world: World, **terms: object) -> AuthorisationApplication:
    application = application_in(world, State.SUBMITTED)
    services.transition(
        application, states.APPROVE, approval(TODAY(), **terms), actor(world.prescriber), TODAY()
    )
    return application


def open_kinds(prefix: str = "access.") -> list[str]:
    return sorted(
        Reminder.objects.open().filter(kind__startswith=prefix).values_list("kind", flat=True)
    )


def test_expiry_is_reminded_30_then_7_days_ahead_each_once(world: World) -> None:
    application = approved(world, authorised_packs=10)  # enough cream to last the validity
    end = application.valid_until
    assert end is not None
    remind(end - timedelta(days=31))
    assert reminders.EXPIRY_30 not in open_kinds()
    remind(end - timedelta(days=30))
    remind(end - timedelta(days=30))
    first = Reminder.objects.get(kind=reminders.EXPIRY_30)
    assert first.due_on == end - timedelta(days=30) and first.params["expires"] == end.isoformat()
    remind(end - timedelta(days=8))
    assert Reminder.objects.filter(kind=reminders.EXPIRY_30).count() == 1
    remind(end - timedelta(days=7))
    remind(end - timedelta(days=6))
    assert Reminder.objects.filter(kind=reminders.EXPIRY_7).count() == 1
    first.refresh_from_db()
    assert first.done_reason == DoneReason.RESOLVED
    remind(end + timedelta(days=1))
    application.refresh_from_db()
    assert application.state == State.EXPIRED
    assert not Reminder.objects.open().filter(kind__startswith="access.expiry").exists()


def test_reauthorisation_by_quantity_when_it_runs_out_first(world: World) -> None:
    # 3 packs of 100 g at 28 g a week last 10 weeks, long before the six months of validity.
    application = approved(world, authorised_packs=3)
    runs_out = TODAY() + timedelta(weeks=10)
    remind(runs_out - timedelta(days=30 + 15))
    assert reminders.REAUTHORISE not in open_kinds()
    remind(runs_out - timedelta(days=30 + 14))
    reminder = Reminder.objects.get(kind=reminders.REAUTHORISE)
    assert reminder.due_on == runs_out - timedelta(days=30)
    assert reminder.params["why"] == "authorised quantity used up"
    services.start_reauthorisation(application, actor(world.prescriber), TODAY())
    remind(runs_out - timedelta(days=30))
    reminder.refresh_from_db()
    assert reminder.done_reason == DoneReason.RESOLVED


def test_reauthorisation_by_validity_when_it_ends_first(world: World) -> None:
    application = approved(world, authorised_packs=10)
    assert application.valid_until is not None
    remind(application.valid_until - timedelta(days=30))
    reminder = Reminder.objects.get(kind=reminders.REAUTHORISE)
    assert reminder.params == {
        "number": "S21-2026-000123",
        "runs_out": application.valid_until.isoformat(),
        "why": "validity ends",
    }


def test_the_six_month_report_is_a_task_and_a_reminder(world: World) -> None:
    application = approved(world, authorised_packs=10)
    task = ReportTask.objects.get(first_application=application)
    assert (task.kind, task.number, task.due_on) == ("progress", 1, add_months(TODAY(), 6))
    remind(task.due_on - timedelta(days=15))
    assert reminders.REPORT not in open_kinds()
    remind(task.due_on - timedelta(days=14))
    assert open_kinds().count(reminders.REPORT) == 1
    task.submitted_on = task.due_on
    task.save()
    remind(task.due_on)
    assert reminders.REPORT not in open_kinds()


def test_a_withdrawal_ends_use_and_asks_for_the_final_report(world: World) -> None:
    application = approved(world)
    services.transition(
        application, states.WITHDRAW, step_for(states.WITHDRAW, TODAY()),
        actor(world.prescriber), TODAY(),
    )  # fmt: skip
    remind(TODAY())
    final = ReportTask.objects.get(first_application=application, kind="final")
    assert final.due_on == TODAY() + timedelta(days=30)
    assert not ReportTask.objects.filter(first_application=application, kind="progress").exists()


def test_a_query_waits_for_its_answer(world: World) -> None:
    application = application_in(world, State.QUERIED)
    remind(TODAY())
    remind(TODAY())
    assert open_kinds() == [reminders.QUERY]
    move(application, world.prescriber, states.ANSWER)
    remind(TODAY())
    assert open_kinds() == []
    assert Reminder.objects.filter(kind=reminders.QUERY).count() == 1


def _reports_on(html: str, marker: str, names: list[str]) -> set[tuple[str, str]]:
    """(patient, report) of each report owed listed on a page: the lines carrying ``marker``."""
    found = set()
    for line in re.findall(r"<li[^>]*>.*?</li>", html, flags=re.S):
        if marker not in line:
            continue
        text = re.sub(r"<[^>]+>", " ", line)
        report = re.search(r"(Six-monthly progress report \d+|Final report)", text)
        patient = re.search("|".join(map(re.escape, names)), text)
        assert report and patient, text
        found.add((patient.group(0), report.group(1)))
    return found


def test_the_dashboard_and_the_pipeline_list_the_same_reports_owed(
    client: Client, world: World
) -> None:
    """One rule (authorisations.reporting.owed) for both: the first six-monthly report of a
    course authorised seven months ago is owed, its second is not yet; an unauthorised course
    a year old owes none (the old course rule listed two for it)."""
    started = TODAY() - timedelta(days=213)
    application = draft(world, started)
    application.prescription.start_date = started
    application.prescription.save()
    complete_checklist(application, world.prescriber)
    move(application, world.prescriber, states.MARK_READY, states.SUBMIT, on=started)
    services.transition(
        application,
        states.APPROVE,
        approval(started, valid_until=started + timedelta(days=360)),
        actor(world.prescriber),
        TODAY(),
    )
    other = world.patient.clinic.patients.create(
        record_number="JHB-T-9", given_names="Sipho", family_name="Mokoena",
        date_of_birth=date(1980, 3, 3), sex="male", phototype=5,
    )  # fmt: skip
    prescription(other, TODAY() - timedelta(days=400))
    remind(TODAY())
    assert ReportTask.objects.filter(first_application=application).count() == 2  # 1 owed, 1 ahead

    client.force_login(world.prescriber)
    pipeline_page = client.get(reverse("authorisations:pipeline", args=[world.clinic.pk]))
    listed = client.get(reverse("reminders:list") + "?role=prescriber")
    dashboard = client.get(reverse("accounts:dashboard"))
    names = [world.patient.full_name, other.full_name]
    on_pipeline = _reports_on(pipeline_page.content.decode(), "report-owed", names)
    on_list = _reports_on(listed.content.decode(), "to the regulator due", names)
    on_dashboard = _reports_on(dashboard.content.decode(), "to the regulator due", names)
    patient = world.patient.full_name
    assert on_pipeline == {(patient, "Six-monthly progress report 1")}
    assert on_list == on_pipeline and on_dashboard == on_pipeline


def test_a_report_marked_sent_leaves_both_lists_at_once(client: Client, world: World) -> None:
    started = TODAY() - timedelta(days=200)
    application = draft(world, started)
    application.prescription.start_date = started
    application.prescription.save()
    complete_checklist(application, world.prescriber)
    move(application, world.prescriber, states.MARK_READY, states.SUBMIT, on=started)
    services.transition(
        application,
        states.APPROVE,
        approval(started, valid_until=started + timedelta(days=360)),
        actor(world.prescriber),
        TODAY(),
    )
    remind(TODAY())
    task = reporting.owed(TODAY()).get()
    reminder = Reminder.objects.open().get(kind=reminders.REPORT)
    assert reminder.key == reporting.reminder_key(task)
    client.force_login(world.prescriber)
    client.post(reverse("authorisations:report_submitted", args=[task.pk]))
    task.refresh_from_db()
    reminder.refresh_from_db()
    assert task.submitted_on == TODAY()
    assert reminder.done_reason == DoneReason.RESOLVED
    assert not reporting.owed(TODAY()).exists()


def test_an_expiry_notice_is_not_overdue_before_the_expiry(world: World) -> None:
    """The 30-day notice falls due 30 days ahead; it is overdue only once the authorisation
    has expired, and its text gives the day rather than a count that goes stale."""
    from repigment.reminders.engine import is_overdue, reminder_text

    application = approved(world, authorised_packs=10)
    end = application.valid_until
    assert end is not None
    remind(end - timedelta(days=20))
    notice = Reminder.objects.open().get(kind=reminders.EXPIRY_30)
    assert not is_overdue(notice, end - timedelta(days=20))
    assert not is_overdue(notice, end)
    assert is_overdue(notice, end + timedelta(days=1))
    text = reminder_text(notice)
    assert day_text(end) in text and end.isoformat() not in text and "in 30 days" not in text
