"""Demo prescriptions, co-medications and diaries."""

from __future__ import annotations

from collections.abc import Callable


def build(step: Callable[[str], None]) -> None:
    pass
