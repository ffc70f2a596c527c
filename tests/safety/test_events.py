"""Recording and reviewing adverse events on the staff pages and in the patient portal."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditAction, AuditEntry
from repigment.core.templatetags.dates import day_text
from repigment.safety.models import AdverseEvent, ReporterKind, Status
from repigment.safety.terms import BOXED_REFERENCES, LABELLED_REFERENCES, TERMS, TermGroup
from tests.conftest import World
from tests.patients.helpers import TODAY, consent, patient_in
from tests.safety.helpers import event

PORTAL_NEW = "/en/my/side-effects/new/"


def _staff_form(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "term": "application_site_erythema",
        "term_other": "",
        "description": "Red patches on both cheeks.",
        "onset_date": (TODAY() - timedelta(days=5)).isoformat(),
        "end_date": "",
        "severity": "moderate",
        "seriousness": [],
        "outcome": "recovering",
        "action_taken": "reduced",
        "causality": "probable",
        "review_note": "",
    }
    data.update(overrides)
    return data


def _portal_form(**overrides: str) -> dict[str, str]:
    data = {
        "term": "application_site_pruritus",
        "term_other": "",
        "description": "Itchy rash on my hands.",
        "onset_date": (TODAY() - timedelta(days=2)).isoformat(),
        "end_date": "",
        "severity": "mild",
        "action_taken": "not_changed",
    }
    data.update(overrides)
    return data


def test_the_term_list_starts_with_the_labelled_reactions_then_the_boxed_warning() -> None:
    groups = [term.group for term in TERMS]
    assert groups[:7] == [TermGroup.LABELLED] * 7
    assert groups[7:11] == [TermGroup.BOXED] * 4
    assert [t.code for t in TERMS[7:11]] == [
        "serious_infection",
        "malignancy",
        "mace",
        "thrombosis",
    ]
    assert TERMS[-1].code == "other"
    for term in TERMS[:7]:
        assert term.reference_ids == LABELLED_REFERENCES and term.references
    for term in TERMS[7:11]:
        assert term.reference_ids == BOXED_REFERENCES and term.references


def test_patient_report_arrives_unconfirmed_and_the_prescriber_confirms_it(
    client: Client, world: World
) -> None:
    client.force_login(world.patient_user)
    response = client.post(PORTAL_NEW, _portal_form())
    assert response.status_code == 302
    reported = AdverseEvent.objects.get(patient=world.patient)
    assert reported.status == Status.UNCONFIRMED
    assert reported.reporter_kind == ReporterKind.PATIENT
    assert reported.causality == ""
    assert reported.outcome == "not_recovered"  # no end date given: still going on

    client.force_login(world.prescriber)
    page = client.get(reverse("safety:event_detail", args=[reported.pk]))
    assert b"awaiting your review" in page.content
    url = reverse("safety:event_edit", args=[reported.pk])
    response = client.post(url, _staff_form(term="application_site_pruritus", causality="possible"))
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == Status.CONFIRMED
    assert reported.reviewed_by == world.prescriber
    assert reported.causality == "possible"
    entries = AuditEntry.objects.filter(object_type="adverse_event", object_id=str(reported.pk))
    assert set(entries.values_list("action", flat=True)) >= {
        AuditAction.CREATE,
        AuditAction.VIEW,
        AuditAction.UPDATE,
    }
    assert all(entry.patient_ids == [world.patient.pk] for entry in entries)


def test_the_prescriber_can_dismiss_a_report_with_a_reason(client: Client, world: World) -> None:
    reported = event(world.patient, by_patient=True)
    client.force_login(world.prescriber)
    url = reverse("safety:event_dismiss", args=[reported.pk])
    client.post(url, {"review_note": ""})
    reported.refresh_from_db()
    assert reported.status == Status.UNCONFIRMED
    client.post(url, {"review_note": "Eczema that predates the cream."})
    reported.refresh_from_db()
    assert reported.status == Status.DISMISSED


def test_prescriber_records_a_confirmed_event_with_causality(client: Client, world: World) -> None:
    client.force_login(world.prescriber)
    url = reverse("safety:event_new", args=[world.patient.pk])
    response = client.post(url, _staff_form(causality=""))
    assert response.status_code == 200
    assert "Give your causality assessment." in response.content.decode()
    response = client.post(url, _staff_form(seriousness=["hospitalisation"]))
    assert response.status_code == 302
    made = AdverseEvent.objects.get(patient=world.patient)
    assert made.status == Status.CONFIRMED and made.is_serious


def test_an_event_ending_before_it_starts_is_refused_with_a_clear_message(
    client: Client, world: World
) -> None:
    client.force_login(world.prescriber)
    url = reverse("safety:event_new", args=[world.patient.pk])
    onset = TODAY() - timedelta(days=3)
    end = onset - timedelta(days=1)
    response = client.post(url, _staff_form(onset_date=onset.isoformat(), end_date=end.isoformat()))
    assert response.status_code == 200
    assert (
        f"The event cannot end ({day_text(end)}) before it started ({day_text(onset)})."
        in response.content.decode()
    )
    assert not AdverseEvent.objects.exists()


def test_future_dates_are_refused_in_the_portal(client: Client, world: World) -> None:
    client.force_login(world.patient_user)
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()
    response = client.post(PORTAL_NEW, _portal_form(onset_date=tomorrow))
    assert "The event cannot start in the future." in response.content.decode()
    response = client.post(PORTAL_NEW, _portal_form(end_date=tomorrow))
    assert "The event cannot have ended in the future." in response.content.decode()
    assert not AdverseEvent.objects.exists()


def test_something_else_needs_words(client: Client, world: World) -> None:
    client.force_login(world.patient_user)
    response = client.post(PORTAL_NEW, _portal_form(term="other"))
    assert "Describe the event in a few words." in response.content.decode()
    client.post(PORTAL_NEW, _portal_form(term="other", term_other="Dizzy spells"))
    assert AdverseEvent.objects.get().term_text == "Dizzy spells"


def test_the_portal_offers_no_boxed_warning_categories(client: Client, world: World) -> None:
    client.force_login(world.patient_user)
    page = client.get(PORTAL_NEW).content.decode()
    assert "Itching or an itchy rash where I put the cream" in page
    assert "Malignancy" not in page
    response = client.post(PORTAL_NEW, _portal_form(term="malignancy"))
    assert response.status_code == 200
    assert not AdverseEvent.objects.exists()


def test_a_patient_sees_only_their_own_reports(client: Client, world: World) -> None:
    other = patient_in(world, world.other_clinic)
    event(other, by_patient=False, term="other", term_other="Someone else's headache")
    event(world.patient, by_patient=True)
    client.force_login(world.patient_user)
    page = client.get("/en/my/side-effects/").content.decode()
    assert "Itching or an itchy rash where I put the cream" in page
    assert "Someone else" not in page


def test_serious_events_stay_on_the_dashboard_until_a_report_is_sent(
    client: Client, world: World
) -> None:
    serious = event(world.patient, seriousness=["hospitalisation"], term="serious_infection")
    client.force_login(world.prescriber)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Serious adverse event, no report sent" in page
    assert AuditEntry.objects.naming(world.patient.pk).filter(object_type="dashboard").exists()
    assert reverse("safety:event_detail", args=[serious.pk]) in page
    response = client.post(
        reverse("safety:report_sent", args=[serious.pk]),
        {"sent_on": TODAY().isoformat(), "route": "med_safety", "reference": "ZA-123"},
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "no report sent" not in page


def test_a_report_cannot_be_recorded_as_sent_before_review_or_in_the_future(
    client: Client, world: World
) -> None:
    reported = event(world.patient, by_patient=True, seriousness=["hospitalisation"])
    client.force_login(world.prescriber)
    url = reverse("safety:report_sent", args=[reported.pk])
    response = client.post(url, {"sent_on": TODAY().isoformat(), "route": "med_safety"})
    assert "Review the patient&#x27;s report before reporting it." in response.content.decode()
    confirmed = event(world.patient)
    url = reverse("safety:report_sent", args=[confirmed.pk])
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()
    response = client.post(url, {"sent_on": tomorrow, "route": "med_safety"})
    assert "A report cannot be sent in the future." in response.content.decode()
    assert not confirmed.reports.exists()


def test_adverse_events_are_not_gated_by_the_treatment_consent(
    client: Client, world: World
) -> None:
    assert not world.patient.consents.exists()
    client.force_login(world.patient_user)
    client.post(PORTAL_NEW, _portal_form())
    assert AdverseEvent.objects.filter(patient=world.patient).count() == 1
    consent(world.patient)  # and with consent, of course
    client.post(PORTAL_NEW, _portal_form())
    assert AdverseEvent.objects.filter(patient=world.patient).count() == 2


def test_the_patient_page_lists_the_events(client: Client, world: World) -> None:
    event(world.patient, term="headache")
    client.force_login(world.prescriber)
    page = client.get(reverse("patients:detail", args=[world.patient.pk])).content.decode()
    assert "Adverse events" in page and "Headache" in page
    client.force_login(world.clinic_admin)
    page = client.get(reverse("patients:detail", args=[world.patient.pk])).content.decode()
    assert "Headache" not in page


def test_the_clinic_event_lists_name_every_patient_they_show(client: Client, world: World) -> None:
    """Web page and API alike: a list of events is a read of each patient in it."""
    event(world.patient)
    event(world.patient, by_patient=True)
    client.force_login(world.prescriber)
    assert client.get(reverse("safety:clinic_events", args=[world.clinic.pk])).status_code == 200
    page = AuditEntry.objects.filter(object_type="adverse_event_list").latest("pk")
    assert page.patient_ids == [world.patient.pk] and page.clinic == world.clinic
    assert client.get("/api/v1/adverse-events").status_code == 200
    api = AuditEntry.objects.filter(object_type="adverse_event_list").latest("pk")
    assert api.pk != page.pk and api.patient_ids == [world.patient.pk]


def test_the_patient_reads_their_report_in_their_own_words_and_staff_the_coded_term(
    client: Client, world: World
) -> None:
    client.force_login(world.patient_user)
    client.post(PORTAL_NEW, _portal_form(description="It itches most at night."))
    client.post(PORTAL_NEW, _portal_form(term="other", term_other="My eyelids swell"))
    page = client.get("/en/my/side-effects/").content.decode()
    assert "Itching or an itchy rash where I put the cream" in page
    assert "It itches most at night." in page and "My eyelids swell" in page
    assert "Application-site pruritus" not in page
    itch = AdverseEvent.objects.get(term="application_site_pruritus")
    client.force_login(world.prescriber)
    staff = client.get(reverse("safety:event_detail", args=[itch.pk])).content.decode()
    assert "Application-site pruritus" in staff
