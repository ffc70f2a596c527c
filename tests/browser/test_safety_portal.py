"""A patient reports an itchy rash from the phone; the prescriber then finds it to review."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from repigment.safety.models import AdverseEvent, ReporterKind, Status
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, World, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world_online() -> World:
    return build_world()


def test_a_patient_reports_an_itchy_rash_from_the_phone(page: Any, world_online: World) -> None:
    world = world_online
    log_in(page, world.patient_user.email, PASSWORD)
    page.wait_for_url("**/my/")
    page.get_by_role("link", name="Report a side effect").click()
    page.get_by_label("Itching or an itchy rash where I put the cream").check()
    started = timezone.localdate() - timedelta(days=2)
    page.get_by_label("When did it start?").fill(started.isoformat())
    page.get_by_label("Mild: I notice it, but it does not get in my way").check()
    page.get_by_label("I kept using it as before").check()
    page.get_by_label("Anything else your doctor should know (optional)").fill(
        "Itchy rash on the backs of my hands."
    )
    # The form fits the phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Send to my clinic").click()
    page.wait_for_url("**/my/side-effects/")
    assert "Your clinic will look at your report" in page.content()
    assert page.get_by_text("Sent to your clinic; not yet reviewed.").is_visible()

    reported = AdverseEvent.objects.get(patient=world.patient)
    assert reported.term == "application_site_pruritus"
    assert reported.onset_date == started
    assert reported.status == Status.UNCONFIRMED
    assert reported.reporter_kind == ReporterKind.PATIENT
    assert reported.description == "Itchy rash on the backs of my hands."

    page.context.clear_cookies()
    log_in(page, world.prescriber.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    # The home's safety group lists the report, one click from the event.
    safety = page.locator('section[data-group="safety"]')
    assert "Side effect reported by the patient, to review" in safety.inner_text()
    safety.get_by_role("link", name="Application-site pruritus").first.click()
    # The click starts the navigation; the event's page may not be drawn yet.
    page.wait_for_url(f"**/adverse-events/{reported.pk}/")
    expect(page.get_by_text("Reported by the patient; awaiting your review.")).to_be_visible()
