"""What every page of a walk must satisfy (issue 18): at a phone's width nothing scrolls
sideways, the console stays free of errors, and axe-core finds nothing serious or critical.

axe-core (MPL-2.0, bundled by the pinned `axe-playwright-python` test dependency, never
fetched) is run with `page.evaluate`, which the page's Content-Security-Policy does not
govern: the pages themselves stay under the CSP, and a refusal is a console error here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from tests.conftest import skip_or_fail

SERIOUS = ("serious", "critical")
PHONE_WIDTH = 390
DESK_WIDTH = 1280


@cache
def axe_source() -> str:
    try:
        import axe_playwright_python
    except ImportError:
        skip_or_fail("axe-playwright-python is not installed (make install-test)")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text("utf-8")


def watch(page: Any) -> list[str]:
    """Start collecting the page's console errors and uncaught exceptions; returns the list."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.on("pageerror", lambda error: errors.append(f"uncaught: {error}"))
    page.walk_errors = errors
    return errors


def axe_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page, one line each."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    results = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            }));
        }"""
    )
    return [
        f"axe {v['id']} ({v['impact']}): {v['help']} at {v['targets']}"
        for v in results
        if v["impact"] in SERIOUS
    ]


def page_problems(page: Any) -> list[str]:
    """Everything wrong with the page as it stands: sideways scroll, console errors, axe."""
    problems: list[str] = []
    width = page.viewport_size["width"]
    if width <= PHONE_WIDTH:
        scroll, inner = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll > inner:
            wide = page.evaluate(
                """() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .filter(e => !e.closest('.table-scroll'))
                    .slice(0, 4)
                    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                         + (e.className && typeof e.className === 'string'
                            ? '.' + e.className.trim().split(/\\s+/).join('.') : ''))"""
            )
            problems.append(f"scrolls sideways: {scroll} px wide in {inner} px; {wide}")
    errors = getattr(page, "walk_errors", [])
    page.wait_for_timeout(50)  # console messages arrive asynchronously
    if errors:
        problems.append(f"console errors: {errors}")
        errors.clear()
    problems.extend(axe_violations(page))
    return problems


def check_page(page: Any) -> None:
    """Fail on anything `page_problems` finds on the page now shown."""
    problems = page_problems(page)
    assert not problems, f"{page.url}:\n  " + "\n  ".join(problems)
