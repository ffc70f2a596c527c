"""Public pages and the patient portal on a 390 px phone: nothing squeezed, nothing sideways."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_390 = {"width": 390, "height": 844}


def _fits(page: Any) -> None:
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
