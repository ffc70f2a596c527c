"""Import orders against approved authorisations, and receiving them scan by scan.

A scan never creates stock unless every check passed (available) or the checks call for
quarantine (a recalled pack, received straight into quarantine); a suspected clone cannot be a
second pack (its serial exists), so it is held apart and recorded as an incident. Every scan,
whatever came of it, is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from repigment.accounts.models import Clinic, User
from repigment.authorisations.models import AuthorisationApplication
from repigment.patients.uploads import UploadRejected, clean_image
from repigment.supply import services, stock
from repigment.supply.gs1 import CodeError, ImageRejected, PackCode, Problem, parse_code, read_photo
from repigment.supply.models import (
    Discrepancy,
    ImportOrder,
    Incident,
    Pack,
    PackState,
    ProductPack,
    ReceivingSession,
    Scan,
    ScanOutcome,
)
from repigment.supply.verification import Check, Decision, Verdict, Verification, decide


class OrderRefused(Exception):
    """An order, scan or dispense the rules do not allow; the message says why."""


class RaceLost(OrderRefused):
    """Another order received the same serial at the same moment. The scan is kept (held as
    a suspected clone, with its incident) and ``result`` says so; the caller answers 409."""

    def __init__(self, result: ScanResult) -> None:
        super().__init__(_(
            "Serial %(serial)s was received by another order at the same moment: this pack is "
            "held as a suspected falsified (cloned) pack and an incident is recorded."
        ) % {"serial": result.scan.serial})  # fmt: skip
        self.result = result


# --- orders -----------------------------------------------------------------------------------


def packs_committed(authorisation: AuthorisationApplication, exclude: int | None = None) -> int:
    """Packs already spoken for: ordered on open orders, received on closed ones."""
    orders = ImportOrder.objects.filter(authorisation=authorisation).exclude(pk=exclude)
    open_total = orders.filter(closed_at__isnull=True).aggregate(n=Sum("quantity"))["n"] or 0
    received = Pack.objects.filter(order__in=orders.filter(closed_at__isnull=False)).count()
    return int(open_total) + received


def remaining_to_order(authorisation: AuthorisationApplication) -> int:
    return max((authorisation.authorised_packs or 0) - packs_committed(authorisation), 0)


def remaining_to_order_each(
    authorisations: Sequence[AuthorisationApplication],
) -> list[tuple[AuthorisationApplication, int]]:
    """``remaining_to_order`` for a whole list in two queries (as ``packs_committed`` counts)."""
    ids = [a.pk for a in authorisations]
    orders = ImportOrder.objects.filter(authorisation__in=ids)
    committed = dict.fromkeys(ids, 0)
    open_rows = orders.filter(closed_at__isnull=True).values("authorisation")
    for row in open_rows.annotate(n=Sum("quantity")):
        committed[row["authorisation"]] += int(row["n"] or 0)
    received = Pack.objects.filter(order__in=orders.filter(closed_at__isnull=False))
    for row in received.values("order__authorisation").annotate(n=Count("pk")):
        committed[row["order__authorisation"]] += int(row["n"])
    return [(a, max((a.authorised_packs or 0) - committed[a.pk], 0)) for a in authorisations]


def orderable_authorisations(pharmacy: Clinic, day: date) -> list[AuthorisationApplication]:
    """Approved authorisations usable today for patients of clinics this pharmacy supplies."""
    found = AuthorisationApplication.objects.usable_on(day).filter(
        patient__clinic__in=pharmacy.served_clinics.all()
    )
    return list(found.select_related("patient", "route").order_by("valid_until"))


def create_order(
    *,
    pharmacy: Clinic,
    authorisation: AuthorisationApplication,
    product_pack: ProductPack,
    quantity: int,
    expected_lots: Sequence[str],
    by: User,
    supplier_reference: str = "",
    day: date | None = None,
) -> ImportOrder:
    """An order for ``quantity`` packs, refused unless the authorisation allows it today."""
    today = day or timezone.localdate()
    with transaction.atomic():
        locked = AuthorisationApplication.objects.select_for_update().get(pk=authorisation.pk)
        _check_order(pharmacy, locked, product_pack, quantity, expected_lots, today)
        lots = sorted({lot.strip() for lot in expected_lots if lot.strip()})
        return ImportOrder.objects.create(
            pharmacy=pharmacy, authorisation=locked, product_pack=product_pack,
            quantity=quantity, expected_lots=lots, created_by=by,
            supplier_reference=supplier_reference.strip(),
        )  # fmt: skip


def _check_order(
    pharmacy: Clinic,
    authorisation: AuthorisationApplication,
    product_pack: ProductPack,
    quantity: int,
    lots: Sequence[str],
    today: date,
) -> None:
    if not pharmacy.served_clinics.filter(pk=authorisation.patient.clinic_id).exists():
        raise OrderRefused(_("This pharmacy does not supply the patient's clinic."))
    if not authorisation.usable_on(today):
        raise OrderRefused(_(
            "Authorisation %(number)s is not approved and valid today (%(state)s, valid until "
            "%(until)s)."
        ) % {"number": authorisation.authorisation_number or authorisation.pk,
             "state": authorisation.get_state_display(),
             "until": authorisation.valid_until or "—"})  # fmt: skip
    if product_pack.size_grams != authorisation.pack_grams:
        raise OrderRefused(_(
            "The authorisation is for %(authorised)s g packs; this pack is %(size)s g."
        ) % {"authorised": authorisation.pack_grams, "size": product_pack.size_grams})  # fmt: skip
    left = remaining_to_order(authorisation)
    if quantity < 1 or quantity > left:
        raise OrderRefused(_(
            "%(quantity)s packs is more than the %(left)s still authorised to order "
            "(%(authorised)s authorised, %(committed)s already ordered or received)."
        ) % {"quantity": quantity, "left": left, "authorised": authorisation.authorised_packs,
             "committed": packs_committed(authorisation)})  # fmt: skip
    if not [lot for lot in lots if lot.strip()]:
        raise OrderRefused(_("Give the lot numbers the supplier declared for this order."))


# --- receiving --------------------------------------------------------------------------------


def open_session(order: ImportOrder, by: User) -> ReceivingSession:
    if not order.is_open:
        raise OrderRefused(_("This order's receipt is closed."))
    if order.product_pack.product.is_unapproved:
        raise OrderRefused(_(
            "This product is unapproved and its packs carry no GS1 code: receive it batch by "
            "batch, with its certificate of analysis."
        ))  # fmt: skip
    return ReceivingSession.objects.create(order=order, opened_by=by)


def session_codes(session: ReceivingSession) -> set[tuple[str, str]]:
    rows = session.scans.exclude(gtin="").values_list("gtin", "serial")
    return {(gtin, serial) for gtin, serial in rows}


def counted(order: ImportOrder) -> int:
    """Packs of this order that arrived and were taken in (stocked or quarantined)."""
    return Pack.objects.filter(order=order).count()


@dataclass(frozen=True)
class ScanResult:
    scan: Scan
    code: PackCode | None
    problems: tuple[Problem, ...] = ()
    verification: Verification | None = None
    incident: Incident | None = None

    @property
    def headline(self) -> str:
        return str(ScanOutcome(self.scan.outcome).label)

    @property
    def banner(self) -> Banner:
        """The counter's large verdict: a key, a tone (ok, warn, bad) and a few words, so the
        verdict never rests on colour alone."""
        kind = self.incident.kind if self.incident else ""
        if kind == Incident.Kind.SUSPECTED_FALSIFIED or self.scan.outcome == ScanOutcome.HELD:
            return Banner("falsified", "bad", _("Suspected falsified – report it"))
        if kind == Incident.Kind.RECALLED:
            return Banner("recalled", "bad", _("Recalled"))
        if kind == Incident.Kind.EXPIRED_AT_RECEIPT:
            return Banner("expired", "bad", _("Expired"))
        return _banners()[ScanOutcome(self.scan.outcome)]


@dataclass(frozen=True)
class Banner:
    key: str
    tone: str
    words: str


def _banners() -> dict[ScanOutcome, Banner]:
    return {
        ScanOutcome.STOCKED: Banner("accepted", "ok", _("Accepted")),
        ScanOutcome.QUARANTINED: Banner("quarantine", "warn", _("Quarantine")),
        ScanOutcome.HELD: Banner("falsified", "bad", _("Suspected falsified – report it")),
        ScanOutcome.NOT_STOCKED: Banner("refused", "bad", _("Refused – not stocked")),
        ScanOutcome.DOUBLE_SCAN: Banner("seen", "warn", _("Already seen – counted once")),
        ScanOutcome.UNREADABLE: Banner("unreadable", "warn", _("Not read – scan again")),
    }


def scan(
    session: ReceivingSession, *, by: User, text: str = "", photo: bytes | None = None
) -> ScanResult:
    """Read one code, run every check against the order and this session, and act on it."""
    order = session.order
    if not order.is_open:
        raise OrderRefused(_("This order's receipt is closed."))
    stored_photo = _clean_photo(photo) if photo else None
    try:
        code = read_photo(photo) if photo and not text.strip() else parse_code(text)
    except (CodeError, ImageRejected) as error:
        problems = (
            error.problems if isinstance(error, CodeError) else (Problem("code", str(error)),)
        )
        row = _record(session, by, text, None, None, ScanOutcome.UNREADABLE, stored_photo)
        return ScanResult(row, None, tuple(problems))
    with transaction.atomic():
        locked = ImportOrder.objects.select_for_update().get(pk=order.pk)
        try:
            with transaction.atomic():
                verification = _verify(locked, session, code)
                return _act(locked, session, by, text, code, verification, stored_photo)
        except stock.SerialTaken:
            pass  # verified as new, but another order's scan received the serial meanwhile
        verification = _verify(locked, session, code)  # now sees that pack: a suspected clone
        result = _act(locked, session, by, text, code, verification, stored_photo)
    raise RaceLost(result)


def _verify(order: ImportOrder, session: ReceivingSession, code: PackCode) -> Verification:
    found = services.verify_code(
        code, pharmacy_ids=[order.pharmacy_id], declared_lots=order.expected_lots,
        session_codes=session_codes(session),
    )  # fmt: skip
    extra = [_ordered_product(order, code)]
    if found.decision != Decision.DOUBLE_SCAN:
        extra.append(_within_quantity(order))
    checks = (*found.checks, *extra)
    double = found.decision == Decision.DOUBLE_SCAN
    return replace(found, checks=checks, decision=decide(checks, double_scan=double))


def _ordered_product(order: ImportOrder, code: PackCode) -> Check:
    title = _("Product ordered")
    if code.gtin == order.product_pack.gtin:
        return Check("ordered_product", title, Verdict.PASS, _("GTIN %(gtin)s is what was ordered.")
                     % {"gtin": code.gtin})  # fmt: skip
    return Check("ordered_product", title, Verdict.FAIL, _(
        "GTIN %(gtin)s was not ordered: the order is for %(ordered)s (GTIN %(ordered_gtin)s)."
    ) % {"gtin": code.gtin, "ordered": services.describe(order.product_pack),
         "ordered_gtin": order.product_pack.gtin})  # fmt: skip


def _within_quantity(order: ImportOrder) -> Check:
    title = _("Quantity ordered")
    taken = counted(order)
    if taken < order.quantity:
        return Check(
            "within_quantity",
            title,
            Verdict.PASS,
            _("Pack %(n)s of the %(quantity)s ordered.")
            % {"n": taken + 1, "quantity": order.quantity},
        )
    return Check("within_quantity", title, Verdict.FAIL, _(
        "All %(quantity)s packs ordered have been received: this one is over the order (and over "
        "what the authorisation allows to import)."
    ) % {"quantity": order.quantity})  # fmt: skip


def _failed(verification: Verification, key: str) -> bool:
    return any(c.key == key and c.verdict == Verdict.FAIL for c in verification.checks)


def _act(
    order: ImportOrder,
    session: ReceivingSession,
    by: User,
    text: str,
    code: PackCode,
    verification: Verification,
    photo: ContentFile | None,
) -> ScanResult:
    decision = verification.decision
    pack: Pack | None = None
    if decision == Decision.DOUBLE_SCAN:
        outcome = ScanOutcome.DOUBLE_SCAN
    elif verification.suspected_clone:
        outcome = ScanOutcome.HELD
    elif decision == Decision.ACCEPT:
        pack = _receive(order, code, by, _("Every check passed on receipt."))
        stock.move(pack, PackState.AVAILABLE, by=by, reason=_("Every check passed on receipt."))
        outcome = ScanOutcome.STOCKED
    elif decision == Decision.QUARANTINE:
        pack = _receive(order, code, by, _("Received with a failed check; quarantined."))
        stock.move(pack, PackState.QUARANTINED, by=by, reason=_failed_reasons(verification))
        outcome = ScanOutcome.QUARANTINED
    else:
        outcome = ScanOutcome.NOT_STOCKED
    row = _record(session, by, text, code, verification, outcome, photo, pack)
    _discrepancies(order, row, verification, by)
    incident = _incident(order, row, code, verification, pack, by)
    return ScanResult(row, code, (), verification, incident)


def _receive(order: ImportOrder, code: PackCode, by: User, reason: str) -> Pack:
    try:
        return stock.receive(pharmacy=order.pharmacy, code=code, by=by, reason=reason, order=order)
    except stock.SerialTaken:
        raise
    except stock.MoveRefused as error:
        raise OrderRefused(str(error)) from None


def _failed_reasons(verification: Verification) -> str:
    return " ".join(c.reason for c in verification.checks if c.verdict == Verdict.FAIL)


def _record(
    session: ReceivingSession,
    by: User,
    text: str,
    code: PackCode | None,
    verification: Verification | None,
    outcome: str,
    photo: ContentFile | None,
    pack: Pack | None = None,
) -> Scan:
    checks = [
        {"key": c.key, "title": str(c.title), "verdict": str(c.verdict), "reason": str(c.reason)}
        for c in (verification.checks if verification else ())
    ]
    row = Scan(
        session=session, text=text[:500], by=by, outcome=outcome, pack=pack, checks=checks,
        decision=str(verification.decision) if verification else "",
        gtin=code.gtin if code else "", lot_number=code.lot if code else "",
        serial=code.serial if code else "", expiry=code.expiry if code else None,
    )  # fmt: skip
    if photo is not None:
        row.photo.save(photo.name or "scan.png", photo, save=False)
    row.save()
    return row


def _clean_photo(data: bytes) -> ContentFile | None:
    """The photo cleaned like any upload (no metadata, scaled down, memory-bounded)."""
    try:
        cleaned = clean_image(data, "scan")
    except UploadRejected:  # an unreadable or refused image is reported by the code reader
        return None
    return ContentFile(cleaned.content, name=f"scan.{cleaned.extension}")


def _discrepancies(order: ImportOrder, row: Scan, verification: Verification, by: User) -> None:
    if _failed(verification, "ordered_product"):
        Discrepancy.objects.create(
            order=order, kind=Discrepancy.Kind.WRONG_PRODUCT, scan=row, by=by,
            note=next(c.reason for c in verification.checks if c.key == "ordered_product"),
        )  # fmt: skip
    elif _failed(verification, "within_quantity"):
        Discrepancy.objects.create(
            order=order, kind=Discrepancy.Kind.OVER, scan=row, by=by,
            note=_("Pack %(serial)s arrived over the %(quantity)s ordered; not stocked.")
            % {"serial": row.serial, "quantity": order.quantity},
        )  # fmt: skip


def _incident(
    order: ImportOrder,
    row: Scan,
    code: PackCode,
    verification: Verification,
    pack: Pack | None,
    by: User,
) -> Incident | None:
    if row.outcome == ScanOutcome.DOUBLE_SCAN:
        return None
    if verification.suspected_clone:
        kind = Incident.Kind.SUSPECTED_FALSIFIED
    elif _failed(verification, "not_recalled"):
        kind = Incident.Kind.RECALLED
    elif _failed(verification, "shelf_life") and code.expiry < timezone.localdate():
        kind = Incident.Kind.EXPIRED_AT_RECEIPT
    else:
        return None
    return Incident.objects.create(
        kind=kind, pharmacy=order.pharmacy, order=order, scan=row, pack=pack,
        clone_of=Pack.objects.filter(pk__in=verification.clone_of).order_by("received_at").first(),
        product=services.describe(order.product_pack) if code.gtin == order.product_pack.gtin
        else code.gtin, gtin=code.gtin, lot_number=code.lot, serial=code.serial,
        expiry=code.expiry, where_found=where_found(order), details=_failed_reasons(verification),
        found_by=by,
    )  # fmt: skip


def where_found(order: ImportOrder) -> str:
    pharmacy = order.pharmacy
    return _(
        "On receipt at %(pharmacy)s, %(city)s (%(country)s), a licensed import pharmacy "
        "(regulated supply chain), against import order #%(order)s under authorisation %(auth)s."
    ) % {"pharmacy": pharmacy.name, "city": pharmacy.city, "country": pharmacy.country,
         "order": order.pk, "auth": order.authorisation.authorisation_number}  # fmt: skip


# --- quarantine on purpose ---------------------------------------------------------------------


def can_quarantine(row: Scan) -> bool:
    """A scan the checks did not stock for warnings only (no check failed), whose pack is not
    in stock since: the pharmacist may take it in on purpose, into quarantine."""
    return (
        row.outcome == ScanOutcome.NOT_STOCKED
        and row.decision == Decision.REVIEW
        and bool(row.gtin and row.serial and row.expiry)
        and not Pack.objects.filter(product_pack__gtin=row.gtin, serial=row.serial).exists()
    )


def quarantine_on_purpose(row: Scan, *, by: User, reason: str) -> Scan:
    """Take the pack of a warnings-only scan into quarantine, because the pharmacist says so.

    The only other way a scan creates stock besides every check passing (or the checks calling
    for quarantine themselves): explicit, with the reason recorded on the pack's movement and on
    a new scan row of the same session that points at the pack. Never into available stock.
    """
    if not reason.strip():
        raise OrderRefused(_("Give the reason for quarantining this pack."))
    with transaction.atomic():
        order = ImportOrder.objects.select_for_update().get(pk=row.session.order_id)
        if not order.is_open:
            raise OrderRefused(_("This order's receipt is closed."))
        if not can_quarantine(row):
            raise OrderRefused(_(
                "Only a pack refused for warnings alone, and not taken in since, can be "
                "quarantined on purpose."
            ))  # fmt: skip
        if counted(order) >= order.quantity:
            raise OrderRefused(_(
                "All %(quantity)s packs ordered have been received: this one is over the order."
            ) % {"quantity": order.quantity})  # fmt: skip
        code = _code_of(row)
        why = _("Quarantined on purpose after warnings: %(reason)s") % {"reason": reason.strip()}
        try:
            pack = _receive(order, code, by, why)
        except stock.SerialTaken as error:
            raise OrderRefused(str(error)) from None
        stock.move(pack, PackState.QUARANTINED, by=by, reason=why)
        return Scan.objects.create(
            session=row.session, text=row.text, by=by, outcome=ScanOutcome.QUARANTINED,
            pack=pack, checks=row.checks, decision=row.decision, gtin=row.gtin,
            lot_number=row.lot_number, serial=row.serial, expiry=row.expiry,
        )  # fmt: skip


def _code_of(row: Scan) -> PackCode:
    """The code as scanned (keeping a day-00 expiry as written), or rebuilt from its parts."""
    try:
        code = parse_code(row.text)
    except CodeError:
        code = None
    if code is not None and code.identity == (row.gtin, row.serial):
        return code
    assert row.expiry is not None
    return PackCode(gtin=row.gtin, expiry=row.expiry, lot=row.lot_number, serial=row.serial,
                    expiry_text=f"{row.expiry:%y%m%d}")  # fmt: skip


# --- closing the receipt ----------------------------------------------------------------------


def close_order(order: ImportOrder, by: User) -> list[Discrepancy]:
    """Close the receipt; a shortfall against the quantity ordered is recorded."""
    with transaction.atomic():
        locked = ImportOrder.objects.select_for_update().get(pk=order.pk)
        if not locked.is_open:
            raise OrderRefused(_("This order's receipt is already closed."))
        short = locked.quantity - counted(locked)
        if short > 0:
            Discrepancy.objects.create(
                order=locked, kind=Discrepancy.Kind.SHORT, packs=short, by=by,
                note=_("%(short)s of the %(quantity)s packs ordered did not arrive.")
                % {"short": short, "quantity": locked.quantity},
            )  # fmt: skip
        ImportOrder.objects.filter(pk=locked.pk).update(closed_at=timezone.now(), closed_by=by)
    order.refresh_from_db()
    return list(order.discrepancies.all())


def orders_to_receive(pharmacies: Sequence[Clinic] | object) -> int:
    return ImportOrder.objects.filter(pharmacy__in=pharmacies, closed_at__isnull=True).count()


def stock_counts(pharmacies: object) -> dict[str, int]:
    rows = Pack.objects.filter(pharmacy__in=pharmacies).values("state").annotate(n=Count("id"))
    found = {row["state"]: row["n"] for row in rows}
    # Every state, 0 included: a missing state reads as unknown, not as none.
    return {state: found.get(state, 0) for state in PackState.values}


def open_alerts(pharmacies: object) -> object:
    """Suspected falsified packs and recalled packs found at these pharmacies."""
    return Incident.objects.filter(pharmacy__in=pharmacies).filter(
        Q(kind=Incident.Kind.SUSPECTED_FALSIFIED) | Q(kind=Incident.Kind.RECALLED)
    )
