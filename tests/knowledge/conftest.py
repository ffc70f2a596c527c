"""The public pages read the reference re-checks from the database, so every test may use it."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _database(db: None) -> None:
    """Pages show the latest reading of each reference, which may be a re-check on the site."""
