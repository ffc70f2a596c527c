"""The demo world's patients: about forty, skin types IV-VI weighted, realistic courses."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from PIL import Image

from repigment.accounts.demo import DEMO_PASSWORD
from repigment.assessments.course import build_course
from repigment.assessments.models import Photo, Visit
from repigment.patients.demo import DEMO_PATIENT_EMAIL
from repigment.patients.models import Patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())


def test_about_forty_patients_in_both_clinics_mostly_skin_types_iv_to_vi(demo: None) -> None:
    patients = Patient.objects.exclude(record_number__contains="-R")  # not the registry cohort
    assert 35 <= patients.count() <= 45
    assert set(patients.values_list("clinic__name", flat=True)) == {
        "Johannesburg Skin Clinic",
        "Cape Town Dermatology",
    }
    types = Counter(patients.values_list("phototype", flat=True))
    assert sum(types[t] for t in (4, 5, 6)) >= 0.6 * patients.count()
    assert {4, 5, 6} <= set(types) and types[6] > types[1]
    assert all(p.consents.exists() and p.diagnoses.exists() for p in patients)


def test_the_courses_run_to_week_52_with_responders_non_responders_and_worse(demo: None) -> None:
    best: list[float] = []
    longest = 0
    for patient in Patient.objects.filter(visits__isnull=False).distinct():
        course = build_course(patient)
        longest = max(longest, course.points[-1].week)
        last = course.points[-1].fvasi_response
        if last is not None:
            best.append(float(last.percent_improvement))
    assert longest >= 52
    assert any(value >= 75 for value in best)  # some responders
    assert any(0 <= value < 50 for value in best)  # some not
    assert any(value < 0 for value in best)  # some worse


def test_every_stored_total_equals_its_entries(demo: None) -> None:
    for visit in Visit.objects.all():
        assert (visit.fvasi_total, visit.tvasi_total) == visit.totals_from_entries()


def test_a_few_patients_have_drawn_photos_without_metadata(demo: None) -> None:
    photos = Photo.objects.all()
    assert 4 <= photos.count() <= 40
    with photos[0].image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
    assert image.format == "JPEG" and not image.getexif()


def test_the_demo_patient_logs_in_and_sees_their_course(demo: None, client: Client) -> None:
    login = {"username": DEMO_PATIENT_EMAIL, "password": DEMO_PASSWORD}
    assert client.post(reverse("accounts:login"), login).status_code == 302
    page = client.get(reverse("portal:home"))
    assert page.status_code == 200 and len(page.context["course"].points) >= 4
