"""Demo data for access: the country routes from the repository's data files."""

from __future__ import annotations

from collections.abc import Callable

from repigment.access.loader import load_countries


def build(step: Callable[[str], None]) -> None:
    """Load the country data files (skipped when this content is already loaded)."""
    report = load_countries()
    step(f"countries: {report.researched} of {report.countries} researched")
