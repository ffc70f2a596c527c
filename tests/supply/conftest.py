"""A small catalogue for supply tests: invented GTINs under GS1's demonstration prefix 952."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from repigment.accounts.models import User
from repigment.supply.models import Lot, PackSize, Product, ProductPack, Recall
from tests.conftest import World

GTIN_60 = "09520000000608"  # invented, valid check digit
GTIN_100 = "09520000001001"
UNKNOWN_GTIN = "09520000009991"  # valid check digit, not in the catalogue


@dataclass
class Catalogue:
    product: Product
    pack_60: ProductPack
    pack_100: ProductPack
    good_lot: Lot
    recalled_lot: Lot


def build_catalogue(entered_by: User) -> Catalogue:
    product = Product.objects.create(
        name="Opzelura",
        active_ingredient="ruxolitinib",
        strength="1.5 %",
        form="cream",
        maker="Incyte Corporation",
        market="United States (FDA)",
        source="fda-ndc-50881-007",
    )
    pack_60 = ProductPack.objects.create(
        product=product, gtin=GTIN_60, size_grams=PackSize.TUBE_60, source="fda-ndc-50881-007"
    )
    pack_100 = ProductPack.objects.create(
        product=product, gtin=GTIN_100, size_grams=PackSize.TUBE_100, source="fda-ndc-50881-007"
    )
    good = Lot.objects.create(product_pack=pack_60, number="L24A", expiry=date(2045, 3, 31))
    recalled = Lot.objects.create(product_pack=pack_60, number="L23R", expiry=date(2044, 12, 31))
    Recall.objects.create(
        product_pack=pack_60,
        scope=Recall.Scope.LOT,
        lot_number="L23R",
        reason="Cream separated in the tube.",
        recalled_on=date(2026, 10, 1),
        source_document="Test recall notice 1",
        entered_by=entered_by,
    )
    return Catalogue(product, pack_60, pack_100, good, recalled)


@pytest.fixture
def catalogue(world: World) -> Catalogue:
    return build_catalogue(world.pharmacist)
