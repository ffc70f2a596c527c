"""Authorisation reminders through `repigment remind`, on a fixed clock: each fires on its day
and only once; what the record resolves closes by itself."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from repigment.authorisations import reminders, services, states
from repigment.authorisations.models import AuthorisationApplication, ReportTask, State
from repigment.authorisations.reporting import add_months
from repigment.reminders import course
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


def test_the_course_reminders_stand_aside_once_the_authorisation_tracks_the_reports(
    world: World,
) -> None:
    application = draft(world)
    prescription = application.prescription
    prescription.start_date = TODAY() - timedelta(days=200)
    prescription.save()
    remind(TODAY())
    assert course.PROGRESS in open_kinds("section21.")
    complete_checklist(application, world.prescriber)
    move(application, world.prescriber, states.MARK_READY, states.SUBMIT, states.APPROVE)
    remind(TODAY())
    assert open_kinds("section21.") == []
    assert ReportTask.objects.filter(first_application=application).exists()
