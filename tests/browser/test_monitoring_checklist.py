"""A new prescription on a phone shows the monitoring checklist: the TB screening and skin
examinations with what is due, and at the first prescription the class warnings with their
sources; the risk factors ticked there are kept with the prescription."""

from __future__ import annotations

from typing import Any

import pytest

from repigment.treatment.models import Prescription, WarningsReview
from tests.browser.conftest import PHONE, log_in
from tests.conftest import PASSWORD, World, build_world
from tests.treatment.helpers import ready

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def world_online() -> World:
    return build_world()


def test_a_new_prescription_shows_the_monitoring_checklist_on_a_phone(
    page: Any, world_online: World
) -> None:
    page.set_viewport_size({"width": 390, "height": PHONE["height"]})  # the phone
    patient = ready(world_online, age=56, tb_screened=False)
    log_in(page, world_online.prescriber.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(page.base_url + f"/patients/{patient.pk}/prescriptions/new/")
    checklist = page.locator("#monitoring-checklist")
    expect(checklist).to_be_visible()
    expect(checklist).to_contain_text("Tuberculosis screening")
    expect(checklist).to_contain_text("None recorded.")
    expect(checklist).to_contain_text("Skin examination")
    for warning in ("Serious infections", "Mortality", "Malignancy", "Thrombosis"):
        expect(checklist).to_contain_text(warning)
    expect(
        checklist.get_by_role("link", name="Epocrates, Opzelura boxed warning").first
    ).to_be_visible()
    page.get_by_label("Face", exact=True).fill("2")
    page.get_by_label("Trunk").fill("4")
    page.get_by_label("100 g").check()
    page.get_by_label("FDA").check()
    for question in ("Pregnant?", "Breastfeeding?", "Active serious infection?"):
        page.get_by_role("radiogroup", name=question).get_by_label("No").check()
    checklist.get_by_label("Cardiovascular risk factor").check()
    checklist.get_by_label("Current or past smoker").check()
    panel = page.locator("#label-panel")
    expect(panel).to_contain_text("No tuberculosis screening recorded")
    page.get_by_role("button", name="Save prescription").click()
    expect(page.get_by_role("alert").filter(has_text="class-warnings checklist")).to_be_visible()
    assert not Prescription.objects.exists()
    checklist.get_by_label("I went through the class warnings with the patient").check()
    for box in page.locator("#label-panel input[name=acknowledged]").all():
        box.check()
    page.get_by_role("button", name="Save prescription").click()
    expect(page.get_by_text("The prescription was saved.")).to_be_visible()
    review = WarningsReview.objects.get()
    assert review.risk_factors == ["cardiovascular", "smoker"]
    assert "mortality" in review.warnings_that_apply
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
