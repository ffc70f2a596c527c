"""Issue 5's "Done when", tried as a newcomer would in the demo world on a phone: the demo
prescriber prescribes for the 15-year-old within the EMA label (8 %), then above it (14 %:
a justification is demanded and nothing is saved without it); the demo patient records a
week of applications and an itchy rash; the prescriber confirms the report, downloads the
regulator report (a PDF naming the event) and sees the week-24 reassessment due."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from pypdf import PdfReader

from repigment.accounts.demo import DEMO_PASSWORD
from repigment.core.templatetags.dates import day_text
from repigment.patients import demo as patients_demo
from repigment.patients.demo import DEMO_PATIENT_EMAIL
from repigment.patients.models import Patient
from repigment.safety.models import AdverseEvent, Status
from repigment.treatment import demo as treatment_demo
from repigment.treatment.models import DiaryEntry, Prescription
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRESCRIBER = "prescriber@example.org"


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def demo_world() -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())


def prescribe(page: Any, patient: Patient, trunk: str) -> Any:
    """Fill the new-prescription form (face 2 % and the trunk) and return the label panel."""
    page.goto(page.base_url + f"/patients/{patient.pk}/prescriptions/new/")
    page.get_by_label("Face", exact=True).fill("2")
    page.get_by_label("Trunk").fill(trunk)
    page.get_by_label("Trunk").blur()
    page.get_by_label("100 g").check()
    for question in ("Pregnant?", "Breastfeeding?", "Active serious infection?"):
        page.get_by_role("radiogroup", name=question).get_by_label("No").check()
    reviewed = page.get_by_label("I went through the class warnings with the patient")
    if reviewed.count():  # asked at the first prescription only
        reviewed.check()
    return page.locator("#label-panel")


def test_the_treatment_walkthrough_in_the_demo_world(page: Any, demo_world: None) -> None:
    today = timezone.localdate()
    teen = Patient.objects.get(record_number=treatment_demo.WALKTHROUGH[1])
    assert teen.age == 15 and teen.clinic.label_jurisdiction == "EMA"

    # 8 % under the EMA label: within it, saved.
    log_in(page, PRESCRIBER, DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    panel = prescribe(page, teen, "6")
    expect(panel).to_contain_text("within the label")
    page.get_by_role("button", name="Save prescription").click()
    expect(page.get_by_text("The prescription was saved.")).to_be_visible()
    first = Prescription.objects.get(patient=teen)
    assert first.label_overall == "ok" and first.jurisdiction == "EMA"

    # 14 %: outside the label; no justification, nothing saved.
    panel = prescribe(page, teen, "12")
    expect(panel).to_contain_text("outside the label")
    page.get_by_label("This prescription replaces the current one").check()  # never two at once
    page.get_by_role("button", name="Save prescription").click()
    expect(page.get_by_role("alert").filter(has_text="write why")).to_be_visible()
    assert Prescription.objects.filter(patient=teen).count() == 1
    reason = "Extensive active disease; agreed with her mother to treat 14 % for eight weeks."
    page.get_by_label("Justification for prescribing outside the label").fill(reason)
    page.get_by_role("button", name="Save prescription").click()
    expect(page.get_by_text("The prescription was saved.")).to_be_visible()
    second = Prescription.objects.filter(patient=teen).latest("pk")
    assert second.label_overall == "outside_label" and second.justification == reason
    first.refresh_from_db()
    assert (first.stop_date, first.stop_reason) == (first.start_date, "replaced")

    # The demo patient, on the phone: a week of applications (one evening forgotten) ...
    page.context.clear_cookies()
    log_in(page, DEMO_PATIENT_EMAIL, DEMO_PASSWORD)
    page.wait_for_url("**/my/")
    own = Patient.objects.get(user__email=DEMO_PATIENT_EMAIL)
    page.get_by_role("link", name="My diary").first.click()
    expect(page.get_by_role("heading", name="My diary")).to_be_visible()
    week = [today - timedelta(days=back) for back in range(6, -1, -1)]
    for day in week:
        page.goto(page.base_url + f"/en/my/diary/?day={day.isoformat()}")
        for when in ("Morning", "Evening"):
            box = page.get_by_label(when)
            wanted = when == "Morning" or day != week[3]
            if box.is_checked() != wanted:
                page.get_by_text(when).click()
        if page.get_by_label("I skipped this day").is_checked():  # the <details> is open
            page.locator("details label.tap").click()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("Thank you")
    entries = DiaryEntry.objects.filter(patient=own, day__in=week)
    assert entries.count() == 7 and sum(e.applications for e in entries) == 13
    assert all(e.recorded_by.email == DEMO_PATIENT_EMAIL for e in entries)

    # ... and an itchy rash.
    page.goto(page.base_url + "/en/my/")
    page.get_by_role("link", name="Report a side effect").click()
    page.get_by_label("Itching or an itchy rash where I put the cream").check()
    started = today - timedelta(days=1)
    page.get_by_label("When did it start?").fill(started.isoformat())
    page.get_by_label("Mild: I notice it, but it does not get in my way").check()
    page.get_by_label("I kept using it as before").check()
    page.get_by_label("Anything else your doctor should know (optional)").fill(
        "Itchy red rash on my cheeks since yesterday."
    )
    page.get_by_role("button", name="Send to my clinic").click()
    page.wait_for_url("**/my/side-effects/")
    rash = AdverseEvent.objects.get(patient=own, onset_date=started)
    assert rash.term == "application_site_pruritus" and rash.status == Status.UNCONFIRMED
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The prescriber finds it, confirms it and downloads the regulator report.
    page.context.clear_cookies()
    log_in(page, PRESCRIBER, DEMO_PASSWORD)
    page.wait_for_url("**/dashboard/")
    # The demo clinic has older reports ahead of this one in the home's queue (oldest first):
    # the clinic's list of adverse events, from the menu, has them all.
    page.get_by_role("navigation").get_by_role("link", name="Adverse events").click()
    with translation.override("en"):
        shown = day_text(started)  # as the page writes dates
    row = page.locator("tr", has_text=shown).filter(has_text=own.full_name)
    row.get_by_role("link", name="Application-site pruritus").first.click()  # to review, and all
    expect(page.get_by_text("Reported by the patient; awaiting your review.")).to_be_visible()
    page.get_by_role("link", name="Review and confirm").click()
    page.get_by_label("Causality (WHO-UMC category)").select_option("probable")
    page.get_by_role("button", name="Confirm the report").click()
    expect(page.get_by_text("The report is confirmed.")).to_be_visible()
    rash.refresh_from_db()
    assert rash.status == Status.CONFIRMED and rash.causality == "probable"
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Regulator report (PDF)").click()
    content = download_info.value.path().read_bytes()
    assert content.startswith(b"%PDF")
    text = " ".join(
        " ".join((sheet.extract_text() or "").split())
        for sheet in PdfReader(io.BytesIO(content)).pages
    )
    assert "Application-site pruritus" in text and own.record_number in text

    # The dashboard shows the week-24 reassessment due.
    page.goto(page.base_url + "/dashboard/")
    due = Patient.objects.get(record_number=patients_demo.REASSESSMENT_DUE[0])
    assert due.visits.exists() and all(  # weeks 0 and 12, none near week 24
        (visit.visit_date - due.treatment_start).days < 20 * 7 for visit in due.visits.all()
    )
    reminder = page.locator('section[data-group="review"] li').filter(
        has_text="Week-24 reassessment due"
    )
    expect(reminder.filter(has_text=due.full_name)).to_be_visible()
