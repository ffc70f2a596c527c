"""Work that spans the supply models: gathering the facts a scanned pack is checked against."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from repigment.supply.gs1 import (
    CODE_FIELD,
    GS,
    CodeError,
    ImageRejected,
    PackCode,
    Problem,
    parse_code,
    read_photo,
)
from repigment.supply.models import Lot, Pack, ProductPack, Recall
from repigment.supply.verification import (
    EarlierPack,
    Facts,
    KnownPack,
    RecallFact,
    Verification,
    verify,
)


def describe(product_pack: ProductPack) -> str:
    """A pack's plain name, e.g. "Opzelura 1.5 % cream, 60 g (United States (FDA))"."""
    product = product_pack.product
    return (
        f"{product.name} {product.strength} {product.form}, "
        f"{product_pack.get_size_grams_display()} ({product_pack.market_of_origin})"
    )


def gather_facts(code: PackCode, pharmacy_ids: Collection[int] = ()) -> Facts:
    """What the database knows about this GTIN, lot and serial; ``pharmacy_ids`` are "here"."""
    product_pack = ProductPack.objects.select_related("product").filter(gtin=code.gtin).first()
    if product_pack is None:
        return Facts(known_pack=None)
    lot_expiry = (
        Lot.objects.filter(product_pack=product_pack, number=code.lot)
        .values_list("expiry", flat=True)
        .first()
    )
    recalls = product_pack.recalls.filter(
        Q(scope=Recall.Scope.LOT, lot_number=code.lot)
        | Q(scope=Recall.Scope.SERIAL, serial=code.serial)
    )
    earlier = Pack.objects.filter(product_pack=product_pack, serial=code.serial)
    return Facts(
        known_pack=KnownPack(describe(product_pack)),
        lot_expiry=lot_expiry,
        recalls=[_recall_fact(recall) for recall in recalls],
        earlier_packs=[_earlier(pack, pharmacy_ids) for pack in earlier],
    )


def _recall_fact(recall: Recall) -> RecallFact:
    return RecallFact(
        scope=recall.scope,
        lot=recall.lot_number,
        serial=recall.serial,
        recalled_on=recall.recalled_on,
        reason=recall.reason,
        source=recall.source_url or recall.source_document,
    )


def _earlier(pack: Pack, pharmacy_ids: Collection[int]) -> EarlierPack:
    return EarlierPack(
        received_on=timezone.localdate(pack.received_at),
        state_label=str(pack.get_state_display()),
        here=pack.pharmacy_id in pharmacy_ids,
        pack_id=pack.pk,
    )


def verify_code(
    code: PackCode,
    *,
    pharmacy_ids: Collection[int] = (),
    today: date | None = None,
    treatment_days: int | None = None,
    declared_lots: Collection[str] | None = None,
    session_codes: Collection[tuple[str, str]] = (),
) -> Verification:
    """Every check on a scanned pack, with the facts read from the database."""
    return verify(
        code,
        gather_facts(code, pharmacy_ids),
        today=today or timezone.localdate(),
        treatment_days=treatment_days,
        declared_lots=declared_lots,
        session_codes=session_codes,
    )


@dataclass(frozen=True)
class CodeCheck:
    """What the "check a code" page shows: the code read, or why it could not be read, and
    the verdicts that can be judged without an import order."""

    code: PackCode | None
    problems: tuple[Problem, ...] = ()
    verification: Verification | None = None
    from_photo: bool = False
    text: str = ""  # what the scanner typed, when the code came as text

    @property
    def visible_text(self) -> str:
        """The text with its control characters shown, e.g. ⟨GS⟩ for ASCII 29."""
        return "".join(
            "⟨GS⟩" if c == GS else c if c.isprintable() else f"⟨U+{ord(c):04X}⟩" for c in self.text
        )


def check_code(
    *,
    text: str = "",
    photo: bytes | None = None,
    pharmacy_ids: Collection[int] = (),
    treatment_weeks: int | None = None,
) -> CodeCheck:
    """Read the code from the text (or else the photo) and run every check it allows."""
    from_photo = not text.strip() and photo is not None
    typed = "" if from_photo else text
    try:
        code = read_photo(photo) if from_photo and photo is not None else parse_code(text)
    except CodeError as error:
        return CodeCheck(None, error.problems, from_photo=from_photo, text=typed)
    except ImageRejected as error:
        return CodeCheck(None, (Problem(CODE_FIELD, str(error)),), from_photo=True)
    days = treatment_weeks * 7 if treatment_weeks else None
    verification = verify_code(code, pharmacy_ids=pharmacy_ids, treatment_days=days)
    return CodeCheck(code, verification=verification, from_photo=from_photo, text=typed)
