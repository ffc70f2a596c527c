"""Issue 18, the pharmacy counter: each scan's verdict is a large banner with colour, words and a
shape; the "N of M packs taken in" counter follows every scan without a reload; the sound cue is
off until the pharmacist turns it on, and stays on in this browser."""

from __future__ import annotations

from typing import Any

import pytest

from repigment.supply import orders
from tests.browser.conftest import log_in
from tests.browser.test_supply_receiving import scan
from tests.conftest import PASSWORD, build_world
from tests.supply.conftest import GTIN_60, build_catalogue
from tests.supply.orders_world import approved, order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def banner(page: Any, key: str) -> dict[str, str]:
    found = page.locator(f'#scan-result .banner[data-banner="{key}"]')
    found.wait_for()
    return {
        "words": found.locator(".banner-words").inner_text(),
        "class": found.get_attribute("class"),
        "icon": found.locator(".banner-icon").evaluate(
            "e => getComputedStyle(e, '::before').content"
        ),
        "background": found.evaluate("e => getComputedStyle(e).backgroundColor"),
    }


def cue(page: Any, expected: str) -> None:
    """Wait for the cue of the last scan: HTMX settles the swap a moment after the list shows it."""
    page.locator(f"body[data-last-cue='{expected}']").wait_for(state="attached", timeout=5000)


def test_banner_counter_and_sound_cue(page: Any) -> None:
    world = build_world()
    catalogue = build_catalogue(world.pharmacist)
    ordered = order(world, catalogue, approved(world, packs=4), quantity=3)
    session = orders.open_session(ordered, world.pharmacist)
    log_in(page, world.pharmacist.email, PASSWORD)
    page.wait_for_url("**/dashboard/")
    page.goto(page.base_url + f"/supply/receiving/{session.pk}/")
    counter = page.locator("#packs-counted")
    assert counter.inner_text().startswith("0 of 3 packs taken in")
    sound = page.get_by_label("Sound cue after each scan", exact=False)
    assert not sound.is_checked()  # off by default

    # Without the cue turned on, a scan plays nothing.
    scan(page, f"01{GTIN_60}1745033110L24A", "21CNT1")
    accepted = banner(page, "accepted")
    assert accepted["words"] == "Accepted"
    assert "banner-ok" in accepted["class"] and accepted["icon"] == '"✓"'
    assert counter.inner_text().startswith("1 of 3 packs taken in")  # no reload
    assert page.locator("body").get_attribute("data-last-cue") is None

    # Turned on: remembered across a reload, and the cues differ for accept and refuse.
    sound.check()
    page.reload()
    assert page.get_by_label("Sound cue after each scan", exact=False).is_checked()
    scan(page, f"01{GTIN_60}1745033110L24A", "21CNT2")
    page.locator(".scans li", has_text="CNT2").first.wait_for()
    cue(page, "accept")
    assert page.locator("#packs-counted").inner_text().startswith("2 of 3 packs taken in")

    # The same pack again: already seen, a warning shape and a refusing cue; not counted twice.
    scan(page, f"01{GTIN_60}1745033110L24A", "21CNT2")
    seen = banner(page, "seen")
    assert seen["words"] == "Already seen – counted once"
    assert "banner-warn" in seen["class"] and seen["icon"] == '"!"'
    assert seen["background"] != accepted["background"]
    cue(page, "refuse")
    assert page.locator("#packs-counted").inner_text().startswith("2 of 3 packs taken in")

    # A code that cannot be read is not mistaken for an accepted pack either.
    page.get_by_label("Code", exact=True).fill("not a code")
    page.keyboard.press("Enter")
    unread = banner(page, "unreadable")
    assert unread["words"] == "Not read – scan again"
