"""The demo world's adverse events and the reminders built with it."""

from __future__ import annotations

import io

from django.core.management import call_command

from repigment.reminders.models import PatientMessage, Reminder
from repigment.safety.models import AdverseEvent, SafetyReport


def test_the_demo_adds_events_once_with_a_serious_one_and_reports_to_review(db: None) -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())
    events = AdverseEvent.objects.all()
    counts = (events.count(), events.awaiting_review().count(), SafetyReport.objects.count())
    assert counts[0] >= 8 and counts[1] >= 2 and counts[2] == 1
    assert events.needing_report().filter(term="serious_infection").count() == 1
    assert Reminder.objects.filter(kind="safety.review_patient_report").count() == counts[1]
    call_command("demo", "--no-progress", stdout=io.StringIO())
    assert (
        AdverseEvent.objects.count(),
        AdverseEvent.objects.awaiting_review().count(),
        SafetyReport.objects.count(),
    ) == counts
    assert not PatientMessage.objects.exists()  # the demo messages no one
