"""The keyboard focus ring stands out, WCAG 2.2 (2.4.13 focus appearance, 1.4.11 non-text
contrast, 3:1), against the page behind it and against the element it surrounds (issue 18).

The ring is two bands: a 3px outline set 2px off the element, and a 2px band filling that gap.
The outline meets the page, so it must reach 3:1 on every page background; the inner band meets
the element, so on every element colour one of the two bands must reach 3:1 (a white input is
ringed by yellow then black: the black is what stands out from it), and the two bands must
differ from each other by 3:1 so they never blur into one."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from tests.knowledge.test_contrast import contrast, css_variables

RING = 3.0
#: Where a focusable element sits: the page, the panels, notes and verdict banners.
PAGES = ["bg", "panel", "#fff8dc", "#e8e2da", "#dcefe2", "#fbeccc", "#f8d7d8"]
#: What a focusable element is coloured: buttons (brown, white), inputs (white), links.
ELEMENTS = ["brand", "bg", "link", "ok", "bad", "warn", "panel"]
#: In the brown header: white links and white selects on the brown.
HEADER_ELEMENTS = ["brand", "bg"]


def site_css() -> str:
    path = finders.find("repigment/site.css")
    assert path
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def rule(selector: str) -> str:
    found = re.search(rf"(?m)^{re.escape(selector)}\s*\{{([^}}]*)\}}", site_css())
    assert found, f"no {selector} rule in site.css"
    return found.group(1)


def colour(name: str) -> str:
    colours = css_variables()
    return colours.get(name, name)


def bands(selector: str) -> tuple[str, str, int, int]:
    """(outer colour, inner colour, offset px, inner band px) of a focus rule."""
    text = rule(selector)
    outline = re.search(r"outline(?:-color)?:\s*(?:\d+px solid )?var\(--([\w-]+)\)", text)
    shadow = re.search(r"box-shadow:\s*0 0 0 (\d+)px var\(--([\w-]+)\)", text)
    assert outline and shadow, text
    offset = re.search(r"outline-offset:\s*(\d+)px", rule(":focus-visible"))
    assert offset
    return (
        colour(outline.group(1)),
        colour(shadow.group(2)),
        int(offset.group(1)),
        int(shadow.group(1)),
    )


def test_the_ring_is_thick_set_off_and_its_gap_filled() -> None:
    text = rule(":focus-visible")
    assert re.search(r"outline:\s*3px solid", text)
    _outer, _inner, offset, inner_width = bands(":focus-visible")
    assert offset >= 2 and inner_width == offset  # the inner band fills the gap, no seam


@pytest.mark.parametrize("page", PAGES)
def test_the_outer_ring_stands_out_on_each_page_background(page: str) -> None:
    outer, _inner, _offset, _width = bands(":focus-visible")
    assert contrast(outer, colour(page)) >= RING, f"{outer} on {page}"


@pytest.mark.parametrize("element", ELEMENTS)
def test_the_ring_stands_out_from_each_element(element: str) -> None:
    outer, inner, _offset, _width = bands(":focus-visible")
    assert contrast(outer, inner) >= RING
    best = max(contrast(outer, colour(element)), contrast(inner, colour(element)))
    assert best >= RING, f"ring on a {element} element: {best:.2f}"


def test_the_yellow_band_stands_out_on_the_coloured_buttons() -> None:
    _outer, inner, _offset, _width = bands(":focus-visible")
    for element in ("brand", "link", "ok", "bad", "warn"):
        assert contrast(inner, colour(element)) >= RING, element


@pytest.mark.parametrize("element", HEADER_ELEMENTS)
def test_in_the_brown_header_the_ring_is_light_and_still_stands_out(element: str) -> None:
    outer, inner, _offset, _width = bands(".top :focus-visible")
    assert contrast(outer, colour("brand")) >= RING  # the header is the page here
    assert contrast(outer, inner) >= RING
    best = max(contrast(outer, colour(element)), contrast(inner, colour(element)))
    assert best >= RING, element


def test_nothing_hides_the_focus() -> None:
    assert not re.search(r"outline:\s*(none|0)\b", site_css())
