"""Fixtures of the FHIR tests."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.interop.fhir_world import Record, build_record


@pytest.fixture
def record(world: World) -> Record:
    return build_record(world)
