"""The colours the public pages use keep WCAG AA contrast (4.5:1 for body text)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders

AA = 4.5


def css_variables() -> dict[str, str]:
    path = finders.find("repigment/site.css")
    assert path
    with open(path, encoding="utf-8") as handle:
        root = re.search(r":root\s*\{([^}]*)\}", handle.read())
    assert root
    found = re.findall(r"--([\w-]+):\s*#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b", root.group(1))
    return {
        name: "#" + (hex if len(hex) == 6 else "".join(c * 2 for c in hex)) for name, hex in found
    }


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


NOTE_BACKGROUND = "#fff8dc"  # .k-note
PAIRS = [
    ("ink", "bg"), ("muted", "bg"), ("link", "bg"), ("ink", "panel"), ("muted", "panel"),
    ("link", "panel"), ("bg", "brand"), ("ink", NOTE_BACKGROUND), ("link", NOTE_BACKGROUND),
]  # fmt: skip


@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_and_background_pairs_meet_wcag_aa(text: str, background: str) -> None:
    colours = css_variables()
    fg = colours.get(text, text)
    bg = colours.get(background, background)
    assert contrast(fg, bg) >= AA, f"{text} on {background}: {contrast(fg, bg):.2f}"
