"""Issue 18's "Done when": each role's main day walked in a real Chromium at a phone's
width (390 px) and a desk's (1280 px). On every page: no sideways scrolling on the phone,
no console error (a Content-Security-Policy refusal is one), and no serious or critical
axe-core finding. Problems are gathered over the whole walk and reported together."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from repigment.access.loader import load_countries
from tests.browser.walk import DESK_WIDTH, PHONE_WIDTH, page_problems, watch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [PHONE_WIDTH, DESK_WIDTH]


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def width(request: pytest.FixtureRequest) -> int:
    return int(request.param)


@pytest.fixture
def tabs(browser: Any, live_server: Any, width: int) -> Iterator[Callable[[], Any]]:
    """New tabs (each its own cookies) at the walk's width, watched for foreign requests
    and console errors."""
    contexts: list[Any] = []
    foreign: list[str] = []

    def open_tab() -> Any:
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-GB")
        context.set_default_timeout(10_000)
        contexts.append(context)
        tab = context.new_page()
        tab.on(
            "request",
            lambda request: (
                foreign.append(request.url)
                if not request.url.startswith((live_server.url, "data:", "about:", "blob:"))
                else None
            ),
        )
        watch(tab)
        tab.base_url = live_server.url
        return tab

    yield open_tab
    for context in contexts:
        context.close()
    assert not foreign, f"a page asked another host for {foreign}"


def walk(tab: Any, paths: list[str]) -> list[str]:
    """Visit each path; the problems found, each prefixed with its page."""
    found: list[str] = []
    for path in paths:
        response = tab.goto(tab.base_url + path)
        status = response.status if response else None
        assert status is not None and status < 400, f"{path} answered {status}"
        found.extend(f"{path}: {problem}" for problem in page_problems(tab))
    return found


def assert_clean(found: list[str]) -> None:
    assert not found, f"{len(found)} problem(s):\n" + "\n".join(found)


PUBLIC = [
    "/en/",
    "/en/safety/",
    "/en/getting-the-cream/",
    "/en/access/",
    "/en/access/za/",
    "/accounts/login/",
]


def test_public_visitor(tabs: Callable[[], Any]) -> None:
    load_countries()
    assert_clean(walk(tabs(), PUBLIC))


def test_the_checks_see_sideways_scroll_console_errors_and_axe_findings(
    tabs: Callable[[], Any], width: int
) -> None:
    tab = tabs()
    tab.goto(tab.base_url + "/accounts/login/")
    assert page_problems(tab) == []
    tab.evaluate(
        """() => {
            const wide = document.createElement('div');
            wide.style.width = '2000px';  // through the CSSOM, which the CSP allows
            wide.style.height = '1px';
            document.body.appendChild(wide);
            const picture = document.createElement('img');  // no alt: axe calls it critical
            picture.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';
            document.querySelector('main').appendChild(picture);
            console.error('something broke');
        }"""
    )
    problems = "\n".join(page_problems(tab))
    assert "console errors: ['something broke']" in problems
    assert "axe image-alt (critical)" in problems
    assert ("scrolls sideways: 2" in problems) == (width == PHONE_WIDTH)
