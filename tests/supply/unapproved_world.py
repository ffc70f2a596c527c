"""An unapproved (compounded) ruxolitinib cream, an order for it and a certificate's bytes."""

from __future__ import annotations

import io
from datetime import date

from PIL import Image

from repigment.authorisations.models import AuthorisationApplication
from repigment.supply import orders
from repigment.supply.models import Approval, ImportOrder, PackSize, Product, ProductPack
from tests.conftest import World

BATCH = "CX2401"
EXPIRY = date(2045, 6, 30)
#: A small but well-formed PDF: a header, one empty page and the end-of-file marker.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


def compounded_pack() -> ProductPack:
    product = Product.objects.create(
        name="Ruxolitinib cream (compounded)", active_ingredient="ruxolitinib",
        strength="1.5 %", form="cream", maker="Test Compounding Pharmacy",
        market="South Africa (compounded)", source="fda-ndc-50881-007",
        approval=Approval.COMPOUNDED,
    )  # fmt: skip
    return ProductPack.objects.create(
        product=product, gtin="", size_grams=PackSize.TUBE_60, source="fda-ndc-50881-007"
    )


def compounded_order(
    world: World, auth: AuthorisationApplication, quantity: int = 3
) -> ImportOrder:
    return orders.create_order(
        pharmacy=world.pharmacy, authorisation=auth, product_pack=compounded_pack(),
        quantity=quantity, expected_lots=[BATCH], by=world.pharmacist,
    )  # fmt: skip
