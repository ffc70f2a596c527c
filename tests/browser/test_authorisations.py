"""The prescriber's path on a phone: a South African patient's prescription to a complete
Section 21 pack, submitted, queried and answered, approved, with the expiry reminder and the
six-month report task, then a re-authorisation that comes pre-filled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from repigment.authorisations.models import AuthorisationApplication, ReportTask
from repigment.reminders.engine import run
from tests.authorisations.helpers import (
    PDF,
    cream_prescription,
    importer,
    patient_ready,
    prescriber_record,
    section_21,
)
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, World, build_world
from tests.patients.helpers import TODAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


@pytest.fixture
def world_online() -> World:
    return build_world()


def _step(page: Any, link: str, fields: dict[str, str], button: str | None = None) -> None:
    page.get_by_role("link", name=link).click()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name=button or link).click()


def test_the_prescriber_takes_a_prescription_to_an_approved_authorisation(
    page: Any, world_online: World
) -> None:
    world = world_online
    section_21()
    prescriber_record(world.prescriber)
    importer(world)
    patient = patient_ready(world)
    cream_prescription(patient)
    log_in(page, world.prescriber.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(page.base_url + f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Apply for an authorisation").click()
    page.get_by_role("button", name="Start the application").click()
    expect(page.get_by_text("The application is started as a draft.")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("8 × 100 g")

    page.get_by_role("link", name="Motivation", exact=True).click()
    page.get_by_label("Motivation").fill(
        "Tacrolimus and phototherapy did not help; nothing registered here repigments vitiligo."
    )
    page.get_by_role("button", name="Save the motivation").click()
    expect(page.get_by_text("The motivation is saved.")).to_be_visible()

    for code in ("product-brochure", "informed-consent", "foreign-registration",
                 "gmp-evidence", "hpcsa-certificate", "proof-of-payment"):  # fmt: skip
        item = page.locator(f"#item-{code}")
        item.locator("input[type=file]").set_input_files(
            {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        item.get_by_role("button", name="Add").click()
        page.locator(f"#item-{code}").get_by_role("button", name="Mark as checked").click()
        expect(page.locator(f"#item-{code}")).to_contain_text("checked by Prescriber Jhb")
    for code in ("application", "motivation"):
        page.locator(f"#item-{code}").get_by_role("button", name="Generate").click()
        expect(page.get_by_text("The document is generated.")).to_be_visible()
    expect(page.get_by_text("required documents are missing")).to_have_count(0)

    page.get_by_role("link", name="Mark ready to submit").click()
    page.get_by_role("button", name="Mark ready to submit").click()
    _step(page, "Record submission", {"Regulator's reference number": "S21/2026/0456"})
    _step(page, "Record a query from the regulator",
          {"The regulator's question": "Please send the GMP certificate."})  # fmt: skip
    expect(page.locator(".badge.state-queried")).to_contain_text("Queried by the regulator")
    _step(page, "Record the answer to the query", {"Your answer": "Uploaded it."})
    valid_until = (TODAY() + timedelta(days=25)).isoformat()
    _step(
        page,
        "Record approval",
        {
            "Authorisation number": "S21-2026-000777",
            "Valid until (last day)": valid_until,
            "Packs authorised": "1",
        },
    )
    expect(page.locator("dl.facts")).to_contain_text("S21-2026-000777")
    expect(page.locator("dl.facts")).to_contain_text("25 days left")
    application = AuthorisationApplication.objects.get(authorisation_number="S21-2026-000777")
    assert [e.to_state for e in application.events.all()] == [
        "draft", "ready", "submitted", "queried", "submitted", "approved"
    ]  # fmt: skip
    assert ReportTask.objects.filter(application=application, kind="progress").exists()

    run(TODAY())  # the remind command, as a timer would run it
    page.reload()
    expect(page.get_by_role("status").filter(has_text="expires on")).to_be_visible()
    expect(page.get_by_text("Six-monthly progress report 1")).to_be_visible()
    page.goto(page.base_url + "/dashboard/")
    expect(page.get_by_text("expires on").first).to_be_visible()

    page.goto(page.base_url + f"/authorisations/{application.pk}/")
    page.get_by_role("button", name="Start a re-authorisation").click()
    expect(page.get_by_text("filled in from this one")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Test Import Pharmacy (Pty) Ltd")
    expect(page.locator("#item-gmp-evidence")).to_contain_text("checked")
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Supply period (weeks)")).to_be_disabled()
    expect(page.get_by_label("Dosage")).to_be_enabled()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
