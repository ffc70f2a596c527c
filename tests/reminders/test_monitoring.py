"""The reminders include the TB screening and skin examinations of the monitoring plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from repigment.reminders import monitoring
from repigment.reminders.models import Reminder
from repigment.reminders.registry import kinds
from repigment.treatment.models import LatentTbTreatment, TbResult, TbScreening, TbTest
from tests.conftest import World
from tests.reminders.helpers import monitored
from tests.reminders.test_remind import remind
from tests.safety.helpers import prescription

pytestmark = pytest.mark.django_db
START = date(2026, 1, 5)


def open_kinds() -> dict[str, date]:
    return {
        r.kind: r.due_on
        for r in Reminder.objects.filter(done_at__isnull=True, kind__startswith="monitoring.")
    }


def test_the_reminder_sources_list_tb_screening_and_skin_examinations() -> None:
    assert {monitoring.TB_SCREENING, monitoring.SKIN_EXAM} <= set(kinds())
    for code in (monitoring.TB_SCREENING, monitoring.SKIN_EXAM):
        assert kinds()[code].references


def test_a_course_without_monitoring_is_reminded_of_both_at_its_start(world: World) -> None:
    prescription(world.patient, START)
    remind(START)
    assert open_kinds() == {monitoring.TB_SCREENING: START, monitoring.SKIN_EXAM: START}
    reminder = Reminder.objects.get(kind=monitoring.TB_SCREENING)
    assert reminder.url.endswith(f"/patients/{world.patient.pk}/monitoring/")


def test_recording_them_resolves_the_reminders_and_schedules_the_next(world: World) -> None:
    prescription(world.patient, START)
    remind(START)
    next_exam = START + timedelta(weeks=26)
    monitored(world.patient, START, next_skin_exam=next_exam)
    remind(START + timedelta(days=1))
    assert open_kinds() == {}
    remind(next_exam - timedelta(days=10))
    assert open_kinds() == {monitoring.SKIN_EXAM: next_exam}


def test_a_tb_screening_with_a_next_day_is_due_again_then(world: World) -> None:
    prescription(world.patient, START)
    again = START + timedelta(days=365)
    TbScreening.objects.create(
        patient=world.patient,
        test=TbTest.SKIN_TEST,
        tested_on=START,
        result=TbResult.NEGATIVE,
        latent_treatment=LatentTbTreatment.NOT_NEEDED,
        next_due=again,
    )
    remind(START)
    assert monitoring.TB_SCREENING not in open_kinds()
    remind(again)
    assert open_kinds()[monitoring.TB_SCREENING] == again


def test_the_monitoring_walk_does_not_read_visits(world: World) -> None:
    """Its checks are dated by their own records, so its walk of the courses skips the
    visits (the course source's walk reads them)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from repigment.assessments.models import Visit

    prescription(world.patient, START)
    with CaptureQueriesContext(connection) as captured:
        found = list(monitoring.SOURCE.due(START))
    assert {due.kind for due in found} == {monitoring.TB_SCREENING, monitoring.SKIN_EXAM}
    assert not [q for q in captured if Visit._meta.db_table in q["sql"]]
