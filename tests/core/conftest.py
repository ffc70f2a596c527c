"""One row in every append-only table, written through the real services."""

from __future__ import annotations

import pytest

from repigment.accounts import audit
from repigment.accounts.models import AuditAction
from repigment.supply import dispensing, orders
from tests.authorisations.helpers import draft
from tests.conftest import World
from tests.supply.conftest import catalogue
from tests.supply.orders_world import Setup, code, setup

__all__ = ["catalogue", "setup"]


@pytest.fixture
def ledger(world: World, setup: Setup) -> World:
    """An audit entry naming a patient, an authorisation event, and a received order with a
    stocked pack, a recalled one (incident), a short delivery (discrepancy) and a dispense."""
    audit.record(None, AuditAction.VIEW, actor=world.prescriber, patient_id=world.patient.pk)
    draft(world)
    session = orders.open_session(setup.order, world.pharmacist)
    good = orders.scan(session, by=world.pharmacist, text=code("G1")).scan.pack
    orders.scan(session, by=world.pharmacist, text=code("R1", "L23R", expiry="441231"))
    orders.close_order(setup.order, world.pharmacist)
    dispensing.dispense(
        pack=good, authorisation=setup.auth, pharmacist=world.pharmacist, pharmacy=world.pharmacy
    )
    return world
