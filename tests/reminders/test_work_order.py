"""A work list puts safety first, then reviews of patients, then reports owed, then the rest;
the soonest due first within each group (issue 18: the week-24 review was listed last)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from repigment.accounts.models import Role
from repigment.authorisations import reminders as authorisation_kinds
from repigment.reminders import course, monitoring
from repigment.reminders.engine import open_for
from repigment.reminders.models import Reminder
from repigment.safety import reminders as safety_kinds
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_safety_then_reviews_then_reports_then_the_rest_each_soonest_first(world: World) -> None:
    today = timezone.localdate()
    # (kind, days from today): the reports and the expiry fall due first, the safety item last.
    made = [
        (authorisation_kinds.EXPIRY_30, -40),
        (course.PROGRESS, -30),
        (course.PROGRESS, -35),
        (course.REASSESSMENT, -2),
        (monitoring.TB_SCREENING, -5),
        (authorisation_kinds.QUERY, 0),
        (safety_kinds.REVIEW, 1),
    ]
    for number, (kind, days) in enumerate(made):
        Reminder.objects.create(
            key=f"order-{number}",
            kind=kind,
            due_on=today + timedelta(days=days),
            clinic=world.clinic,
            patient=world.patient,
            responsible_role=Role.PRESCRIBER,
        )
    listed = open_for(world.prescriber, [world.clinic], Role.PRESCRIBER, today)
    assert [(r.kind, (r.due_on - today).days) for r in listed] == [
        (authorisation_kinds.QUERY, 0),
        (safety_kinds.REVIEW, 1),
        (monitoring.TB_SCREENING, -5),
        (course.REASSESSMENT, -2),
        (course.PROGRESS, -35),
        (course.PROGRESS, -30),
        (authorisation_kinds.EXPIRY_30, -40),
    ]
