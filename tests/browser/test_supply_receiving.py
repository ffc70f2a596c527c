"""Issue 7's "Done when" on a phone: the pharmacist orders against an approved authorisation,
scans three packs as a keyboard-wedge scanner types them (with ASCII 29 between elements), sees
three verdicts, dispenses the good pack and sees the authorisation's packs left drop."""

from __future__ import annotations

from typing import Any

import pytest

from repigment.supply import stock
from repigment.supply.gs1 import parse_code
from repigment.supply.models import Dispense, PackState
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, World, build_world
from tests.supply.conftest import GTIN_60, Catalogue, build_catalogue
from tests.supply.orders_world import approved

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop() -> tuple[World, Catalogue]:
    """The test world and catalogue, an approved authorisation for four 60 g packs, and a pack
    (serial GONE1) that left the pharmacy long ago, dispensed."""
    world = build_world()
    catalogue = build_catalogue(world.pharmacist)
    approved(world, packs=4, grams=60, authorisation_number="S21-WALK-1")
    code = parse_code(f"(01){GTIN_60}(17)450331(10)L24A(21)GONE1")
    gone = stock.receive(pharmacy=world.pharmacy, code=code, by=world.pharmacist, reason="r")
    stock.move(gone, PackState.AVAILABLE, by=world.pharmacist, reason="Checked.")
    stock.move(gone, PackState.DISPENSED, by=world.pharmacist, reason="Dispensed long ago.")
    return world, catalogue


def scan(page: Any, before_gs: str, after_gs: str) -> None:
    """Type like a scanner: the characters, the group separator (ASCII 29), the rest, Enter."""
    field = page.get_by_label("Code", exact=True)
    field.focus()
    page.keyboard.type(before_gs)
    page.keyboard.insert_text("\x1d")
    page.keyboard.type(after_gs)
    page.keyboard.press("Enter")


def verdict(page: Any, serial: str) -> str:
    page.locator(".scans li", has_text=serial).first.wait_for()
    return str(page.locator("#scan-result .verdict").inner_text())


def test_order_receive_three_packs_and_dispense_the_good_one(
    page: Any, shop: tuple[World, Catalogue]
) -> None:
    world, catalogue = shop
    log_in(page, world.pharmacist.email, PASSWORD)
    page.wait_for_url("**/dashboard/")

    # An order against the approved authorisation, for the authorisation's 60 g packs.
    page.goto(page.base_url + "/supply/orders/new/")
    assert "4 packs left to order" in page.locator(".authorised-left").inner_text()
    page.get_by_label("Authorisation").select_option(index=1)
    page.get_by_label("Pack", exact=True).select_option(value=str(catalogue.pack_60.pk))
    page.get_by_label("Packs", exact=True).fill("3")
    page.get_by_label("Lots declared by the supplier").fill("L24A")
    page.get_by_role("button", name="Create order").click()
    page.get_by_text("created.").wait_for()
    page.get_by_role("button", name="Start receiving (scan packs)").click()
    page.wait_for_url("**/supply/receiving/**")

    # One fine pack, with the symbology prefix, as a scanner sends it.
    scan(page, f"]d201{GTIN_60}1745033110L24A", "21WALK1")
    assert verdict(page, "WALK1") == "Accepted into available stock"
    assert all("pass" in t for t in page.locator("#scan-result .checks li").all_inner_texts())
    assert page.get_by_label("Code", exact=True).input_value() == ""

    # One from the recalled lot: received, but into quarantine.
    scan(page, f"01{GTIN_60}1744123110L23R", "21WALK2")
    assert verdict(page, "WALK2") == "Recalled: received into quarantine, never dispensable."
    assert page.locator('#scan-result .banner[data-banner="recalled"]').inner_text() == "Recalled"
    assert "was recalled on 2026-10-01" in page.locator('[data-check="not_recalled"]').inner_text()

    # One whose serial was dispensed before: a suspected clone, held, with a report to file.
    scan(page, f"01{GTIN_60}1745033110L24A", "21GONE1")
    assert verdict(page, "GONE1").startswith("Suspected falsified (cloned) pack")
    falsified = page.locator('#scan-result .banner[data-banner="falsified"]')
    assert falsified.inner_text() == "Suspected falsified – report it"
    assert "banner-bad" in str(falsified.get_attribute("class"))
    assert "suspected falsified" in page.locator('[data-check="serial_new"]').inner_text()
    assert page.get_by_role("link", name="Report for the regulator (PDF)").is_visible()
    outcomes = page.locator(".scans li").evaluate_all("els => els.map(e => e.dataset.outcome)")
    assert outcomes == ["held", "quarantined", "stocked"]

    # The clone's alert is on the dashboard.
    page.goto(page.base_url + "/dashboard/")
    assert "GONE1" in page.locator("main").inner_text()

    # Dispense the good pack to the patient: the packs left drop from 4 to 3.
    page.goto(page.base_url + "/supply/dispensing/")
    page.locator("tr", has_text="S21-WALK-1").get_by_role("link", name="Dispense").click()
    assert page.locator("#packs-left").inner_text().startswith("4 / 4")
    # The scanner can type at once: the scan field has the focus on load, as in receiving.
    assert page.evaluate("document.activeElement.name") == "code"
    scanned = page.get_by_label("Or scan the pack")
    scanned.focus()
    page.keyboard.type(f"01{GTIN_60}1745033110L24A")
    page.keyboard.insert_text("\x1d")
    page.keyboard.type("21WALK1")
    page.get_by_role("button", name="Dispense").click()
    page.get_by_text("Pack WALK1 dispensed.").wait_for()  # the authorisation's page again
    assert page.locator("#packs-left").inner_text().startswith("3 / 4")
    dispensed = Dispense.objects.get()
    assert (dispensed.pack.serial, dispensed.patient) == ("WALK1", world.patient)
