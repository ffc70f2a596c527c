"""The Content-Security-Policy holds in a real browser, and the `page` fixture notices a refusal."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inline_style_and_script_are_refused_and_the_guard_sees_it(page: Any) -> None:
    page.goto(page.base_url + "/accounts/login/")
    assert page.get_by_role("button", name="Log in").is_visible()
    assert page.csp_refused == []  # the page itself needs nothing inline
    page.evaluate(
        """() => {
            const red = '<p id="styled" style="color: rgb(255, 0, 0)">x</p>';
            document.body.insertAdjacentHTML('beforeend', red);
            const script = document.createElement('script');
            script.textContent = 'document.body.dataset.ran = "yes"';
            document.body.appendChild(script);
        }"""
    )
    color = page.locator("#styled").evaluate("element => getComputedStyle(element).color")
    assert color != "rgb(255, 0, 0)"
    assert page.evaluate("() => document.body.dataset.ran") is None
    page.wait_for_timeout(200)  # console messages arrive asynchronously
    refused = list(page.csp_refused)
    assert any("inline style" in text for text in refused), refused
    assert any("inline script" in text for text in refused), refused
    page.csp_refused.clear()  # seen: the fixture's own check would fail this test otherwise
