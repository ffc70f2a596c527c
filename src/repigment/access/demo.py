"""Demo data for access: the country routes from the repository's data file."""

from __future__ import annotations

from collections.abc import Callable

from repigment.access.loader import load_countries


def build(step: Callable[[str], None]) -> None:
    """Load the country data file (skipped when this version is already loaded)."""
    report = load_countries()
    step(f"countries: data version {report.version}")
