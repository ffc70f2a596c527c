"""The demo catalogue: invented GTINs that say so, one recalled lot, packs whose clone is caught."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from repigment.supply import demo
from repigment.supply.gs1 import check_gtin, parse_code
from repigment.supply.models import DEMONSTRATION_PREFIX, Pack, PackState, ProductPack, Recall
from repigment.supply.services import verify_code
from repigment.supply.verification import Decision

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 26)  # the demo's lots expire in 2028


@pytest.fixture
def demo_world() -> None:
    call_command("demo", "--no-progress", stdout=io.StringIO())


def test_demo_gtins_are_valid_test_numbers_not_a_makers(demo_world: None) -> None:
    gtins = list(ProductPack.objects.values_list("gtin", flat=True))
    assert sorted(gtins) == sorted(demo.GTINS.values())
    for gtin in gtins:
        assert check_gtin(gtin) == gtin
        assert gtin[1:4] == DEMONSTRATION_PREFIX  # GS1: for demonstrations and examples
    assert all(pack.source == "fda-ndc-50881-007" for pack in ProductPack.objects.all())


def test_the_demo_has_a_recalled_lot_and_stock(demo_world: None) -> None:
    assert Recall.objects.get().lot_number == demo.RECALLED_LOT
    assert sorted(Pack.objects.values_list("serial", "state")) == [
        ("DEMO0001", PackState.AVAILABLE),
        ("DEMO0002", PackState.AVAILABLE),
    ]


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
