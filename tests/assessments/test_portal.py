"""The patient portal: a patient sees their own course, photos and visit dates, nothing else."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import translation

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.patients.models import Diagnosis, Patient
from tests.conftest import World
from tests.patients.helpers import TODAY, consent, photo, visit


def test_a_patient_sees_their_course_and_visit_dates_but_no_notes_or_diagnosis(
    client: Client, world: World
) -> None:
    consent(world.patient)
    visit(world.patient, TODAY() - timedelta(weeks=24), face=[("1", 100)], notes="SECRET NOTE")
    visit(world.patient, TODAY(), face=[("1", 25)], notes="another note")
    Diagnosis.objects.create(
        patient=world.patient,
        vitiligo_type="non_segmental",
        onset_year=2010,
        activity="stable",
        notes="DX NOTE",
    )
    client.force_login(world.patient_user)
    page = client.get(reverse("portal:home"))
    text = page.content.decode()
    assert page.status_code == 200 and "<svg" in text
    assert "Your treated skin is getting better." in text
    assert "shrunk by at least 75 in 100" in text
    # No scores, signed percentages or trial jargon on the home page: those are for staff.
    words = text[: text.index("<svg")] + text[text.index("</svg>") :]
    assert "+75" not in words and "F-VASI" not in words and "TRuE-V" not in words
    assert text.index("Fill in my diary") < text.index("<svg")
    assert text.index("Report a side effect") < text.index("<svg")
    assert "SECRET NOTE" not in text and "DX NOTE" not in text and "JHB-T-1" not in text
    entry = AuditEntry.objects.get(object_type="portal_course")
    assert (entry.role, entry.patient_ids, entry.action) == (
        "patient",
        [world.patient.pk],
        AuditAction.VIEW,
    )


def test_a_patient_sees_only_their_own_photos(client: Client, world: World) -> None:
    consent(world.patient)
    mine = photo(visit(world.patient, TODAY(), face=[("1", 50)]))
    other = Patient.objects.create(
        clinic=world.clinic,
        record_number="X",
        given_names="O",
        family_name="P",
        date_of_birth="1970-01-01",
        sex="male",
        phototype=4,
    )
    consent(other)
    theirs = photo(visit(other, TODAY(), face=[("1", 50)]))
    client.force_login(world.patient_user)
    text = client.get(reverse("portal:photos")).content.decode()
    assert reverse("assessments:photo_file", args=[mine.pk, "thumb"]) in text
    assert reverse("assessments:photo_file", args=[theirs.pk, "thumb"]) not in text
    assert (
        client.get(reverse("assessments:photo_file", args=[theirs.pk, "thumb"])).status_code == 404
    )


def test_the_patient_cannot_open_any_staff_page_of_their_own_record(
    client: Client, world: World
) -> None:
    client.force_login(world.patient_user)
    for name in ("patients:detail", "assessments:course", "assessments:photos"):
        assert client.get(reverse(name, args=[world.patient.pk])).status_code == 404, name
    assert client.get(reverse("patients:list")).status_code == 403


def test_the_portal_speaks_the_language_in_its_url(client: Client, world: World) -> None:
    client.force_login(world.patient_user)
    with translation.override("fr"):
        url = reverse("portal:home")
    assert url == "/fr/my/"
    assert '<html lang="fr"' in client.get(url).content.decode()


def test_logging_in_sends_a_patient_to_the_portal_and_staff_to_the_dashboard(
    client: Client, world: World
) -> None:
    from tests.conftest import PASSWORD

    patient = client.post(
        reverse("accounts:login"),
        {"username": world.patient_user.email, "password": PASSWORD},
        follow=True,
    )
    assert patient.redirect_chain[-1][0] == "/en/my/"
    staff = Client().post(
        reverse("accounts:login"),
        {"username": world.prescriber.email, "password": PASSWORD},
        follow=True,
    )
    assert staff.redirect_chain[-1][0] == reverse("accounts:dashboard")


def test_a_worse_score_is_said_in_words_not_as_a_signed_percentage(
    client: Client, world: World
) -> None:
    consent(world.patient)
    visit(world.patient, TODAY() - timedelta(weeks=8), face=[("1", 50)])
    visit(world.patient, TODAY(), face=[("1", 75)])
    client.force_login(world.patient_user)
    text = client.get(reverse("portal:home")).content.decode()
    assert "Your treated skin is worse than at your first visit." in text
    assert "getting better" not in text and "%" not in text.split('id="skin-h"')[1].split("</p>")[0]


def test_the_first_visit_is_the_starting_point(client: Client, world: World) -> None:
    consent(world.patient)
    visit(world.patient, TODAY(), face=[("1", 50)])
    client.force_login(world.patient_user)
    text = client.get(reverse("portal:home")).content.decode()
    assert "Your first visit is your starting point." in text
    assert "getting better" not in text and "the same as" not in text


def test_the_trial_comparison_is_on_its_own_page_in_plain_words(
    client: Client, world: World
) -> None:
    client.force_login(world.patient_user)
    home = client.get(reverse("portal:home")).content.decode()
    assert reverse("portal:trials") in home
    page = client.get(reverse("portal:trials"))
    text = page.content.decode()
    assert page.status_code == 200 and "comparison cream" in text and "in 100 people" in text
    assert "<table" not in text and "Vehicle" not in text
    entry = AuditEntry.objects.get(object_type="portal_trials")
    assert entry.patient_ids == [world.patient.pk]


def test_the_portal_home_names_the_day_of_the_next_visit_in_words(
    client: Client, world: World
) -> None:
    from repigment.core.templatetags.dates import day_text

    consent(world.patient)
    world.patient.treatment_start = TODAY() - timedelta(weeks=20)
    world.patient.save()
    client.force_login(world.patient_user)
    due = world.patient.treatment_start + timedelta(weeks=24)
    text = client.get(reverse("portal:home")).content.decode()
    section = text[text.index('id="today-h"') : text.index("</section>")]
    with translation.override("en"):
        assert f'<time datetime="{due.isoformat()}">{day_text(due)}</time>' in section
    assert "Your next visit: around" in section and world.patient.clinic.name in section
    # Once a visit near week 24 records the review, that day is no longer the next visit.
    visit(world.patient, due - timedelta(days=7), face=[("1", 50)])
    text = client.get(reverse("portal:home")).content.decode()
    section = text[text.index('id="today-h"') : text.index("</section>")]
    assert f'datetime="{due.isoformat()}"' not in section and 'id="next-visit"' in section
