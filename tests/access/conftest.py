"""The country data loaded from the repository's data file, for the access tests."""

from __future__ import annotations

import pytest

from repigment.access.loader import LoadReport, load_countries


@pytest.fixture
def countries(db: None) -> LoadReport:
    return load_countries()
