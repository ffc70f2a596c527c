"""Fixtures for treatment tests."""

from __future__ import annotations

import pytest
from django.test import Client

from repigment.patients.models import Patient
from tests.conftest import World
from tests.treatment.helpers import ready


@pytest.fixture
def teen(world: World) -> Patient:
    """The world's patient as a 15-year-old with facial non-segmental vitiligo, consented."""
    return ready(world)


@pytest.fixture
def prescriber(client: Client, world: World) -> Client:
    client.force_login(world.prescriber)
    return client
