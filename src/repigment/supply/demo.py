"""Demo catalogue, lots, one recalled lot and two packs in stock at the demo import pharmacy.

The product facts and pack sizes are real (FDA NDC directory, NDC 50881-007); the GTINs are
NOT Incyte's: they use GS1 prefix 952, which GS1 reserves for demonstrations and examples, with
valid check digits. Lot numbers, serials and the recall are invented too.

Codes to try on the "check a code" page (Ctrl+] or <GS> stands for the group separator):

* accepted:     ``]d201095200000006081728033110DEMO24A<GS>21DEMO0100``
* recalled lot: ``(01)09520000000608(17)271231(10)DEMO23R(21)DEMO0200``
* clone:        ``(01)09520000000608(17)280331(10)DEMO24A(21)DEMO0001`` (already in stock)

An unapproved product is in the catalogue too: an invented compounded ruxolitinib cream with no
GS1 code, whose one batch (``DEMO-CX1``, invented maker and licence) waits in quarantine at the
demo pharmacy for its certificate of analysis and release.

The demo import order takes its pack size (60 g or 100 g) from the authorisation it is placed
against; the authorisation valid longest is left untouched for the walk-through, and the
receiving page shows three codes to try there (``walkthrough_codes``; README "Supply
walk-through").
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

from django.utils import timezone

from repigment.accounts.models import Clinic, User
from repigment.authorisations.models import AuthorisationApplication
from repigment.supply import stock
from repigment.supply.gs1 import parse_code
from repigment.supply.models import (
    PACK_SIZES_SOURCE,
    Approval,
    ImportOrder,
    Lot,
    Pack,
    PackSize,
    PackState,
    Product,
    ProductPack,
    Recall,
    UnapprovedBatch,
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
    (PackSize.TUBE_100, "DEMO23S", date(2027, 11, 30)),
    (PackSize.TUBE_60, "DEMO22X", date(2025, 6, 30)),
)
RECALLED_LOT = "DEMO23R"
#: Per pack size an authorisation may name: the good lot and the recalled lot.
GOOD_LOTS = {PackSize.TUBE_60: "DEMO24A", PackSize.TUBE_100: "DEMO24B"}
RECALLED_LOTS = {PackSize.TUBE_60: RECALLED_LOT, PackSize.TUBE_100: "DEMO23S"}
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
    for size, lot in RECALLED_LOTS.items():
        Recall.objects.get_or_create(
            product_pack=packs[size],
            scope=Recall.Scope.LOT,
            lot_number=lot,
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
    step(_unapproved_batch(pharmacy, pharmacist))
    step(_order_and_dispense(pharmacy, pharmacist, packs))


def _stock(pharmacy: Clinic, pharmacist: User) -> None:
    for serial in IN_STOCK:
        if Pack.objects.filter(product_pack__gtin=GTINS[PackSize.TUBE_60], serial=serial).exists():
            continue
        code = parse_code(f"(01){GTINS[PackSize.TUBE_60]}(17)280331(10)DEMO24A(21){serial}")
        pack = stock.receive(pharmacy=pharmacy, code=code, by=pharmacist, reason="Demo stock.")
        stock.move(pack, PackState.AVAILABLE, by=pharmacist, reason="Every check passed (demo).")


COMPOUNDED_BATCH = "DEMO-CX1"
COMPOUNDED_MAKER = "Demo Compounding Pharmacy (invented)"


def _unapproved_batch(pharmacy: Clinic, pharmacist: User) -> str:
    """An invented compounded cream and one batch of it, in quarantine awaiting its certificate."""
    product, _ = Product.objects.get_or_create(
        name="Ruxolitinib cream (compounded, demo)",
        strength="1.5 %",
        market="South Africa (compounded; invented for the demo)",
        defaults={
            "active_ingredient": "ruxolitinib",
            "form": "cream",
            "maker": COMPOUNDED_MAKER,
            "source": PACK_SIZES_SOURCE,
            "approval": Approval.COMPOUNDED,
        },
    )
    pack, _ = ProductPack.objects.get_or_create(
        product=product, gtin="", size_grams=PackSize.TUBE_60,
        defaults={"source": PACK_SIZES_SOURCE},
    )  # fmt: skip
    if UnapprovedBatch.objects.filter(lot__product_pack=pack, pharmacy=pharmacy).exists():
        return "unapproved batch (already there)"
    expiry = date(2027, 6, 30)
    lot, _ = Lot.objects.get_or_create(
        product_pack=pack, number=COMPOUNDED_BATCH, defaults={"expiry": expiry}
    )
    batch = UnapprovedBatch.objects.create(
        pharmacy=pharmacy, lot=lot, maker=COMPOUNDED_MAKER, maker_licence="DEMO-LIC-0001",
        packs=2, received_by=pharmacist,
    )  # fmt: skip
    reason = "Unapproved product (demo): in quarantine until the batch is released."
    for n in (1, 2):
        received = stock.receive_unlabelled(
            pharmacy=pharmacy, product_pack=pack, lot=lot.number, expiry=lot.expiry,
            serial=f"U{batch.pk}-{n:03d}", by=pharmacist, reason=reason,
        )  # fmt: skip
        stock.move(received, PackState.QUARANTINED, by=pharmacist, reason=reason)
    return "unapproved batch in quarantine"


DEMO_ORDER = "DEMO-ORDER-1"
ORDER_GOOD, ORDER_RECALLED = "DEMO0500", "DEMO0600"  # the demo order's packs
WALK_FINE, WALK_RECALLED = "DEMO0700", "DEMO0800"  # first free serials for the walk-through


def code_for(pack: ProductPack, lot_number: str, serial: str) -> str:
    """The pack's code as printed under the DataMatrix, with the lot's recorded expiry."""
    lot = Lot.objects.get(product_pack=pack, number=lot_number)
    return f"(01){pack.gtin}(17){lot.expiry:%y%m%d}(10){lot_number}(21){serial}"


def _orderable(pharmacy: Clinic, sizes: Collection[int]) -> list[AuthorisationApplication]:
    """Approved, usable authorisations for a demo pack size with packs left to order, the one
    valid longest last (it is left for the walk-through)."""
    from repigment.supply import orders

    found = orders.orderable_authorisations(pharmacy, timezone.localdate())
    return [a for a in found if a.pack_grams in sizes and orders.remaining_to_order(a) >= 2]


def _order_and_dispense(pharmacy: Clinic, pharmacist: User, packs: dict[int, ProductPack]) -> str:
    """An order against a usable approved authorisation (its own pack size), received: one
    good pack (dispensed to the patient), one of the recalled lot (quarantined), and in a later
    delivery a pack with the dispensed pack's serial (a suspected clone, held, with its alert).

    When there are several such authorisations the one valid longest is left untouched, so the
    walk-through in the README has a fresh authorisation with every pack still to order.
    """
    from repigment.supply import dispensing, orders

    if ImportOrder.objects.filter(supplier_reference=DEMO_ORDER).exists():
        return "orders (already there)"
    usable = _orderable(pharmacy, GOOD_LOTS)
    if not usable:
        return "orders skipped: no approved authorisation with 2 packs left to order"
    authorisation = usable[0]
    pack = packs[authorisation.pack_grams]
    good_lot, recalled_lot = GOOD_LOTS[pack.size_grams], RECALLED_LOTS[pack.size_grams]
    order = orders.create_order(
        pharmacy=pharmacy,
        authorisation=authorisation,
        product_pack=pack,
        quantity=min(3, orders.remaining_to_order(authorisation)),
        expected_lots=[good_lot],
        by=pharmacist,
        supplier_reference=DEMO_ORDER,
    )
    session = orders.open_session(order, pharmacist)
    good = orders.scan(session, by=pharmacist, text=code_for(pack, good_lot, ORDER_GOOD))
    orders.scan(session, by=pharmacist, text=code_for(pack, recalled_lot, ORDER_RECALLED))
    if good.scan.pack is None:
        return "order received (the good pack was not stocked)"
    try:
        dispensing.dispense(
            pack=good.scan.pack, authorisation=authorisation, pharmacist=pharmacist,
            pharmacy=pharmacy,
        )  # fmt: skip
    except dispensing.DispenseRefused as error:
        return f"order received; demo dispense refused: {error.message}"
    later = orders.open_session(order, pharmacist)  # the rest of the order arrives
    orders.scan(later, by=pharmacist, text=code_for(pack, good_lot, ORDER_GOOD))
    return "order received, one pack dispensed, one cloned serial held"


def walkthrough_codes(product_pack: ProductPack) -> list[tuple[str, str]]:
    """Three demo codes for an order of this pack: one fine, one of the recalled lot and one
    whose serial was already dispensed (or received). Empty for a pack that is not the demo's.

    The fine and recalled serials are the first not yet received, so the walk-through can be
    tried again on a new order.
    """
    size = product_pack.size_grams
    lots = {GOOD_LOTS.get(size), RECALLED_LOTS.get(size)}
    known = Lot.objects.filter(product_pack=product_pack, number__in=lots).count()
    if product_pack.gtin != GTINS.get(size) or known != 2:  # not the demo's catalogue
        return []
    taken = set(Pack.objects.filter(product_pack=product_pack).values_list("serial", flat=True))
    seen = Pack.objects.filter(product_pack=product_pack).order_by("-state", "received_at")
    dispensed = seen.filter(state=PackState.DISPENSED).first() or seen.first()
    rows = [
        ("fine", code_for(product_pack, GOOD_LOTS[size], _free(WALK_FINE, taken))),
        ("recalled", code_for(product_pack, RECALLED_LOTS[size], _free(WALK_RECALLED, taken))),
    ]
    if dispensed is not None:
        kind = "dispensed" if dispensed.state == PackState.DISPENSED else "received"
        rows.append((kind, code_for(product_pack, dispensed.lot.number, dispensed.serial)))
    return rows


def _free(first: str, taken: Collection[str]) -> str:
    number = int(first[4:])
    while f"DEMO{number:04d}" in taken:
        number += 1
    return f"DEMO{number:04d}"
