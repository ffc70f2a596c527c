"""A visitor finds a country's route and its sources on a phone, with JavaScript switched off."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from repigment.access.loader import load_countries
from tests.access.data import raw_data, route_kinds
from tests.browser.conftest import PHONE
from tests.browser.walk import check_page, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def no_js_page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A phone-sized tab without JavaScript that fails the test if it asks another host."""
    load_countries()
    context = browser.new_context(viewport=PHONE, locale="en-GB", java_script_enabled=False)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    foreign: list[str] = []
    tab.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:", "about:"))
            else foreign.append(request.url)
        ),
    )
    tab.base_url = live_server.url  # type: ignore[attr-defined]
    yield tab
    context.close()
    assert not foreign, f"the page asked another host for {foreign}"


def test_a_visitor_from_kenya_finds_the_route_and_its_sources_without_javascript(
    no_js_page: Any,
) -> None:
    page = no_js_page
    page.goto(page.base_url + "/en/access/")
    page.get_by_label("Country name").fill("Kenya")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**/en/access/?q=Kenya*")
    assert page.get_by_role("heading", name="1 country of 54").is_visible()
    page.get_by_role("link", name="Kenya", exact=True).click()
    page.wait_for_url("**/en/access/ke/")
    assert page.get_by_role("heading", name="Ruxolitinib cream in Kenya").is_visible()
    assert page.get_by_text("Importation of unregistered medicinal substances").first.is_visible()
    page.get_by_text("Show all", exact=False).click()  # the sources are listed once, folded
    source = page.get_by_role("link", name="Pharmacy and Poisons Board: Guideline on importation")
    assert source.first.get_attribute("href", timeout=1000).startswith("https://")
    assert page.locator(".acc-summary").get_by_text("Not found in the sources we read").is_visible()
    page.locator("article.acc-route summary").first.click()
    assert page.get_by_text("Not yet researched.").first.is_visible()


def test_the_route_filter_and_the_map_work_without_javascript(no_js_page: Any) -> None:
    page = no_js_page
    page.goto(page.base_url + "/en/access/")
    page.get_by_label("Route").select_option("named_patient")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url("**route=named_patient*")
    named = sum("named_patient" in kinds for kinds in route_kinds(raw_data()).values())
    assert page.get_by_role("heading", name=f"{named} countries of 54").is_visible()
    assert page.locator(".acc-map svg").is_visible()
    page.goto(page.base_url + "/en/access/za/")
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert fits is True, "the page scrolls sideways on a phone"


def test_the_south_african_page_starts_with_the_answer_on_a_phone(page: Any) -> None:
    """The summary fits the first screen at 390 px, and the page no longer repeats its sources."""
    load_countries()
    watch(page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.base_url + "/en/access/za/")
    summary = page.locator("section.acc-summary")
    assert summary.get_by_text("Yes, with a special permission for each patient").is_visible()
    assert summary.get_by_text("3 working days").is_visible()
    assert summary.get_by_role("link", name="SAHPRA", exact=False).first.is_visible()
    top = summary.evaluate("e => e.getBoundingClientRect().top")
    assert top < 844, f"the summary starts {top} px down, below the first screen"
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 9_000, f"the page is {height} px tall on a phone (it was 14,800)"
    # A citation number leads to its entry in the one list of sources, which opens for it.
    first = page.locator("section[aria-labelledby=available] li.acc-fact a.acc-src").first
    entry = page.locator(first.get_attribute("href") or "")
    assert not entry.is_visible()
    first.click()
    entry.wait_for(state="visible")
    assert entry.locator("a").first.get_attribute("href").startswith("https://")
    # A route's details open on request, by keyboard too.
    route = page.locator("article.acc-route").first
    assert not route.get_by_role("heading", name="What to prepare").is_visible()
    route.locator("summary").focus()
    page.keyboard.press("Enter")
    assert route.get_by_role("heading", name="What to prepare").is_visible()
    # The public menu and the language links stay on the page.
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert page.get_by_role("link", name="Français").count() == 1
    check_page(page)
