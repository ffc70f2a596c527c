"""Issue 17's "Done when" for compounded products, on a phone: the pharmacist receives a
compounded batch (no GS1 code) into quarantine, is refused its release without a certificate of
analysis, records the certificate and releases the batch through the checklist, dispenses a pack,
and the prescriber sees the patient's pack marked unapproved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from repigment.accounts.models import AuditEntry
from repigment.supply.models import BatchRelease, Dispense, PackState, UnapprovedBatch
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, World, build_world
from tests.supply.orders_world import approved
from tests.supply.unapproved_world import BATCH, EXPIRY, PDF, compounded_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop(settings: Any, tmp_path: Path) -> tuple[World, int]:
    settings.MEDIA_ROOT = tmp_path / "media"
    world = build_world()
    auth = approved(world, packs=2, grams=60, authorisation_number="S21-COMP-1")
    return world, compounded_order(world, auth, quantity=2).pk


def test_receive_refuse_release_release_with_certificate_and_dispense(
    page: Any, shop: tuple[World, int], tmp_path: Path
) -> None:
    world, order_id = shop
    log_in(page, world.pharmacist.email, PASSWORD)
    page.wait_for_url("**/dashboard/")

    # Receive the batch from its labels and the maker's licence: into quarantine.
    page.goto(page.base_url + reverse("supply:order_detail", args=[order_id]))
    assert page.locator("[data-unapproved]").first.inner_text() == "Unapproved: compounded"
    assert page.get_by_role("button", name="Start receiving (scan packs)").count() == 0
    page.get_by_label("Batch number").fill(BATCH)
    page.get_by_label("Expiry date").fill(EXPIRY.isoformat())
    page.get_by_label("Maker", exact=True).fill("Test Compounding Pharmacy")
    page.get_by_label("Maker's licence number").fill("P-12345")
    page.get_by_label("Packs received").fill("2")
    page.get_by_role("button", name="Receive into quarantine").click()
    page.get_by_text("2 packs in quarantine").wait_for()
    batch = UnapprovedBatch.objects.get()
    assert page.locator("#batch-state").inner_text().startswith("In quarantine")

    # Release without a certificate: refused, and nothing moves.
    for box in page.locator(".release-form input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Release the batch").click()
    page.get_by_text("has no certificate of analysis").wait_for()
    assert set(batch.stock().values_list("state", flat=True)) == {PackState.QUARANTINED}

    # The certificate, and the pharmacist's reading of it; then the release goes through.
    pdf = tmp_path / "coa.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Certificate of analysis").set_input_files(str(pdf))
    page.get_by_label("Product named on the certificate").fill("Ruxolitinib cream 1.5%")
    page.get_by_label("Batch on the certificate").fill(BATCH)
    page.get_by_label("Strength on the certificate").fill("1.5 %")
    page.get_by_label("Expiry on the certificate").fill(EXPIRY.isoformat())
    page.get_by_label("Identity, assay and impurity results").check()
    page.get_by_role("button", name="Record the certificate").click()
    page.get_by_text("Certificate of analysis recorded").wait_for()
    for box in page.locator(".release-form input[type=checkbox]").all():
        box.check()
    page.get_by_role("button", name="Release the batch").click()
    page.get_by_text("its packs are available to dispense").wait_for()
    assert page.locator("#batch-state").inner_text().startswith("Released by")
    release = BatchRelease.objects.get(batch=batch)
    assert release.released_by == world.pharmacist
    assert AuditEntry.objects.filter(object_type="unapproved_batch_release").exists()

    # Dispense one pack of the released batch.
    page.goto(page.base_url + reverse("supply:dispensing_list"))
    page.locator("tr", has_text="S21-COMP-1").get_by_role("link", name="Dispense").click()
    page.get_by_label("Pack from available stock").select_option(index=1)
    page.get_by_role("button", name="Dispense").click()
    page.get_by_text("dispensed.").wait_for()
    dispensed = Dispense.objects.get()
    assert dispensed.pack.lot.number == BATCH and dispensed.patient == world.patient

    # The prescriber's record of the patient marks the pack unapproved.
    page.context.clear_cookies()
    log_in(page, world.prescriber.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(page.base_url + reverse("patients:detail", args=[world.patient.pk]))
    section = page.locator("#dispensed")
    assert "Unapproved: compounded" in section.inner_text()
    assert BATCH in section.inner_text()
