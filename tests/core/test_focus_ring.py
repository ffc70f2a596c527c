"""The keyboard focus ring stands out (WCAG 2.2 asks 3:1) on white, on the panels and on the
brown header: a dark ring inside a yellow one, so one of the two always does (issue 18)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

from tests.knowledge.test_contrast import contrast, css_variables

RING = 3.0
BACKGROUNDS = ["bg", "panel", "brand", "link", "#fff8dc"]


def focus_rule() -> str:
    path = finders.find("repigment/site.css")
    assert path
    with open(path, encoding="utf-8") as handle:
        rule = re.search(r"(?m)^:focus-visible\s*\{([^}]*)\}", handle.read())
    assert rule, "no :focus-visible rule in site.css"
    return rule.group(1)


def ring_colours() -> list[str]:
    colours = css_variables()
    rule = focus_rule()
    outline = re.search(r"outline:\s*\d+px solid var\(--([\w-]+)\)", rule)
    shadow = re.search(r"box-shadow:\s*0 0 0 \d+px var\(--([\w-]+)\)", rule)
    assert outline and shadow, rule
    return [colours[outline.group(1)], colours[shadow.group(1)]]


def test_the_ring_has_two_colours_that_contrast_with_each_other() -> None:
    inner, outer = ring_colours()
    assert contrast(inner, outer) >= RING


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_one_ring_colour_stands_out_on_each_background(background: str) -> None:
    colours = css_variables()
    behind = colours.get(background, background)
    best = max(contrast(ring, behind) for ring in ring_colours())
    assert best >= RING, f"focus ring on {background}: {best:.2f}"


def test_the_dark_ring_alone_stands_out_on_white() -> None:
    inner, _outer = ring_colours()
    assert contrast(inner, css_variables()["bg"]) >= RING
