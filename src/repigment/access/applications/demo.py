"""Demo authorisation applications (filled in below)."""

from __future__ import annotations

from collections.abc import Callable


def build(step: Callable[[str], None]) -> None:
    """Applications in every state (to come)."""
