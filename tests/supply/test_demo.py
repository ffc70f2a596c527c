"""The demo catalogue: invented GTINs that say so, one recalled lot, packs whose clone is caught."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from repigment.accounts.models import Clinic
from repigment.supply import demo, orders
from repigment.supply.gs1 import check_gtin, parse_code
from repigment.supply.models import (
    DEMONSTRATION_PREFIX,
    Dispense,
    ImportOrder,
    Incident,
    Pack,
    PackState,
    ProductPack,
    Recall,
    Scan,
    ScanOutcome,
)
from repigment.supply.services import verify_code
from repigment.supply.verification import Decision

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)  # the demo's lots expire in 2028


@pytest.fixture
def demo_world() -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())


def test_demo_gtins_are_valid_test_numbers_not_a_makers(demo_world: None) -> None:
    gtins = list(ProductPack.objects.exclude(gtin="").values_list("gtin", flat=True))
    assert sorted(gtins) == sorted(demo.GTINS.values())
    for gtin in gtins:
        assert check_gtin(gtin) == gtin
        assert gtin[1:4] == DEMONSTRATION_PREFIX  # GS1: for demonstrations and examples
    assert all(pack.source == "fda-ndc-50881-007" for pack in ProductPack.objects.all())


def test_the_demo_has_a_recalled_lot_per_pack_size_and_stock(demo_world: None) -> None:
    assert sorted(Recall.objects.values_list("lot_number", flat=True)) == sorted(
        demo.RECALLED_LOTS.values()
    )
    assert set(Pack.objects.filter(product_pack__gtin=demo.GTINS[60]).values_list(
        "serial", "state"
    )) >= {("DEMO0001", PackState.AVAILABLE), ("DEMO0002", PackState.AVAILABLE)}  # fmt: skip


def test_the_demo_order_is_received_with_three_verdicts_and_one_pack_dispensed(
    demo_world: None,
) -> None:
    order = ImportOrder.objects.get(supplier_reference=demo.DEMO_ORDER)
    authorisation = order.authorisation
    assert authorisation.state == "approved"
    assert order.product_pack.size_grams == authorisation.pack_grams  # taken from the authorisation
    outcomes = [
        (s.serial, s.outcome) for s in Scan.objects.filter(session__order=order).order_by("id")
    ]
    assert outcomes == [
        (demo.ORDER_GOOD, ScanOutcome.STOCKED),
        (demo.ORDER_RECALLED, ScanOutcome.QUARANTINED),
        (demo.ORDER_GOOD, ScanOutcome.HELD),  # the dispensed pack's serial again: a clone
    ]
    recalled = Pack.objects.get(serial=demo.ORDER_RECALLED)
    assert recalled.lot.number == demo.RECALLED_LOTS[authorisation.pack_grams]
    assert recalled.state == PackState.QUARANTINED
    assert sorted(order.incidents.values_list("kind", flat=True)) == [
        Incident.Kind.RECALLED,
        Incident.Kind.SUSPECTED_FALSIFIED,
    ]
    assert Dispense.objects.get().pack.serial == demo.ORDER_GOOD


def test_an_authorisation_is_left_fresh_for_the_walk_through(demo_world: None) -> None:
    pharmacy = Clinic.objects.get(name=demo.PHARMACY)
    fresh = [
        a
        for a in orders.orderable_authorisations(pharmacy, timezone.localdate())
        if not a.import_orders.exists() and orders.remaining_to_order(a) >= 3
    ]
    assert fresh, "no approved authorisation with three packs left for the walk-through"
    pack = ProductPack.objects.get(gtin=demo.GTINS[fresh[-1].pack_grams])
    fine, recalled, seen = (code for _label, code in demo.walkthrough_codes(pack))
    declared = [demo.GOOD_LOTS[pack.size_grams]]
    assert verify_code(parse_code(fine), declared_lots=declared).decision == Decision.ACCEPT
    assert verify_code(parse_code(recalled)).decision == Decision.QUARANTINE
    assert verify_code(parse_code(seen)).suspected_clone


def test_the_codes_in_the_demo_notes_give_three_verdicts(demo_world: None) -> None:
    notes = demo.__doc__ or ""
    accepted, recalled, clone = (
        line.split("``")[1].replace("<GS>", "\x1d")
        for line in notes.splitlines()
        if line.startswith("* ")
    )
    assert verify_code(parse_code(accepted), today=TODAY).decision == Decision.ACCEPT
    recall = verify_code(parse_code(recalled), today=TODAY)
    assert recall.decision == Decision.QUARANTINE and not recall.suspected_clone
    copy = verify_code(parse_code(clone), today=TODAY)
    assert copy.decision == Decision.QUARANTINE and copy.suspected_clone


def test_building_the_demo_twice_changes_nothing(demo_world: None) -> None:
    counts = [model.objects.count() for model in (ProductPack, Recall, Pack)]
    call_command("demo", "--no-progress", stdout=io.StringIO())
    assert [model.objects.count() for model in (ProductPack, Recall, Pack)] == counts


def test_the_demo_has_an_unapproved_batch_in_quarantine(demo_world: None) -> None:
    from repigment.supply.models import UnapprovedBatch

    batch = UnapprovedBatch.objects.get()
    assert batch.product.is_unapproved and batch.lot.product_pack.gtin == ""
    assert set(batch.stock().values_list("state", flat=True)) == {PackState.QUARANTINED}
    assert batch.stock().count() == 2 and batch.certificate() is None
    call_command("demo", "--no-progress", stdout=io.StringIO())  # idempotent
    assert UnapprovedBatch.objects.count() == 1 and batch.stock().count() == 2
