"""A pack refused for warnings only goes into quarantine only on purpose: explicit, with a reason,
audited, and never into available stock."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from repigment.accounts.models import AuditEntry
from repigment.supply import orders
from repigment.supply.models import Pack, PackState, ScanOutcome
from repigment.supply.verification import Decision
from tests.conftest import World
from tests.supply.orders_world import Setup, code, setup

__all__ = ["setup"]
#: The lot L24A is recorded with expiry 2045-03-31: this code says 2045-03-30 (a warning only).
WARNED = code("W1", expiry="450330")


def warned_scan(world: World, setup: Setup) -> orders.ScanResult:
    session = orders.open_session(setup.order, world.pharmacist)
    result = orders.scan(session, by=world.pharmacist, text=WARNED)
    assert result.scan.outcome == ScanOutcome.NOT_STOCKED
    assert result.scan.decision == Decision.REVIEW
    return result


def test_a_scan_with_warnings_only_creates_no_stock(world: World, setup: Setup) -> None:
    result = warned_scan(world, setup)
    assert result.scan.pack is None
    assert not Pack.objects.filter(serial="W1").exists()
    assert orders.can_quarantine(result.scan)


def test_quarantining_on_purpose_records_the_reason_and_never_makes_it_available(
    world: World, setup: Setup
) -> None:
    result = warned_scan(world, setup)
    row = orders.quarantine_on_purpose(
        result.scan, by=world.pharmacist, reason="Expiry differs from the lot; asking the maker."
    )
    pack = row.pack
    assert pack is not None and pack.state == PackState.QUARANTINED and pack.order == setup.order
    assert row.outcome == ScanOutcome.QUARANTINED and row.session == result.scan.session
    moves = list(pack.movements.values_list("from_state", "to_state", "reason", "by"))
    assert [(m[0], m[1]) for m in moves] == [("", "received"), ("received", "quarantined")]
    assert all("asking the maker" in m[2] and m[3] == world.pharmacist.pk for m in moves)
    assert not orders.can_quarantine(result.scan)  # once only
    with pytest.raises(orders.OrderRefused):
        orders.quarantine_on_purpose(result.scan, by=world.pharmacist, reason="Again.")


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(world: World, setup: Setup, reason: str) -> None:
    result = warned_scan(world, setup)
    with pytest.raises(orders.OrderRefused, match="reason"):
        orders.quarantine_on_purpose(result.scan, by=world.pharmacist, reason=reason)
    assert not Pack.objects.filter(serial="W1").exists()


def test_a_pack_that_failed_a_check_or_was_stocked_cannot_be_quarantined_this_way(
    world: World, setup: Setup
) -> None:
    session = orders.open_session(setup.order, world.pharmacist)
    undeclared = orders.scan(session, by=world.pharmacist, text=code("U1", "L99Z"))
    stocked = orders.scan(session, by=world.pharmacist, text=code("G1"))
    for result in (undeclared, stocked):
        assert not orders.can_quarantine(result.scan)
        with pytest.raises(orders.OrderRefused):
            orders.quarantine_on_purpose(result.scan, by=world.pharmacist, reason="Why not.")


def test_quarantine_on_purpose_stays_within_the_quantity_ordered(
    world: World, setup: Setup
) -> None:
    result = warned_scan(world, setup)
    session = result.scan.session
    for serial in ("G1", "G2", "G3"):  # the order is for three packs
        orders.scan(session, by=world.pharmacist, text=code(serial))
    with pytest.raises(orders.OrderRefused, match="All 3 packs"):
        orders.quarantine_on_purpose(result.scan, by=world.pharmacist, reason="Kept.")


def test_the_receiving_page_offers_it_and_the_post_is_audited(
    client: Client, world: World, setup: Setup
) -> None:
    result = warned_scan(world, setup)
    client.force_login(world.pharmacist)
    page = client.get(reverse("supply:receive", args=[result.scan.session_id]))
    assert "Reason for quarantining pack W1" in page.content.decode()
    url = reverse("supply:quarantine_scan", args=[result.scan.session_id, result.scan.pk])
    refused = client.post(url, {"reason": ""}, follow=True)
    assert "Give the reason" in refused.content.decode()
    assert not Pack.objects.filter(serial="W1").exists()
    done = client.post(url, {"reason": "Expiry differs; held for the maker."}, follow=True)
    assert "in quarantine on purpose" in done.content.decode()
    pack = Pack.objects.get(serial="W1")
    assert pack.state == PackState.QUARANTINED
    entry = AuditEntry.objects.get(object_type="pack_quarantined_on_purpose")
    assert entry.object_id == str(pack.pk) and entry.actor == world.pharmacist
    assert "Reason for quarantining pack W1" not in done.content.decode()
