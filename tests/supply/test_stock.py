"""Packs in stock: only the allowed moves, each recorded; nothing changed in place or deleted."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from repigment.core.appendonly import AppendOnlyError
from repigment.supply import stock
from repigment.supply.gs1 import PackCode, parse_code
from repigment.supply.models import (
    TRANSITIONS,
    Lot,
    Pack,
    PackMovement,
    PackState,
)
from tests.conftest import World
from tests.supply.conftest import GTIN_60, UNKNOWN_GTIN, Catalogue

S = PackState
ALLOWED = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
ALL_PAIRS = [(a, b) for a in S.values for b in S.values if a != b]


def code(serial: str = "SN1", gtin: str = GTIN_60, lot: str = "L24A") -> PackCode:
    return parse_code(f"(01){gtin}(17)280331(10){lot}(21){serial}")


def received(world: World, serial: str = "SN1") -> Pack:
    return stock.receive(
        pharmacy=world.pharmacy, code=code(serial), by=world.pharmacist, reason="Order 1 arrived."
    )


def in_state(world: World, state: str, serial: str = "SN1") -> Pack:
    """A pack brought to ``state`` by allowed moves only."""
    pack = received(world, serial)
    path = {
        S.RECEIVED: [],
        S.AVAILABLE: [S.AVAILABLE],
        S.QUARANTINED: [S.QUARANTINED],
        S.DISPENSED: [S.AVAILABLE, S.DISPENSED],
        S.RETURNED: [S.AVAILABLE, S.RETURNED],
        S.DESTROYED: [S.QUARANTINED, S.DESTROYED],
    }[S(state)]
    for step in path:
        stock.move(pack, step, by=world.pharmacist, reason="test", investigation="checked")
    return pack


def test_the_allowed_moves_are_exactly_those_of_the_design() -> None:
    assert {
        (S.RECEIVED, S.AVAILABLE),
        (S.RECEIVED, S.QUARANTINED),
        (S.AVAILABLE, S.DISPENSED),
        (S.AVAILABLE, S.RETURNED),
        (S.AVAILABLE, S.DESTROYED),
        (S.QUARANTINED, S.DESTROYED),
        (S.QUARANTINED, S.AVAILABLE),
    } == ALLOWED


def test_receiving_writes_the_pack_and_its_arrival(world: World, catalogue: Catalogue) -> None:
    pack = received(world)
    assert (pack.state, pack.serial, pack.lot, pack.pharmacy) == (
        S.RECEIVED,
        "SN1",
        catalogue.good_lot,
        world.pharmacy,
    )
    assert pack.code == f"(01){GTIN_60}(17)280331(10)L24A(21)SN1"
    arrival = pack.movements.get()
    assert (arrival.from_state, arrival.to_state, arrival.by) == ("", S.RECEIVED, world.pharmacist)
    assert arrival.reason == "Order 1 arrived."


def test_receiving_a_new_lot_adds_it_to_the_catalogue(world: World, catalogue: Catalogue) -> None:
    stock.receive(pharmacy=world.pharmacy, code=code(lot="NEW1"), by=world.pharmacist, reason="r")
    assert Lot.objects.get(product_pack=catalogue.pack_60, number="NEW1").expiry.isoformat() == (
        "2028-03-31"
    )


@pytest.mark.parametrize(("from_state", "to_state"), ALL_PAIRS)
def test_each_move_is_allowed_or_refused_as_the_design_says(
    world: World, catalogue: Catalogue, from_state: str, to_state: str
) -> None:
    pack = in_state(world, from_state)
    before = PackMovement.objects.filter(pack=pack).count()
    if (from_state, to_state) in ALLOWED:
        stock.move(pack, to_state, by=world.pharmacist, reason="why", investigation="done")
        assert Pack.objects.get(pk=pack.pk).state == to_state
        last = PackMovement.objects.filter(pack=pack).last()
        assert last is not None
        assert (last.from_state, last.to_state, last.reason) == (from_state, to_state, "why")
        assert PackMovement.objects.filter(pack=pack).count() == before + 1
    else:
        with pytest.raises(stock.MoveRefused, match="A pack cannot go from"):
            stock.move(pack, to_state, by=world.pharmacist, reason="why", investigation="done")
        assert Pack.objects.get(pk=pack.pk).state == from_state
        assert PackMovement.objects.filter(pack=pack).count() == before


def test_leaving_quarantine_for_the_shelf_needs_an_investigation(
    world: World, catalogue: Catalogue
) -> None:
    pack = in_state(world, S.QUARANTINED)
    with pytest.raises(stock.MoveRefused, match="recorded investigation"):
        stock.move(pack, S.AVAILABLE, by=world.pharmacist, reason="looks fine", investigation=" ")
    assert Pack.objects.get(pk=pack.pk).state == S.QUARANTINED
    stock.move(
        pack,
        S.AVAILABLE,
        by=world.pharmacist,
        reason="released",
        investigation="Supplier confirmed the serial; tamper seal intact.",
    )
    assert pack.movements.last().investigation.startswith("Supplier confirmed")  # type: ignore[union-attr]


def test_every_move_needs_a_reason(world: World, catalogue: Catalogue) -> None:
    pack = received(world)
    with pytest.raises(stock.MoveRefused, match="reason"):
        stock.move(pack, S.AVAILABLE, by=world.pharmacist, reason="  ")


def test_a_stale_pack_cannot_be_moved_twice(world: World, catalogue: Catalogue) -> None:
    """Two people holding the same pack: only the first move happens."""
    first = in_state(world, S.AVAILABLE)
    second = Pack.objects.get(pk=first.pk)
    stock.move(first, S.DISPENSED, by=world.pharmacist, reason="to patient A")
    with pytest.raises(stock.MoveRefused, match="Someone else moved this pack"):
        stock.move(second, S.DESTROYED, by=world.pharmacist, reason="damaged")
    assert Pack.objects.get(pk=first.pk).state == S.DISPENSED
    assert PackMovement.objects.filter(pack=first, to_state=S.DESTROYED).count() == 0


def test_a_serial_is_received_once_per_gtin(world: World, catalogue: Catalogue) -> None:
    received(world, "SN1")
    with pytest.raises(stock.MoveRefused, match="suspected falsified"):
        stock.receive(pharmacy=world.pharmacy, code=code("SN1"), by=world.pharmacist, reason="r")
    assert Pack.objects.filter(serial="SN1").count() == 1


def test_the_database_itself_refuses_a_second_pack_with_the_serial(
    world: World, catalogue: Catalogue
) -> None:
    first = received(world, "SN1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Pack.objects.create(
            pharmacy=world.pharmacy,
            product_pack=first.product_pack,
            lot=first.lot,
            serial="SN1",
            expiry=first.expiry,
            code="clone",
            received_by=world.pharmacist,
        )


def test_the_same_serial_under_another_gtin_is_another_pack(
    world: World, catalogue: Catalogue
) -> None:
    received(world, "SN1")
    other = parse_code(f"(01){catalogue.pack_100.gtin}(17)280331(10)L9(21)SN1")
    stock.receive(pharmacy=world.pharmacy, code=other, by=world.pharmacist, reason="r")
    assert Pack.objects.filter(serial="SN1").count() == 2


def test_only_a_pharmacy_receives_and_only_catalogue_packs(
    world: World, catalogue: Catalogue
) -> None:
    with pytest.raises(stock.MoveRefused, match="import pharmacy"):
        stock.receive(pharmacy=world.clinic, code=code(), by=world.pharmacist, reason="r")
    with pytest.raises(stock.MoveRefused, match="not in the catalogue"):
        stock.receive(
            pharmacy=world.pharmacy, code=code(gtin=UNKNOWN_GTIN), by=world.pharmacist, reason="r"
        )
    assert not Pack.objects.exists()


def test_packs_and_movements_are_never_changed_in_place_or_deleted(
    world: World, catalogue: Catalogue
) -> None:
    pack = in_state(world, S.AVAILABLE)
    movement = pack.movements.first()
    assert movement is not None
    pack.state = S.DISPENSED
    for attempt in (
        pack.save,
        pack.delete,
        movement.save,
        movement.delete,
        lambda: Pack.objects.filter(pk=pack.pk).update(state=S.DISPENSED),
        lambda: Pack.objects.all().delete(),
        lambda: PackMovement.objects.all().delete(),
        lambda: PackMovement.objects.update(reason="rewritten"),
        lambda: Pack.objects.bulk_update([pack], ["state"]),
    ):
        with pytest.raises(AppendOnlyError):
            attempt()
    assert Pack.objects.get(pk=pack.pk).state == S.AVAILABLE
    assert PackMovement.objects.filter(pack=pack).count() == 2


def test_only_an_available_pack_is_dispensable(world: World, catalogue: Catalogue) -> None:
    assert in_state(world, S.AVAILABLE, "A").is_dispensable
    for serial, state in (("B", S.RECEIVED), ("C", S.QUARANTINED), ("D", S.DISPENSED)):
        assert not in_state(world, state, serial).is_dispensable


def test_the_database_refuses_a_movement_outside_the_rules(
    world: World, catalogue: Catalogue
) -> None:
    pack = in_state(world, S.DISPENSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        PackMovement.objects.create(
            pack=pack,
            from_state=S.DISPENSED,
            to_state=S.AVAILABLE,
            by=world.pharmacist,
            reason="sneaky",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        PackMovement.objects.create(
            pack=pack,
            from_state=S.QUARANTINED,
            to_state=S.AVAILABLE,
            by=world.pharmacist,
            reason="no investigation",
        )
