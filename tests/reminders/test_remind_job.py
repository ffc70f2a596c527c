"""`repigment remind --background`: the same run as a job on the worker, once per day at a time."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from repigment.core.models import Job, JobState
from repigment.reminders import course
from repigment.reminders.models import Reminder
from tests.conftest import World
from tests.core.workers import run_database_worker
from tests.reminders.test_remind import START, WEEK_24
from tests.safety.helpers import prescription

pytestmark = pytest.mark.django_db(transaction=True)


def _remind_in_background() -> str:
    out = StringIO()
    call_command("remind", "--today", WEEK_24.isoformat(), "--background", stdout=out)
    return out.getvalue()


def test_the_reminder_run_queued_as_a_job_creates_the_reminders_on_the_worker(
    world: World,
) -> None:
    prescription(world.patient, START)
    assert "queued as job" in _remind_in_background()
    assert not Reminder.objects.filter(kind=course.REASSESSMENT).exists()  # not run here
    run_database_worker()
    job = Job.objects.get(kind="remind")
    assert job.state == JobState.SUCCEEDED and job.result["created"] >= 1
    assert Reminder.objects.filter(kind=course.REASSESSMENT, patient=world.patient).count() == 1


def test_queueing_the_run_again_while_it_waits_adds_no_second_job_and_reruns_add_nothing(
    world: World,
) -> None:
    prescription(world.patient, START)
    _remind_in_background()
    _remind_in_background()
    assert Job.objects.count() == 1
    run_database_worker()
    before = Reminder.objects.count()
    _remind_in_background()
    run_database_worker()
    assert Job.objects.count() == 2 and Job.objects.filter(state=JobState.SUCCEEDED).count() == 2
    assert Reminder.objects.count() == before
    assert Job.objects.order_by("-pk").first().result["created"] == 0  # type: ignore[union-attr]
