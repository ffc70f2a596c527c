"""Receiving a pack into stock and moving it between states: the only writers of packs."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from repigment.accounts.models import Clinic, User
from repigment.supply.gs1 import PackCode
from repigment.supply.models import (
    NEEDS_INVESTIGATION,
    TRANSITIONS,
    ImportOrder,
    Lot,
    Pack,
    PackMovement,
    PackState,
    ProductPack,
)


class MoveRefused(Exception):
    """A receipt or move the rules do not allow; the message says why."""


class SerialTaken(MoveRefused):
    """The serial was received meanwhile (another order's scan won the race)."""


def receive(
    *, pharmacy: Clinic, code: PackCode, by: User, reason: str, order: ImportOrder | None = None
) -> Pack:
    """Write one newly received pack (state "received") with its arrival movement.

    The lot is added to the catalogue when it is new. A serial already received under the same
    GTIN is refused by the database itself, so a cloned code never becomes a second pack.
    """
    if pharmacy.kind != Clinic.Kind.PHARMACY:
        raise MoveRefused(_("Only an import pharmacy receives packs."))
    _require_reason(reason)
    product_pack = ProductPack.objects.filter(gtin=code.gtin).first()
    if product_pack is None:
        raise MoveRefused(_("GTIN %(gtin)s is not in the catalogue.") % {"gtin": code.gtin})
    try:
        return _write(pharmacy, product_pack, code.lot, code.expiry, code.serial, code.hri, by,
                      reason, order)  # fmt: skip
    except IntegrityError:
        if Pack.objects.filter(product_pack=product_pack, serial=code.serial).exists():
            raise SerialTaken(_(
                "Serial %(serial)s of GTIN %(gtin)s was received before: a pack with a repeated "
                "serial is a suspected falsified (cloned) pack and is not stocked."
            ) % {"serial": code.serial, "gtin": code.gtin}) from None  # fmt: skip
        raise


def receive_unlabelled(
    *,
    pharmacy: Clinic,
    product_pack: ProductPack,
    lot: str,
    expiry: date,
    serial: str,
    by: User,
    reason: str,
    order: ImportOrder | None = None,
) -> Pack:
    """Write one pack of an unapproved product, which carries no GS1 code: the pharmacy numbers
    it (``serial``, written on the pack) and the batch and expiry come from its label."""
    if pharmacy.kind != Clinic.Kind.PHARMACY:
        raise MoveRefused(_("Only an import pharmacy receives packs."))
    _require_reason(reason)
    what = _("no GS1 code; batch %(lot)s, pack %(serial)s") % {"lot": lot, "serial": serial}
    try:
        return _write(pharmacy, product_pack, lot, expiry, serial, what, by, reason, order)
    except IntegrityError:
        raise SerialTaken(
            _("Pack number %(serial)s was used before.") % {"serial": serial}
        ) from None


def _write(
    pharmacy: Clinic,
    product_pack: ProductPack,
    lot_number: str,
    expiry: date,
    serial: str,
    code_text: str,
    by: User,
    reason: str,
    order: ImportOrder | None,
) -> Pack:
    with transaction.atomic():
        lot, _created = Lot.objects.get_or_create(
            product_pack=product_pack, number=lot_number, defaults={"expiry": expiry}
        )
        pack = Pack.objects.create(
            pharmacy=pharmacy, product_pack=product_pack, lot=lot, serial=serial,
            expiry=expiry, code=code_text, received_by=by, order=order,
        )  # fmt: skip
        PackMovement.objects.create(
            pack=pack, from_state="", to_state=PackState.RECEIVED, by=by, reason=reason
        )
    return pack


def move(pack: Pack, to_state: str, *, by: User, reason: str, investigation: str = "") -> Pack:
    """Move a pack to ``to_state`` if the rules allow it, recording who, when and why.

    The state changes only if it is still what the caller saw, so two people moving the same
    pack at once cannot both succeed.
    """
    from_state = pack.state
    if to_state not in TRANSITIONS.get(from_state, frozenset()):
        raise MoveRefused(_("A pack cannot go from %(from)s to %(to)s.") % {
            "from": PackState(from_state).label, "to": _state_label(to_state)})  # fmt: skip
    _require_reason(reason)
    if (from_state, to_state) in NEEDS_INVESTIGATION and not investigation.strip():
        raise MoveRefused(_(
            "A quarantined pack goes back to available stock only with a recorded investigation."
        ))  # fmt: skip
    with transaction.atomic():
        if Pack.objects.filter(pk=pack.pk)._move_state(from_state, to_state) != 1:
            raise MoveRefused(_("Someone else moved this pack meanwhile; look at it again."))
        PackMovement.objects.create(
            pack=pack, from_state=from_state, to_state=to_state, by=by,
            reason=reason.strip(), investigation=investigation.strip(),
        )  # fmt: skip
    pack.state = to_state
    return pack


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise MoveRefused(_("Give the reason for the move."))


def _state_label(state: str) -> str:
    return PackState(state).label if state in PackState.values else state
