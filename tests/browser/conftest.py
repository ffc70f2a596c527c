"""A real Chromium (Debian's) driven by Playwright against the live test server.

Pages run in a phone-sized viewport. A test fails if its page asks another host for
anything or if the Content-Security-Policy refuses something on it (inline script or style).
Without Chromium or Playwright the tests skip, except in CI (REPIGMENT_REQUIRE_ALL=1) where
they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import skip_or_fail

# Playwright's sync API runs an event loop in the test thread; the test's own
# database calls are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("REPIGMENT_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]  # fmt: skip
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("Playwright for Python is not installed")
    if not shutil.which(CHROMIUM):
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="en-GB")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    foreign: list[str] = []
    tab.on(
        "request",
        lambda request: (
            foreign.append(request.url)
            if not request.url.startswith((live_server.url, "data:", "about:"))
            else None
        ),
    )
    # The Content-Security-Policy refuses inline script and style without breaking the page
    # visibly: Chromium only says so on the console ("Refused to apply inline style …").
    refused: list[str] = []
    tab.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    tab.base_url = live_server.url  # type: ignore[attr-defined]
    tab.csp_refused = refused  # type: ignore[attr-defined]
    yield tab
    context.close()
    assert not foreign, f"the page asked another host for {foreign}"
    assert not refused, f"the Content-Security-Policy refused {refused}"


def log_in(page: Any, email: str, password: str) -> None:
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
