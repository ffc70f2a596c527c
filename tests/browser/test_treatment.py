"""Prescribing and the diary on a phone: the estimate follows the typed area (HTMX), the label
check asks for a justification above 10 %, and the patient records a week of applications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from repigment.treatment.models import DiaryEntry, Prescription
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, World, build_world
from tests.patients.helpers import TODAY, consent
from tests.treatment.helpers import ready, ruxolitinib

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def world_online() -> World:
    return build_world()


def test_the_prescriber_prescribes_within_then_outside_the_label(
    page: Any, world_online: World
) -> None:
    patient = ready(world_online)
    log_in(page, world_online.prescriber.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(page.base_url + f"/patients/{patient.pk}/prescriptions/new/")
    page.get_by_label("Face", exact=True).fill("2,5")  # a decimal comma, as in South Africa
    page.get_by_label("Trunk").fill("5,5")
    page.get_by_label("100 g").check()
    for question in ("Pregnant?", "Breastfeeding?", "Active serious infection?"):
        page.get_by_role("radiogroup", name=question).get_by_label("No").check()
    panel = page.locator("#label-panel")
    expect(panel).to_contain_text("28 g")  # 8 %, computed on the server as the form changed
    expect(panel).to_contain_text("within the label")
    page.get_by_label("Trunk").fill("11,5")
    page.get_by_label("Trunk").blur()
    expect(panel).to_contain_text("49 g")
    expect(panel).to_contain_text("outside the label")
    page.get_by_role("button", name="Save prescription").click()
    expect(page.get_by_role("alert").filter(has_text="write why")).to_be_visible()
    assert not Prescription.objects.exists()
    page.get_by_label("Justification for prescribing outside the label").fill(
        "Extensive active disease; agreed to treat 14 % for eight weeks."
    )
    page.get_by_label("I went through the class warnings with the patient").check()
    page.get_by_role("button", name="Save prescription").click()
    expect(page.get_by_text("The prescription was saved.")).to_be_visible()
    saved = Prescription.objects.get()
    assert (saved.label_overall, saved.treated_bsa_percent) == ("outside_label", 14)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_patient_records_a_week_on_the_phone(page: Any, world_online: World) -> None:
    patient = world_online.patient
    consent(patient)
    Prescription.objects.create(
        patient=patient,
        product=ruxolitinib(),
        treated_areas=[{"region": "face", "bsa_percent": "2"}],
        start_date=TODAY() - timedelta(days=10),
        planned_weeks=24,
        tube_grams=100,
        jurisdiction="EMA",
        label_overall="ok",
        prescriber=world_online.prescriber,
    )
    log_in(page, world_online.patient_user.email, PASSWORD)
    page.get_by_role("link", name="My diary").first.click()
    expect(page.get_by_role("heading", name="My diary")).to_be_visible()
    for back in range(6, -1, -1):
        day = TODAY() - timedelta(days=back)
        page.goto(page.base_url + f"/en/my/diary/?day={day.isoformat()}")
        page.get_by_text("Morning").click()
        if back != 3:
            page.get_by_text("Evening").click()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("Thank you")
    page.get_by_role("link", name="Yesterday").click()
    expect(page.get_by_label("Morning")).to_be_checked()
    page.get_by_text("I started a new tube").click()
    page.get_by_role("button", name="Save").click()
    yesterday = TODAY() - timedelta(days=1)
    expect(page.get_by_role("status")).to_contain_text(f"Saved for {yesterday}")
    assert DiaryEntry.objects.filter(patient=patient).count() == 7
    assert DiaryEntry.objects.get(day=yesterday).tube_changed
    assert sum(e.applications for e in DiaryEntry.objects.all()) == 13
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
