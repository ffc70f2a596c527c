"""The public pages in a phone-sized Chromium: languages, the expectation tool, no overflow."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from repigment.access.loader import load_countries
from tests.browser.conftest import PHONE
from tests.knowledge.helpers import ALL_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def visitor(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """A phone-sized tab with the given browser language (and JavaScript on or off)."""
    contexts: list[Any] = []
    foreign: list[str] = []

    def open_tab(locale: str = "en-GB", javascript: bool = True) -> Any:
        context = browser.new_context(viewport=PHONE, locale=locale, java_script_enabled=javascript)
        context.set_default_timeout(10_000)
        contexts.append(context)
        tab = context.new_page()
        tab.on(
            "request",
            lambda request: (
                foreign.append(request.url)
                if not request.url.startswith((live_server.url, "data:", "about:"))
                else None
            ),
        )
        tab.base_url = live_server.url
        return tab

    yield open_tab
    for context in contexts:
        context.close()
    assert not foreign, f"a page asked another host for {foreign}"


def access_navigator_installed() -> bool:
    try:
        reverse("access:country_list")
    except NoReverseMatch:
        return False
    return True


def test_a_french_visitor_reads_the_evidence_uses_the_tool_and_finds_their_country(
    visitor: Callable[..., Any],
) -> None:
    if access_navigator_installed():
        load_countries()
    page = visitor("fr-FR")
    page.goto(page.base_url + "/")
    page.wait_for_url("**/fr/")
    assert page.locator("html").get_attribute("lang") == "fr"

    page.get_by_role("link", name="Données", exact=True).first.click()
    page.wait_for_url("**/fr/evidence/")
    assert page.get_by_role("heading", name="Ce que les essais ont montré").is_visible()
    row = page.locator("tr", has_text="TRuE-V1").filter(has_text="29,8").first
    assert row.is_visible()
    citation = row.locator("a[href^='#src-']").first
    source_id = citation.get_attribute("href").removeprefix("#")
    source = page.locator(f"[id='{source_id}'] a[href^='http']")
    assert source.get_attribute("href") == "https://doi.org/10.1056/NEJMoa2118828"

    page.get_by_role("link", name="À quoi s'attendre", exact=True).first.click()
    page.get_by_label("Semaines de traitement").fill("24")
    page.get_by_role("button", name="Afficher").click()
    answer = page.get_by_role("status")
    assert "29,8" in answer.inner_text() and "30,9" in answer.inner_text()
    assert "pas une prédiction pour vous" in answer.inner_text()

    page.get_by_role("link", name="L'obtenir légalement", exact=True).first.click()
    page.wait_for_url("**/fr/getting-the-cream/")
    if access_navigator_installed():
        # The researched countries are listed from the navigator's data (names in English).
        page.get_by_role("link", name="Morocco").click()
        page.wait_for_url("**/fr/**/ma/")
        assert page.locator("html").get_attribute("lang") == "fr"


def test_the_switcher_and_the_language_links_keep_the_same_page(
    visitor: Callable[..., Any],
) -> None:
    page = visitor("en-GB")
    page.goto(page.base_url + "/en/what-to-expect/?weeks=24")
    page.get_by_label("Language", exact=True).select_option("fr")
    page.get_by_role("button", name="Change").click()
    page.wait_for_url("**/fr/what-to-expect/?weeks=24")
    assert page.get_by_role("heading", level=1).inner_text() == "À quoi s'attendre"

    page.get_by_role("link", name="العربيّة").click()
    page.wait_for_url("**/ar/what-to-expect/?weeks=24")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.get_by_role("heading", level=1).inner_text() == "ما الذي يمكن توقعه"

    page.get_by_role("link", name="Português").click()
    page.wait_for_url("**/pt/what-to-expect/?weeks=24")
    assert page.locator("html").get_attribute("dir") == "ltr"
    # The last choice made with the switcher is remembered at the root.
    page.goto(page.base_url + "/")
    page.wait_for_url("**/fr/")


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_page_fits_a_360_pixel_screen(visitor: Callable[..., Any], lang: str) -> None:
    page = visitor()
    for name in ALL_PAGES:
        with translation.override(lang):
            url = reverse(f"knowledge:{name}")
        page.goto(page.base_url + url + ("?weeks=24" if name == "expect" else ""))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} is {width}px wide"


def test_the_pages_and_the_tool_work_without_javascript(visitor: Callable[..., Any]) -> None:
    page = visitor("pt-PT", javascript=False)
    page.goto(page.base_url + "/pt/what-to-expect/")
    page.get_by_label("Semanas de tratamento").fill("60")
    page.get_by_role("button", name="Mostrar").click()
    page.wait_for_url("**/pt/what-to-expect/?weeks=60#tool")
    text = page.get_by_role("status").inner_text()
    assert "semana 52" in text and "50" in text and "51,5" not in text
