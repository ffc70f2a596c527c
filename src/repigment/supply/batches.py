"""Unapproved (compounded or generic) products: receiving a batch, its certificate of analysis,
and its release from quarantine.

Such packs carry no GS1 code, so nothing can be checked by scanning: the pharmacist records the
batch, expiry, maker and the maker's licence from the documents, and every pack of the batch is
received straight into quarantine. The batch leaves quarantine only when a pharmacist releases
it: with a certificate of analysis on file whose product, batch, strength and expiry match what
was received, and a checklist (licence seen, packaging intact, labels match, storage kept)
ticked. Each refusal says why and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from repigment.accounts.models import User
from repigment.core.templatetags.dates import day_text
from repigment.patients import uploads
from repigment.supply import stock
from repigment.supply.models import (
    CERTIFIED_STRENGTH,
    BatchRelease,
    CertificateOfAnalysis,
    ImportOrder,
    Lot,
    PackState,
    UnapprovedBatch,
    _gs1_text,
)


class BatchRefused(Exception):
    """A receipt, certificate or release the rules do not allow; ``errors`` name the fields
    (``"__all__"`` for the whole) and say why."""

    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        self.errors = {"__all__": [errors]} if isinstance(errors, str) else errors
        super().__init__(" ".join(m for messages in self.errors.values() for m in messages))


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str


#: What the pharmacist confirms before releasing a batch (besides the certificate on file).
RELEASE_CHECKLIST = (
    ChecklistItem("licence_seen", gettext_lazy(
        "I have seen the maker's licence (the number recorded) and it is current."
    )),
    ChecklistItem("packaging_intact", gettext_lazy(
        "Every pack is sealed and intact, and labelled with product, strength, batch and expiry."
    )),
    ChecklistItem("labels_match", gettext_lazy(
        "The batch and expiry on the packs match the certificate and what was received."
    )),
    ChecklistItem("storage_ok", gettext_lazy(
        "The batch was transported and is stored as its label requires."
    )),
)  # fmt: skip


def _normal(text: str) -> str:
    return "".join(text.replace(",", ".").split()).casefold()


# --- receiving --------------------------------------------------------------------------------


def receive_batch(
    order: ImportOrder,
    *,
    lot_number: str,
    expiry: date,
    maker: str,
    maker_licence: str,
    packs: int,
    by: User,
    today: date | None = None,
) -> UnapprovedBatch:
    """Receive ``packs`` packs of one batch of the order's unapproved product into quarantine."""
    day = today or timezone.localdate()
    product_pack = order.product_pack
    if not product_pack.product.is_unapproved:
        raise BatchRefused(_(
            "This order is for an approved product with GS1 codes: receive it by scanning its "
            "packs."
        ))  # fmt: skip
    lot_number, maker, maker_licence = lot_number.strip(), maker.strip(), maker_licence.strip()
    errors: dict[str, list[str]] = {}
    try:
        _gs1_text(lot_number)
    except ValidationError as error:
        errors["lot_number"] = [str(m) for m in error.messages]
    if expiry < day:
        errors["expiry"] = [_("Batch expired on %(expiry)s: it is not received.")
                            % {"expiry": day_text(expiry)}]  # fmt: skip
    if not maker:
        errors["maker"] = [_("Name the maker (the manufacturer or compounding pharmacy).")]
    if not maker_licence:
        errors["maker_licence"] = [_("Give the maker's licence number as seen on its licence.")]
    if packs < 1:
        errors["packs"] = [_("At least one pack.")]
    if errors:
        raise BatchRefused(errors)
    with transaction.atomic():
        locked = ImportOrder.objects.select_for_update().get(pk=order.pk)
        _check_receipt(locked, lot_number, expiry, packs)
        lot, _created = Lot.objects.get_or_create(
            product_pack=product_pack, number=lot_number, defaults={"expiry": expiry}
        )
        try:
            with transaction.atomic():
                batch = UnapprovedBatch.objects.create(
                    pharmacy=locked.pharmacy, order=locked, lot=lot, maker=maker,
                    maker_licence=maker_licence, packs=packs, received_by=by,
                )  # fmt: skip
        except IntegrityError:
            raise BatchRefused({"lot_number": [_(
                "Batch %(lot)s was already received on this order."
            ) % {"lot": lot_number}]}) from None  # fmt: skip
        reason = _(
            "Unapproved product (%(kind)s): received into quarantine until a pharmacist releases "
            "batch %(lot)s against its certificate of analysis."
        ) % {"kind": product_pack.product.get_approval_display(), "lot": lot_number}  # fmt: skip
        for n in range(1, packs + 1):
            pack = stock.receive_unlabelled(
                pharmacy=locked.pharmacy, product_pack=product_pack, lot=lot_number,
                expiry=expiry, serial=f"U{batch.pk}-{n:03d}", by=by, reason=reason, order=locked,
            )  # fmt: skip
            stock.move(pack, PackState.QUARANTINED, by=by, reason=reason)
    return batch


def _check_receipt(order: ImportOrder, lot_number: str, expiry: date, packs: int) -> None:
    if not order.is_open:
        raise BatchRefused(_("This order's receipt is closed."))
    if lot_number not in order.expected_lots:
        raise BatchRefused({"lot_number": [_(
            "Batch %(lot)s is not among the batches declared on the order (%(declared)s)."
        ) % {"lot": lot_number, "declared": ", ".join(order.expected_lots)}]})  # fmt: skip
    known = Lot.objects.filter(product_pack=order.product_pack, number=lot_number).first()
    if known is not None and known.expiry != expiry:
        raise BatchRefused({"expiry": [_(
            "Batch %(lot)s is recorded with expiry %(known)s, not %(expiry)s: check the label."
        ) % {"lot": lot_number, "known": day_text(known.expiry),
             "expiry": day_text(expiry)}]})  # fmt: skip
    taken = order.packs.count()
    if taken + packs > order.quantity:
        raise BatchRefused({"packs": [_(
            "%(packs)s packs would pass the %(quantity)s ordered (%(taken)s already received)."
        ) % {"packs": packs, "quantity": order.quantity, "taken": taken}]})  # fmt: skip


# --- the certificate of analysis ----------------------------------------------------------------


def record_certificate(
    batch: UnapprovedBatch,
    *,
    upload: IO[bytes],
    name: str,
    size: int | None,
    product_name: str,
    batch_number: str,
    strength: str,
    expiry: date,
    results_conform: bool,
    by: User,
) -> CertificateOfAnalysis:
    """Store the certificate (a PDF or an image, judged by its bytes, within the upload limit)
    with the pharmacist's reading of it, refused unless it matches the batch received."""
    if batch.release() is not None:
        raise BatchRefused(_("This batch is already released; its certificate is on file."))
    errors = _mismatches(batch, product_name, batch_number, strength, expiry, results_conform)
    try:
        clean = uploads.clean_document(uploads.read_upload(upload, name, size), name)
    except uploads.UploadRejected as rejected:
        errors["file"] = [str(rejected)]
    if errors:
        raise BatchRefused(errors)
    with uploads.delete_files_on_error() as written, transaction.atomic():
        row = CertificateOfAnalysis(
            batch=batch, content_type=clean.content_type, original_name=name[:200],
            product_name=product_name.strip(), batch_number=batch_number.strip(),
            strength=strength.strip(), expiry=expiry, results_conform=True, checked_by=by,
        )  # fmt: skip
        row.file.save(f"coa-{batch.pk}.{clean.extension}", ContentFile(clean.content), save=False)
        written.append(row.file)
        row.save()
    return row


def _mismatches(
    batch: UnapprovedBatch,
    product_name: str,
    batch_number: str,
    strength: str,
    expiry: date,
    results_conform: bool,
) -> dict[str, list[str]]:
    """Each way the certificate differs from the batch received, by field."""
    lot = batch.lot
    ingredient = batch.product.active_ingredient
    errors: dict[str, list[str]] = {}
    if _normal(ingredient) not in _normal(product_name):
        errors["product_name"] = [_(
            "The certificate must be for %(ingredient)s cream; it names %(named)s."
        ) % {"ingredient": ingredient, "named": product_name.strip() or "—"}]  # fmt: skip
    if _normal(batch_number) != _normal(lot.number):
        errors["batch_number"] = [_(
            "The certificate is for batch %(named)s, but batch %(lot)s was received."
        ) % {"named": batch_number.strip() or "—", "lot": lot.number}]  # fmt: skip
    if _normal(strength) != _normal(CERTIFIED_STRENGTH):
        errors["strength"] = [_(
            "The certificate states %(named)s; ruxolitinib cream is %(strength)s."
        ) % {"named": strength.strip() or "—", "strength": CERTIFIED_STRENGTH}]  # fmt: skip
    if expiry != lot.expiry:
        errors["expiry"] = [_(
            "The certificate gives expiry %(named)s, but the batch received expires %(lot)s."
        ) % {"named": day_text(expiry), "lot": day_text(lot.expiry)}]  # fmt: skip
    if not results_conform:
        errors["results_conform"] = [_(
            "Only a certificate whose identity, assay and impurity results are within its "
            "specification is accepted: this batch stays in quarantine."
        )]  # fmt: skip
    return errors


# --- release ----------------------------------------------------------------------------------


def release_batch(
    batch: UnapprovedBatch, *, ticked: list[str], by: User, note: str = ""
) -> BatchRelease:
    """Move every quarantined pack of the batch to available stock, recording the checklist."""
    certificate = batch.certificate()
    if certificate is None:
        raise BatchRefused(_(
            "Batch %(lot)s has no certificate of analysis: upload the maker's certificate and "
            "record your check of it before releasing the batch. It stays in quarantine."
        ) % {"lot": batch.lot.number})  # fmt: skip
    missing = [str(item.label) for item in RELEASE_CHECKLIST if item.key not in ticked]
    if missing:
        raise BatchRefused({"ticked": [
            _("Not confirmed: %(item)s") % {"item": item} for item in missing
        ]})  # fmt: skip
    investigation = _(
        "Unapproved batch %(lot)s released: certificate of analysis %(coa)s checked by "
        "%(checker)s (product, batch, strength %(strength)s, expiry %(expiry)s; results within "
        "specification); maker %(maker)s, licence %(licence)s; %(items)s"
    ) % {"lot": batch.lot.number, "coa": certificate.pk,
         "checker": certificate.checked_by.full_name,
         "strength": certificate.strength, "expiry": day_text(certificate.expiry),
         "maker": batch.maker, "licence": batch.maker_licence,
         "items": "; ".join(str(item.label) for item in RELEASE_CHECKLIST)}  # fmt: skip
    if note.strip():
        investigation += " " + note.strip()
    with transaction.atomic():
        locked = UnapprovedBatch.objects.select_for_update().get(pk=batch.pk)
        if BatchRelease.objects.filter(batch=locked).exists():
            raise BatchRefused(_("This batch was already released."))
        release = BatchRelease.objects.create(
            batch=locked, certificate=certificate, checklist=[i.key for i in RELEASE_CHECKLIST],
            note=note.strip(), released_by=by,
        )  # fmt: skip
        for pack in locked.stock().filter(state=PackState.QUARANTINED).order_by("serial"):
            stock.move(pack, PackState.AVAILABLE, by=by, reason=_("Batch released."),
                       investigation=investigation)  # fmt: skip
    return release
