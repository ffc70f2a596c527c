"""The remind command on a fixed clock: each reminder once, messages once and only with
consent to contact, in the patient's language; what the record resolves closes by itself."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditEntry
from repigment.authorisations.reporting import add_months
from repigment.patients.models import ConsentPurpose, Patient
from repigment.reminders import course
from repigment.reminders.models import DoneReason, PatientMessage, Reminder
from repigment.safety.models import Status
from tests.conftest import World
from tests.patients.helpers import consent, patient_in, visit
from tests.reminders.helpers import monitored
from tests.safety.helpers import event, prescription

START = date(2026, 1, 5)
WEEK_24 = START + timedelta(weeks=24)


@pytest.fixture(autouse=True)
def monitoring_done(world: World) -> None:
    """The world's patient had the TB screening and a skin check at the start, with the next
    check years away: the monitoring reminders (tests/reminders/test_monitoring.py) stay out of
    these counts."""
    monitored(world.patient, START)


def remind(day: date) -> str:
    out = StringIO()
    call_command("remind", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


def _contactable(
    patient: Patient, email: str = "patient@example.org", language: str = "en"
) -> None:
    patient.email, patient.preferred_language = email, language
    patient.save()
    consent(patient, ConsentPurpose.TREATMENT, ConsentPurpose.CONTACT, given_on=START)


def kinds() -> list[str]:
    return sorted(Reminder.objects.values_list("kind", flat=True))


def test_add_months_keeps_the_day_or_takes_the_months_last() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 5), 12) == date(2027, 1, 5)


def test_nothing_is_due_before_the_lead_time(world: World) -> None:
    prescription(world.patient, START)
    remind(WEEK_24 - timedelta(days=15))
    assert not Reminder.objects.filter(kind=course.REASSESSMENT).exists()


def test_the_week_24_reassessment_fires_once_however_often_it_runs(world: World) -> None:
    _contactable(world.patient)
    prescription(world.patient, START)
    day = WEEK_24 - timedelta(days=14)
    first = remind(day)
    assert "1 new" in first and "1 sent" in first
    second = remind(day)
    remind(day + timedelta(days=3))
    assert "0 new" in second and "0 sent" in second
    reassessments = Reminder.objects.filter(kind=course.REASSESSMENT)
    assert reassessments.count() == 1
    assert reassessments.get().due_on == WEEK_24
    assert len(mail.outbox) == 1
    assert PatientMessage.objects.count() == 1
    assert "24 weeks" in mail.outbox[0].body
    assert mail.outbox[0].to == ["patient@example.org"]


def test_no_message_without_a_current_consent_to_contact(world: World) -> None:
    world.patient.email = "patient@example.org"
    world.patient.save()
    consent(world.patient, ConsentPurpose.TREATMENT, given_on=START)
    prescription(world.patient, START)
    out = remind(WEEK_24)
    assert "1 withheld (no consent to contact)" in out
    assert Reminder.objects.filter(kind=course.REASSESSMENT).count() == 1  # staff still see it
    assert mail.outbox == []
    assert not PatientMessage.objects.exists()


def test_a_withdrawn_consent_stops_the_messages(world: World) -> None:
    _contactable(world.patient)
    world.patient.consents.filter(purpose=ConsentPurpose.CONTACT).update(withdrawn_on=START)
    prescription(world.patient, START)
    remind(WEEK_24)
    assert mail.outbox == []


def test_the_message_is_in_the_patients_language(world: World) -> None:
    _contactable(world.patient, language="fr")
    prescription(world.patient, START)
    remind(WEEK_24)
    message = PatientMessage.objects.get()
    assert message.language == "fr"
    assert mail.outbox[0].subject == "C’est le moment de faire le point sur votre traitement"


def test_a_language_the_site_does_not_speak_falls_back_to_english(world: World) -> None:
    _contactable(world.patient, language="zu")
    prescription(world.patient, START)
    remind(WEEK_24)
    assert PatientMessage.objects.get().language == "en"
    assert mail.outbox[0].subject == "Time for your treatment review"


def test_sms_through_the_console_gateway_when_there_is_no_email(
    world: World, settings, capsys
) -> None:  # type: ignore[no-untyped-def]
    _contactable(world.patient, email="")
    world.patient.phone = "+27 555 0100"
    world.patient.save()
    prescription(world.patient, START)
    remind(WEEK_24)
    assert "SMS to +27 555 0100: Time for your treatment review" in capsys.readouterr().out
    assert PatientMessage.objects.get().channel == "sms"


def test_a_failed_send_is_tried_again_next_run(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from repigment.reminders import channels

    _contactable(world.patient)
    prescription(world.patient, START)

    def broken(*args: object) -> None:
        raise OSError("mail server down")

    monkeypatch.setattr(channels.EmailChannel, "send", broken)
    assert "1 failed" in remind(WEEK_24)
    assert not PatientMessage.objects.exists()
    monkeypatch.undo()
    assert "1 sent" in remind(WEEK_24)
    assert len(mail.outbox) == 1


def test_a_visit_near_week_24_resolves_the_reassessment(world: World) -> None:
    consent(world.patient)
    prescription(world.patient, START)
    remind(WEEK_24)
    visit(world.patient, WEEK_24 - timedelta(days=3), face=[("0.5", 50)])
    out = remind(WEEK_24 + timedelta(days=1))
    assert "1 resolved" in out
    done = Reminder.objects.get(kind=course.REASSESSMENT)
    assert done.done_reason == DoneReason.RESOLVED
    remind(WEEK_24 + timedelta(days=2))
    assert Reminder.objects.filter(kind=course.REASSESSMENT).count() == 1


def test_the_ema_week_52_check_only_under_the_eu_label(world: World) -> None:
    prescription(world.patient, START, jurisdiction="EMA")
    other = patient_in(world, world.other_clinic)
    prescription(other, START, jurisdiction="FDA")
    remind(START + timedelta(weeks=52))
    checks = Reminder.objects.filter(kind=course.EMA_CHECK)
    assert [r.patient for r in checks] == [world.patient]


def test_a_course_without_an_authorisation_owes_the_regulator_no_reports(world: World) -> None:
    """Reports follow the authorised use (authorisations.reporting.owed, the one rule): a
    South African course a year old with no approval gets no report reminder."""
    assert world.patient.clinic.country == "ZA"
    prescription(world.patient, START)
    remind(date(2027, 3, 1))
    assert not Reminder.objects.filter(kind__startswith="section21.").exists()
    assert not Reminder.objects.filter(kind="access.report_due").exists()


def test_report_reminders_stored_by_the_old_rule_are_closed(world: World) -> None:
    prescription(world.patient, START)
    old = Reminder.objects.create(
        key=f"{course.PROGRESS}:{world.patient.pk}:2026-01-05:1",
        kind=course.PROGRESS,
        due_on=date(2026, 7, 5),
        clinic=world.clinic,
        patient=world.patient,
        responsible_role="prescriber",
        params={"number": "1", "start": "2026-01-05"},
    )
    assert "1 resolved" in remind(date(2026, 7, 6))
    old.refresh_from_db()
    assert old.done_reason == DoneReason.RESOLVED


def test_an_unreviewed_patient_report_is_reminded_until_reviewed(world: World) -> None:
    reported = event(world.patient, by_patient=True)
    remind(date.today())
    reminder = Reminder.objects.get(kind="safety.review_patient_report")
    assert reminder.responsible_role == "prescriber" and reminder.done_at is None
    reported.status = Status.CONFIRMED
    reported.save()
    assert "1 resolved" in remind(date.today())


def test_reminders_show_on_the_prescribers_dashboard_and_can_be_marked_done(
    client: Client, world: World
) -> None:
    prescription(world.patient, date.today() - timedelta(weeks=24))
    remind(date.today())
    client.force_login(world.prescriber)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Week-24 reassessment due" in page
    reminder = Reminder.objects.get(kind=course.REASSESSMENT)
    assert AuditEntry.objects.naming(world.patient.pk).filter(object_type="dashboard").exists()
    client.post(reverse("reminders:done", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert reminder.done_reason == DoneReason.MARKED and reminder.done_by == world.prescriber
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Week-24 reassessment due" not in page
    remind(date.today())
    assert Reminder.objects.filter(kind=course.REASSESSMENT).count() == 1  # not re-created


def test_a_bad_date_is_refused_with_a_clear_message(db: None) -> None:
    with pytest.raises(CommandError, match="--today must be a date as YYYY-MM-DD"):
        call_command("remind", "--today", "2026-13-01")


def test_repigment_remind_runs_on_a_given_day_and_refuses_a_bad_one(world: World) -> None:
    from typer.testing import CliRunner

    from repigment.cli import app

    prescription(world.patient, START)
    result = CliRunner().invoke(app, ["remind", "--today", WEEK_24.isoformat()])
    assert result.exit_code == 0, result.output
    assert "reminders: 1 new" in result.output  # the reassessment (no report: not authorised)
    result = CliRunner().invoke(app, ["remind", "--today", "24/06/2026"])
    assert result.exit_code == 1
    assert "--today must be a date as YYYY-MM-DD, not '24/06/2026'" in result.output


def test_remind_catches_up_the_start_of_a_prescription_dated_ahead_once_it_has_come(
    world: World,
) -> None:
    from repigment.treatment.services import today

    started = today() - timedelta(days=3)
    world.patient.treatment_start = None
    world.patient.save()
    prescription(world.patient, started)  # saved ahead of its day: nothing moved the start
    prescription(world.patient, today() + timedelta(days=30))
    call_command("remind", stdout=StringIO())
    world.patient.refresh_from_db()
    assert world.patient.treatment_start == started


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_body_is_the_template_rendered_for_the_patient(world: World, language: str) -> None:
    """The run renders the message template once per language and fills in each patient:
    the body must be what rendering it for this patient gives, whatever the name holds."""
    from django.template.loader import render_to_string
    from django.utils import translation

    world.patient.given_names = "Zoë {{ body }} %(due)s"
    _contactable(world.patient, language=language)
    prescription(world.patient, START)
    remind(WEEK_24)
    reminder = Reminder.objects.get(kind=course.REASSESSMENT)
    body = mail.outbox[0].body
    with translation.override(language):
        expected = render_to_string(
            "reminders/email/patient_message.txt",
            {"patient": world.patient, "clinic": reminder.clinic, "body": body.split("\n")[2]},
        )
    assert body == expected
    assert body.startswith("Dear Zoë {{ body }} %(due)s,") or language != "en"
    assert reminder.clinic.name in body
