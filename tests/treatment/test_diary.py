"""The patient's own diary: a few taps, no future days, only their own record; adherence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.patients.models import Patient
from repigment.treatment.adherence import overall_percent, weekly_adherence
from repigment.treatment.models import DiaryEntry, Prescription
from tests.conftest import World
from tests.patients.helpers import TODAY, consenting_patient_in, prescriber_of
from tests.treatment.helpers import ruxolitinib

pytestmark = pytest.mark.django_db
DIARY = "/en/my/diary/"


def prescribe(patient: Patient, start: date, stop: date | None = None) -> Prescription:
    prescription = Prescription.objects.create(
        patient=patient,
        product=ruxolitinib(),
        treated_areas=[{"region": "face", "bsa_percent": "2"}],
        start_date=start,
        planned_weeks=24,
        tube_grams=100,
        jurisdiction="EMA",
        label_overall="ok",
        stop_date=stop,
        prescriber=prescriber_of(patient),
    )
    patient.treatment_start = patient.treatment_start or start
    patient.save()
    return prescription


@pytest.fixture
def patient_client(client: Client, world: World) -> Client:
    consenting_patient_in(world, world.clinic)
    prescribe(world.patient, TODAY() - timedelta(days=20))
    client.force_login(world.patient_user)
    return client


def test_the_patient_ticks_today_in_two_taps(patient_client: Client, world: World) -> None:
    page = patient_client.get(DIARY)
    assert page.status_code == 200
    assert page.context["form"]["day"].value() == TODAY()
    saved = patient_client.post(DIARY, {"day": TODAY().isoformat(), "morning": "on"})
    assert saved.status_code == 302
    entry = DiaryEntry.objects.get()
    assert (entry.patient, entry.day, entry.morning, entry.evening) == (
        world.patient,
        TODAY(),
        True,
        False,
    )
    # The evening, later: the same day is rewritten, not duplicated.
    patient_client.post(DIARY, {"day": TODAY().isoformat(), "morning": "on", "evening": "on"})
    entry.refresh_from_db()
    assert entry.applications == 2
    assert DiaryEntry.objects.count() == 1
    entries = AuditEntry.objects.naming(world.patient.pk).filter(object_type="diary_entry")
    assert set(entries.values_list("action", flat=True)) == {AuditAction.CREATE, AuditAction.UPDATE}


def test_yesterday_is_one_button_away(patient_client: Client) -> None:
    yesterday = TODAY() - timedelta(days=1)
    page = patient_client.get(DIARY)
    assert f'href="?day={yesterday.isoformat()}"' in page.content.decode()
    page = patient_client.get(DIARY, {"day": yesterday.isoformat()})
    assert page.context["form"]["day"].value() == yesterday


def test_a_day_in_the_future_is_refused(patient_client: Client) -> None:
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()
    page = patient_client.post(DIARY, {"day": tomorrow, "morning": "on"})
    assert page.context["form"].errors["day"] == [
        "That day has not come yet; record it on the day or later."
    ]
    assert not DiaryEntry.objects.exists()
    # A future day in the address shows today instead.
    assert patient_client.get(DIARY, {"day": tomorrow}).context["day"] == TODAY()


def test_a_day_before_the_treatment_started_is_refused(patient_client: Client) -> None:
    early = (TODAY() - timedelta(days=30)).isoformat()
    page = patient_client.post(DIARY, {"day": early, "evening": "on"})
    assert page.context["form"].errors["day"][0].startswith("Your treatment starts on")
    assert not DiaryEntry.objects.exists()


def test_a_skipped_day_has_a_reason_and_no_application(patient_client: Client) -> None:
    day = TODAY().isoformat()
    page = patient_client.post(DIARY, {"day": day, "skipped": "on", "morning": "on"})
    assert page.context["form"].errors["skipped"]
    page = patient_client.post(DIARY, {"day": day})
    assert page.context["form"].non_field_errors() == [
        "Tick morning, evening, or “I skipped this day”."
    ]
    patient_client.post(DIARY, {"day": day, "skipped": "on", "skip_reason": "irritation"})
    entry = DiaryEntry.objects.get()
    assert entry.skipped and entry.skip_reason == "irritation" and entry.applications == 0


def test_a_patient_cannot_write_on_another_patients_record(
    patient_client: Client, world: World
) -> None:
    other = consenting_patient_in(world, world.other_clinic)
    prescribe(other, TODAY() - timedelta(days=20))
    day = TODAY().isoformat()
    data = {"day": day, "morning": "on", "patient": other.pk}
    patient_client.post(DIARY + f"?patient={other.pk}", data)
    api = patient_client.post(
        "/api/v1/me/diary",
        {"day": day, "evening": True, "patient_id": other.pk},
        content_type="application/json",
    )
    assert api.status_code == 422  # no such field: the patient is the signed-in user
    staff_api = patient_client.get(f"/api/v1/patients/{other.pk}/diary")
    assert staff_api.status_code == 404
    assert not DiaryEntry.objects.filter(patient=other).exists()
    assert DiaryEntry.objects.get().patient == world.patient


def test_staff_have_no_diary_of_their_own(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    response = client.post(DIARY, {"day": TODAY().isoformat(), "morning": "on"})
    assert response.status_code == 302 and response.url == reverse("accounts:dashboard")
    assert not DiaryEntry.objects.exists()


def test_no_diary_without_the_treatment_consent(client: Client, world: World) -> None:
    prescribe(world.patient, TODAY() - timedelta(days=5))
    client.force_login(world.patient_user)
    page = client.post(DIARY, {"day": TODAY().isoformat(), "morning": "on"})
    assert "There is no current consent" in page.content.decode()
    assert not DiaryEntry.objects.exists()


def _entry(patient: Patient, day: date, morning: bool, evening: bool) -> None:
    DiaryEntry.objects.create(patient=patient, day=day, morning=morning, evening=evening)


def test_adherence_is_applications_recorded_over_twice_daily_by_treatment_week(
    world: World,
) -> None:
    patient = world.patient
    start = TODAY() - timedelta(days=13)  # two full weeks, today is day 14 (week 3)
    prescribe(patient, start)
    for n in range(7):  # week 1: every application
        _entry(patient, start + timedelta(days=n), True, True)
    for n in range(7, 12):  # week 2: mornings only on 5 days, 2 days not recorded
        _entry(patient, start + timedelta(days=n), True, False)
    weeks = weekly_adherence(patient, until=start + timedelta(days=13))
    assert [(w.week, w.percent, w.recorded_days, w.expected_days) for w in weeks] == [
        (1, 100, 7, 7),
        (2, 42, 5, 6),  # the last day of the range is "today": not over, not recorded
    ]
    assert overall_percent(weeks) == round(100 * 19 / 26)


def test_days_after_the_stop_are_not_expected(world: World) -> None:
    patient = world.patient
    start = TODAY() - timedelta(days=20)
    prescribe(patient, start, stop=start + timedelta(days=3))
    for n in range(4):
        _entry(patient, start + timedelta(days=n), True, True)
    weeks = weekly_adherence(patient)
    assert weeks[0].percent == 100 and weeks[0].expected_days == 4
    assert weeks[1].percent is None


def test_the_prescriber_sees_adherence_beside_the_course_chart(
    client: Client, world: World
) -> None:
    patient = consenting_patient_in(world, world.clinic)
    start = TODAY() - timedelta(days=10)
    prescribe(patient, start)
    for n in range(7):
        _entry(patient, start + timedelta(days=n), True, n % 2 == 0)
    client.force_login(world.prescriber)
    html = client.get(reverse("assessments:course", args=[patient.pk])).content.decode()
    assert "Adherence by week" in html
    assert "Week 1: 79 % (7 of 7 days recorded)" in html
    page = client.get(reverse("treatment:adherence", args=[patient.pk]))
    assert [w.percent for w in page.context["weeks"]][-1] == 79


def test_the_diary_speaks_the_patients_language(patient_client: Client) -> None:
    html = patient_client.get("/fr/my/diary/").content.decode()
    assert "J'ai appliqué la crème" in html and "Hier" in html
    html = patient_client.get("/ar/my/diary/").content.decode()
    assert 'dir="rtl"' in html and "يومياتي" in html
    page = patient_client.post(
        "/pt/my/diary/", {"day": (TODAY() + timedelta(days=1)).isoformat(), "morning": "on"}
    )
    assert "Esse dia ainda não chegou" in page.content.decode()
