"""A pharmacist checks packs on a phone-sized Chromium, typing as a keyboard-wedge scanner does."""

from __future__ import annotations

from typing import Any

import pytest

from repigment.supply import stock
from repigment.supply.gs1 import parse_code
from repigment.supply.models import PackState
from tests.browser.conftest import PHONE, log_in
from tests.conftest import PASSWORD, World, build_world
from tests.supply.conftest import GTIN_60, build_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shop() -> World:
    """The test world, its catalogue, and one pack already on the shelf (serial SHELF1)."""
    world = build_world()
    build_catalogue(world.pharmacist)
    code = parse_code(f"(01){GTIN_60}(17)450331(10)L24A(21)SHELF1")
    pack = stock.receive(pharmacy=world.pharmacy, code=code, by=world.pharmacist, reason="r")
    stock.move(pack, PackState.AVAILABLE, by=world.pharmacist, reason="checked")
    return world


def scan(page: Any, before_gs: str, after_gs: str) -> None:
    """Type like a scanner: the characters, the group separator (ASCII 29), the rest, Enter."""
    field = page.get_by_label("Code", exact=True)
    field.focus()
    page.keyboard.type(before_gs)
    page.keyboard.insert_text("\x1d")
    page.keyboard.type(after_gs)
    page.keyboard.press("Enter")


def test_scanning_packs_one_after_another_shows_each_verdict(page: Any, shop: World) -> None:
    log_in(page, shop.pharmacist.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(page.base_url + "/supply/check/")

    scan(page, f"]d201{GTIN_60}1745033110L24A", "21NEW0001")
    page.get_by_text("Every check passed.").wait_for()
    checks = page.locator(".checks li")
    assert checks.count() == 5
    assert all("pass" in text for text in checks.all_inner_texts())
    assert page.get_by_text("GTIN 09520000000608 is Opzelura 1.5 % cream, 60 g").is_visible()
    assert page.locator(".elements").get_by_text("NEW0001", exact=True).is_visible()

    # The field is empty and focused again, ready for the next pack: a clone of a shelf pack.
    assert page.get_by_label("Code", exact=True).input_value() == ""
    scan(page, f"]d201{GTIN_60}1745033110L24A", "21SHELF1")
    page.get_by_text("Quarantine this pack: it must never be dispensed.").wait_for()
    serial = page.locator('[data-check="serial_new"]')
    assert "fail" in serial.inner_text()
    assert "suspected falsified (cloned) pack" in serial.inner_text()

    scan(page, f"]d201{GTIN_60}1745033110L24A", "")  # the serial did not come through
    page.get_by_text("The code could not be read").wait_for()
    assert page.get_by_text("serial (21) is missing").is_visible()
    assert page.locator(".arrived").inner_text().endswith("10L24A⟨GS⟩")


def test_the_check_works_without_javascript(browser: Any, live_server: Any, shop: World) -> None:
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        log_in(page, shop.pharmacist.email, PASSWORD)
        page.wait_for_url("**/dashboard/")
        page.goto(live_server.url + "/supply/check/")
        page.get_by_label("Code", exact=True).fill(f"(01){GTIN_60}(17)441231(10)L23R(21)X1")
        page.get_by_role("button", name="Check").click()
        page.get_by_text("Quarantine this pack: it must never be dispensed.").wait_for()
        assert "Lot L23R was recalled on 2026-10-01" in page.locator(".checks").inner_text()
    finally:
        context.close()
