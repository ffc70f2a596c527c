"""Demo catalogue, lots, one recalled lot and two packs in stock at the demo import pharmacy.

The product facts and pack sizes are real (FDA NDC directory, NDC 50881-007); the GTINs are
NOT Incyte's: they use GS1 prefix 952, which GS1 reserves for demonstrations and examples, with
valid check digits. Lot numbers, serials and the recall are invented too.

Codes to try on the "check a code" page (Ctrl+] or <GS> stands for the group separator):

* accepted:     ``]d201095200000006081728033110DEMO24A<GS>21DEMO0100``
* recalled lot: ``(01)09520000000608(17)271231(10)DEMO23R(21)DEMO0200``
* clone:        ``(01)09520000000608(17)280331(10)DEMO24A(21)DEMO0001`` (already in stock)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from repigment.accounts.models import Clinic, User
from repigment.supply import stock
from repigment.supply.gs1 import parse_code
from repigment.supply.models import (
    PACK_SIZES_SOURCE,
    Lot,
    Pack,
    PackSize,
    PackState,
    Product,
    ProductPack,
    Recall,
)

PHARMACY = "Gauteng Import Pharmacy"  # from repigment.accounts.demo
PHARMACIST = "pharmacist@example.org"

GTINS = {  # invented: GS1 prefix 952 (demonstrations and examples), valid check digits
    PackSize.SAMPLE_5: "09520000000059",
    PackSize.TUBE_60: "09520000000608",
    PackSize.TUBE_100: "09520000001001",
}
LOTS = (  # (pack size, lot, expiry)
    (PackSize.TUBE_60, "DEMO24A", date(2028, 3, 31)),
    (PackSize.TUBE_100, "DEMO24B", date(2028, 9, 30)),
    (PackSize.TUBE_60, "DEMO23R", date(2027, 12, 31)),
    (PackSize.TUBE_60, "DEMO22X", date(2025, 6, 30)),
)
RECALLED_LOT = "DEMO23R"
IN_STOCK = ("DEMO0001", "DEMO0002")  # serials of lot DEMO24A, 60 g


def build(step: Callable[[str], None]) -> None:
    """Create (or leave as they are) the demo product, packs, lots, recall and stock."""
    product, _ = Product.objects.get_or_create(
        name="Opzelura",
        strength="1.5 %",
        market="United States (FDA)",
        defaults={
            "active_ingredient": "ruxolitinib",
            "form": "cream",
            "maker": "Incyte Corporation",
            "source": PACK_SIZES_SOURCE,
        },
    )
    packs = {
        size: ProductPack.objects.get_or_create(
            gtin=gtin,
            defaults={"product": product, "size_grams": size, "source": PACK_SIZES_SOURCE},
        )[0]
        for size, gtin in GTINS.items()
    }
    step("catalogue")
    for size, number, expiry in LOTS:
        Lot.objects.get_or_create(
            product_pack=packs[size], number=number, defaults={"expiry": expiry}
        )
    pharmacist = User.objects.get(email=PHARMACIST)
    Recall.objects.get_or_create(
        product_pack=packs[PackSize.TUBE_60],
        scope=Recall.Scope.LOT,
        lot_number=RECALLED_LOT,
        defaults={
            "reason": "Invented for the demo: not a real recall.",
            "recalled_on": date(2026, 10, 1),
            "source_document": "Demo data; there is no real recall notice.",
            "entered_by": pharmacist,
        },
    )
    step("recalls")
    pharmacy = Clinic.objects.get(name=PHARMACY)
    _stock(pharmacy, pharmacist)
    step("stock")
    step(_order_and_dispense(pharmacy, pharmacist, packs))


def _stock(pharmacy: Clinic, pharmacist: User) -> None:
    for serial in IN_STOCK:
        if Pack.objects.filter(product_pack__gtin=GTINS[PackSize.TUBE_60], serial=serial).exists():
            continue
        code = parse_code(f"(01){GTINS[PackSize.TUBE_60]}(17)280331(10)DEMO24A(21){serial}")
        pack = stock.receive(pharmacy=pharmacy, code=code, by=pharmacist, reason="Demo stock.")
        stock.move(pack, PackState.AVAILABLE, by=pharmacist, reason="Every check passed (demo).")


DEMO_ORDER = "DEMO-ORDER-1"


def _order_and_dispense(pharmacy: Clinic, pharmacist: User, packs: dict[int, ProductPack]) -> str:
    """An order against the first usable approved authorisation, received (one good pack, one
    of the recalled lot, one cloned serial of stock) and the good pack dispensed."""
    from django.utils import timezone

    from repigment.supply import dispensing, orders
    from repigment.supply.models import ImportOrder

    if ImportOrder.objects.filter(supplier_reference=DEMO_ORDER).exists():
        return "orders (already there)"
    usable = [
        a
        for a in orders.orderable_authorisations(pharmacy, timezone.localdate())
        if a.pack_grams == PackSize.TUBE_60 and orders.remaining_to_order(a) >= 3
    ]
    if not usable:
        return "orders skipped: no approved 60 g authorisation with 3 packs left"
    order = orders.create_order(
        pharmacy=pharmacy,
        authorisation=usable[0],
        product_pack=packs[PackSize.TUBE_60],
        quantity=3,
        expected_lots=["DEMO24A"],
        by=pharmacist,
        supplier_reference=DEMO_ORDER,
    )
    session = orders.open_session(order, pharmacist)
    gtin = GTINS[PackSize.TUBE_60]
    good = orders.scan(session, by=pharmacist, text=f"(01){gtin}(17)280331(10)DEMO24A(21)DEMO0100")
    orders.scan(session, by=pharmacist, text=f"(01){gtin}(17)271231(10)DEMO23R(21)DEMO0200")
    orders.scan(session, by=pharmacist, text=f"(01){gtin}(17)280331(10)DEMO24A(21)DEMO0001")
    if good.scan.pack is None:
        return "order received"
    try:
        dispensing.dispense(
            pack=good.scan.pack, authorisation=usable[0], pharmacist=pharmacist, pharmacy=pharmacy
        )
    except dispensing.DispenseRefused as error:
        return f"order received; demo dispense refused: {error.message}"
    return "order received, one pack dispensed"
