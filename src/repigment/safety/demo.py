"""Demo adverse events: placeholder replaced below."""

from __future__ import annotations

from collections.abc import Callable


def build(step: Callable[[str], None]) -> None:
    step("adverse events")
