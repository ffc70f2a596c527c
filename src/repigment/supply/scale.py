"""Scale-world supply: for each approved (or since expired) authorisation an import order of
the packs it authorised at the demo import pharmacy, the packs received (each a GS1 code with
its own serial, a lot of the scale catalogue), and the packs dispensed within the
authorisation's limits: never more than the packs authorised, only on days it was valid, one
pack each time the last one would be used up at the prescribed weekly amount.

Each pack has the moves that brought it where it is (received, then available, then dispensed),
so the stock ledger verifies (``repigment audit verify``). Lots, serials and codes are
invented (GS1 prefix 952, reserved for examples); the demo catalogue's GTINs are reused.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from repigment.accounts.models import User
from repigment.core.rows import create_objects
from repigment.core.scale import BATCH_SIZE, Chunk
from repigment.supply.models import (
    Dispense,
    ImportOrder,
    Lot,
    Pack,
    PackMovement,
    PackState,
    ProductPack,
)

PHARMACIST = "pharmacist@example.org"
#: Packs received per order at most (the rest of a large authorisation is still to come).
MOST_RECEIVED = 6
LOT_EXPIRY = date(2028, 12, 31)


def build(chunk: Chunk) -> None:
    authorised = chunk.by_patient.get("authorisation", {})
    shared = _shared(chunk)
    if shared is None or not authorised:
        return
    today, pharmacy, pharmacist = chunk.today, chunk.shared["pharmacy"], shared["pharmacist"]
    orders, plans = [], []
    for application in authorised.values():
        product_pack = shared["packs"].get(application.pack_grams)
        if product_pack is None:
            continue
        ordered = application.approved_on + timedelta(days=chunk.rng.randrange(1, 8))
        if ordered > today:
            continue
        received = min(application.authorised_packs, MOST_RECEIVED)
        whole = received == application.authorised_packs
        lot = shared["lots"][application.pack_grams]
        orders.append(
            ImportOrder(
                pharmacy=pharmacy, authorisation=application, product_pack=product_pack,
                quantity=application.authorised_packs, expected_lots=[lot.number],
                supplier_reference=f"SCALE-PO-{application.patient.record_number}",
                created_by=pharmacist, created_at=_noon(ordered),
                closed_at=_noon(ordered) if whole else None,
                closed_by=pharmacist if whole else None,
            )
        )  # fmt: skip
        plans.append((application, received, _dispense_days(application, received, today)))
    made = create_objects(orders)
    packs, dispensed = [], []
    for order, (application, received, days) in zip(made, plans, strict=True):
        lot = shared["lots"][application.pack_grams]
        for number in range(received):
            serial = f"S{application.patient.record_number.replace('-', '')}{number:02d}"
            pack = Pack(
                pharmacy=pharmacy, product_pack=order.product_pack, lot=lot, serial=serial,
                expiry=lot.expiry, order=order, received_by=pharmacist,
                code=f"(01){order.product_pack.gtin}(17){lot.expiry:%y%m%d}(10){lot.number}"
                f"(21){serial}",
                state=PackState.DISPENSED if number < len(days) else PackState.AVAILABLE,
            )  # fmt: skip
            packs.append(pack)
            if number < len(days):
                dispensed.append((pack, application, days[number]))
    Pack.objects.bulk_create(packs, batch_size=BATCH_SIZE)
    PackMovement.objects.bulk_create(_moves(packs, pharmacist), batch_size=BATCH_SIZE)
    records = [
        Dispense(
            pack=pack, patient=application.patient, prescription=application.prescription,
            authorisation=application, pharmacy=pharmacy, pharmacist=pharmacist,
            grams=application.pack_grams, dispensed_on=day,
        )
        for pack, application, day in dispensed
    ]  # fmt: skip
    Dispense.objects.bulk_create(records, batch_size=BATCH_SIZE)


def _shared(chunk: Chunk) -> dict[str, Any] | None:
    if "supply" not in chunk.shared:
        pharmacist = chunk.shared.get("pharmacist") or User.objects.filter(email=PHARMACIST).first()
        packs = {
            pack.size_grams: pack
            for pack in ProductPack.objects.exclude(gtin="").filter(
                product__active_ingredient="ruxolitinib"
            )
        }
        if pharmacist is None or chunk.shared.get("pharmacy") is None or not packs:
            chunk.shared["supply"] = None
        else:
            lots = {
                size: Lot.objects.get_or_create(
                    product_pack=pack, number=f"SCALE{size}", defaults={"expiry": LOT_EXPIRY}
                )[0]
                for size, pack in packs.items()
            }
            chunk.shared["supply"] = {"pharmacist": pharmacist, "packs": packs, "lots": lots}
    return chunk.shared["supply"]  # type: ignore[no-any-return]


def _dispense_days(application: Any, received: int, today: date) -> list[date]:
    """One pack on receipt, then one each time the last would be used up, while the
    authorisation is valid: within its packs and its days, never after today."""
    per_week = Decimal(application.prescription.grams_per_week or 0)
    weeks = (Decimal(application.pack_grams) / per_week) if per_week else Decimal(26)
    every = timedelta(days=max(7, int(weeks * 7)))
    day = application.approved_on + timedelta(days=10)
    last = min(today, application.valid_until)
    days = []
    while day <= last and len(days) < received:
        days.append(day)
        day += every
    return days


def _moves(packs: list[Pack], pharmacist: User) -> list[PackMovement]:
    rows = []
    for pack in packs:
        steps = [("", PackState.RECEIVED, "Received against the import order (scale world).")]
        steps.append((PackState.RECEIVED, PackState.AVAILABLE, "Every check passed."))
        if pack.state == PackState.DISPENSED:
            steps.append((PackState.AVAILABLE, PackState.DISPENSED, "Dispensed to the patient."))
        rows += [
            PackMovement(pack=pack, from_state=a, to_state=b, by=pharmacist, reason=why)
            for a, b, why in steps
        ]
    return rows


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))
