"""Public pages and the patient portal on a 390 px phone: nothing squeezed, nothing sideways."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, build_world
from tests.patients.helpers import TODAY, consent, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}


def _fits(page: Any) -> None:
    # after a click the next page may still be loading, its document not yet there (seen in CI)
    page.wait_for_load_state("load")
    width = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"{page.url} scrolls sideways: {width}px in {inner}px"


@pytest.mark.parametrize("name", ["home", "safety"])
def test_a_bulleted_facts_list_is_not_squeezed_into_the_two_column_grid(
    page: Any, name: str
) -> None:
    page.set_viewport_size(PHONE_390)
    with translation.override("en"):
        page.goto(page.base_url + reverse(f"knowledge:{name}"))
    bullets = page.locator("ul.facts").first
    assert bullets.evaluate("e => getComputedStyle(e).display") == "block"
    item = bullets.locator("li").first
    # Each bullet takes the width of the list, not a narrow first grid column.
    assert item.bounding_box()["width"] >= 0.7 * bullets.bounding_box()["width"]
    _fits(page)


def test_the_portal_home_leads_with_large_actions_and_fits_a_390_pixel_phone(page: Any) -> None:
    from datetime import timedelta

    world = build_world()
    consent(world.patient)
    visit(world.patient, TODAY() - timedelta(weeks=24), face=[("1", 100)])
    visit(world.patient, TODAY(), face=[("1", 25)])
    page.set_viewport_size(PHONE_390)
    log_in(page, world.patient_user.email, PASSWORD)
    page.wait_for_url("**/my/")
    _fits(page)
    for name in ("Fill in my diary", "Report a side effect", "My photos"):
        box = page.get_by_role("link", name=name, exact=True).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (name, box)
        assert box["y"] < PHONE_390["height"], f"{name} is below the first screen"
    assert "getting better" in page.locator("#progress").inner_text()
    page.get_by_role("link", name="Report a side effect", exact=True).click()
    page.wait_for_url("**/my/side-effects/new/")
    _fits(page)
    box = page.get_by_label("I had to stay in hospital because of this").bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box
    row = page.locator("label", has_text="I had to stay in hospital").bounding_box()
    assert row["height"] >= 44, row
    page.goto(page.base_url + "/en/my/trials/")
    _fits(page)
