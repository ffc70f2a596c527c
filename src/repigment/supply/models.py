"""The catalogue (products, their packs and lots), recalls, and every pack received with its moves.

Stock is a ledger: a ``Pack`` is written once when it is received and afterwards only its state
moves, through ``repigment.supply.stock.move``, each move one ``PackMovement``. Neither is ever
changed in place or deleted, like the audit trail.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.accounts.models import Clinic
from repigment.clinical.references import REFERENCES, Reference
from repigment.core.appendonly import (
    AppendOnly,
    AppendOnlyError,
    AppendOnlyQuerySet,
    Break,
    WriteOnce,
)
from repigment.core.templatetags.dates import day_text
from repigment.supply import gs1

#: GS1 prefix 952 is reserved "for demonstrations and examples of the GS1 system": GTINs that
#: start with it (after the GTIN-14 indicator digit) are test numbers, never a real product's.
DEMONSTRATION_PREFIX = "952"


def validate_gtin(value: str) -> None:
    """A GTIN-14 with a correct check digit (the message says which digit was expected)."""
    try:
        gs1.check_gtin(value)
    except gs1.CodeError as error:
        raise ValidationError(str(error), code="gtin") from None


def validate_source(value: str) -> None:
    """A reference id from repigment.clinical.references, or an http(s) address."""
    if value in REFERENCES:
        return
    if urlsplit(value).scheme in ("http", "https") and urlsplit(value).netloc:
        return
    raise ValidationError(
        _("Give a reference id from the reference list (e.g. fda-ndc-50881-007) or a web address."),
        code="source",
    )


def source_link(value: str) -> tuple[str, str]:
    """(label, url) to show beside a fact: the reference's citation, or the bare address."""
    reference: Reference | None = REFERENCES.get(value)
    if reference is not None:
        return reference.citation, reference.url
    return urlsplit(value).netloc or value, value


_gs1_text = RegexValidator(
    r"""^[!"%-?A-Z_a-z]{1,20}$""",
    _("Up to 20 characters of the GS1 set: letters, digits and !\"%&'()*+,-./:;<=>?_"),
)


class Approval(models.TextChoices):
    """Whether a product is the medicine a regulator approved, or a copy made without approval."""

    APPROVED = "approved", _("Approved medicine")
    COMPOUNDED = "compounded", _("Unapproved: compounded")
    GENERIC = "generic", _("Unapproved: generic (not approved)")


class Product(models.Model):
    """A medicine as authorised in one market (e.g. Opzelura cream as approved in the US), or an
    unapproved compounded or generic product, which is received batch by batch with its
    certificate of analysis and stays in quarantine until a pharmacist releases the batch."""

    name = models.CharField(_("name"), max_length=120)
    active_ingredient = models.CharField(_("active ingredient"), max_length=120)
    strength = models.CharField(_("strength"), max_length=60)
    form = models.CharField(_("pharmaceutical form"), max_length=60)
    maker = models.CharField(_("maker (marketing authorisation holder)"), max_length=120)
    market = models.CharField(
        _("market of origin"),
        max_length=60,
        help_text=_("Where the product is authorised and packed for, e.g. United States (FDA)."),
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        validators=[validate_source],
        help_text=_("Reference id or web address backing the product facts."),
    )
    approval = models.CharField(
        _("approval"),
        max_length=20,
        choices=Approval.choices,
        default=Approval.APPROVED,
        help_text=_(
            "Compounded and generic products are not the approved medicine: their packs carry no "
            "GS1 code and each batch is released only after its certificate of analysis is checked."
        ),
    )

    class Meta:
        ordering = ["name", "market"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["name", "strength", "market"], name="one_product"),
            models.CheckConstraint(
                condition=Q(approval__in=Approval.values), name="known_approval"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.strength} {self.form} ({self.market})"

    @property
    def is_unapproved(self) -> bool:
        return self.approval != Approval.APPROVED

    @property
    def source_link(self) -> tuple[str, str]:
        return source_link(self.source)


class PackSize(models.IntegerChoices):
    """Tube sizes of NDC 50881-007 (CLINICAL.md §4.1, reference fda-ndc-50881-007)."""

    SAMPLE_5 = 5, _("5 g (sample)")
    TUBE_60 = 60, _("60 g")
    TUBE_100 = 100, _("100 g")


PACK_SIZES_SOURCE = "fda-ndc-50881-007"


class ProductPack(models.Model):
    """One saleable pack of a product, identified by its GTIN."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="packs")
    gtin = models.CharField(
        _("GTIN-14"),
        max_length=14,
        blank=True,
        validators=[validate_gtin],
        help_text=_(
            "14 digits with its check digit, as in the pack's DataMatrix (AI 01). Empty for an "
            "unapproved (compounded or generic) product, whose packs carry no GS1 code."
        ),
    )
    size_grams = models.PositiveSmallIntegerField(_("pack size"), choices=PackSize.choices)
    market = models.CharField(
        _("market"),
        max_length=60,
        blank=True,
        help_text=_("Market the pack is labelled for, when not the product's own."),
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        validators=[validate_source],
        help_text=_("Reference id or web address backing the pack size and GTIN."),
    )

    class Meta:
        ordering = ["product__name", "size_grams"]
        verbose_name = _("product pack")
        verbose_name_plural = _("product packs")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(size_grams__in=PackSize.values), name="known_pack_size"
            ),
            models.UniqueConstraint(
                fields=["gtin"], condition=~Q(gtin=""), name="one_pack_per_gtin"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} {self.get_size_grams_display()} ({self.market_of_origin})"

    def clean(self) -> None:
        product = self.product if self.product_id else None
        if product is not None and not product.is_unapproved and not self.gtin:
            raise ValidationError({"gtin": _("An approved product's pack has a GTIN.")})
        if product is not None and product.is_unapproved and self.gtin:
            raise ValidationError(
                {"gtin": _("An unapproved product's packs carry no GS1 code: leave it empty.")}
            )

    @property
    def market_of_origin(self) -> str:
        return self.market or self.product.market

    @property
    def is_demonstration_gtin(self) -> bool:
        return self.gtin[1:4] == DEMONSTRATION_PREFIX

    @property
    def source_link(self) -> tuple[str, str]:
        return source_link(self.source)

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and self.pk is not None:
            stored = ProductPack.objects.filter(pk=self.pk).values_list("gtin", flat=True).first()
            if stored not in (None, self.gtin) and Pack.objects.filter(product_pack=self).exists():
                raise ValidationError(_("Packs were received under this GTIN; it cannot change."))
        super().save(*args, **kwargs)


class Lot(models.Model):
    """A manufacturing lot (batch) of one product pack, with its expiry date."""

    product_pack = models.ForeignKey(ProductPack, on_delete=models.PROTECT, related_name="lots")
    number = models.CharField(_("lot number"), max_length=20, validators=[_gs1_text])
    expiry = models.DateField(_("expiry date"))
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["product_pack", "expiry", "number"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["product_pack", "number"], name="one_lot_per_pack")
        ]

    def __str__(self) -> str:
        return str(
            _("%(number)s (expires %(day)s)")
            % {"number": self.number, "day": day_text(self.expiry)}
        )


class Recall(models.Model):
    """A recall of a whole lot, or of one serialised pack, with its reason and source."""

    class Scope(models.TextChoices):
        LOT = "lot", _("Whole lot")
        SERIAL = "serial", _("One pack (serial)")

    product_pack = models.ForeignKey(ProductPack, on_delete=models.PROTECT, related_name="recalls")
    scope = models.CharField(_("recalls"), max_length=10, choices=Scope.choices)
    lot_number = models.CharField(_("lot"), max_length=20, blank=True, validators=[_gs1_text])
    serial = models.CharField(_("serial"), max_length=20, blank=True, validators=[_gs1_text])
    reason = models.TextField(_("reason"))
    recalled_on = models.DateField(_("recall date"))
    source_url = models.URLField(_("source web address"), max_length=500, blank=True)
    source_document = models.CharField(
        _("source document"),
        max_length=300,
        blank=True,
        help_text=_("Title and reference of the letter or notice, when there is no web address."),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now, editable=False)
    imported_from = models.CharField(_("imported from file"), max_length=200, blank=True)

    class Meta:
        ordering = ["-recalled_on", "-id"]
        verbose_name = _("recall")
        verbose_name_plural = _("recalls")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(Q(scope="lot") & ~Q(lot_number="") & Q(serial=""))
                | (Q(scope="serial") & ~Q(serial="")),
                name="recall_names_its_lot_or_serial",
            ),
            models.CheckConstraint(
                condition=~Q(source_url="") | ~Q(source_document=""), name="recall_has_source"
            ),
            models.UniqueConstraint(
                fields=["product_pack", "lot_number"],
                condition=Q(scope="lot"),
                name="one_recall_per_lot",
            ),
            models.UniqueConstraint(
                fields=["product_pack", "serial"],
                condition=Q(scope="serial"),
                name="one_recall_per_serial",
            ),
        ]

    def __str__(self) -> str:
        what = self.lot_number if self.scope == self.Scope.LOT else self.serial
        return f"{self.get_scope_display()} {what} — {self.product_pack}"

    def clean(self) -> None:
        if self.scope == self.Scope.LOT and (not self.lot_number or self.serial):
            raise ValidationError(_("A lot recall names the lot and no serial."))
        if self.scope == self.Scope.SERIAL and not self.serial:
            raise ValidationError(_("A serial recall names the serial."))
        if not self.source_url and not self.source_document:
            raise ValidationError(_("Give the source: a web address or the document."))


class PackState(models.TextChoices):
    RECEIVED = "received", _("Received")
    AVAILABLE = "available", _("Available")
    QUARANTINED = "quarantined", _("Quarantined")
    DISPENSED = "dispensed", _("Dispensed")
    RETURNED = "returned", _("Returned to supplier")
    DESTROYED = "destroyed", _("Destroyed")


#: The only moves a pack can make (DESIGN.md). Dispensed, returned and destroyed are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    PackState.RECEIVED: frozenset({PackState.AVAILABLE, PackState.QUARANTINED}),
    PackState.AVAILABLE: frozenset({PackState.DISPENSED, PackState.RETURNED, PackState.DESTROYED}),
    PackState.QUARANTINED: frozenset({PackState.DESTROYED, PackState.AVAILABLE}),
}
#: Leaving quarantine for the shelf needs a recorded investigation.
NEEDS_INVESTIGATION = frozenset({(PackState.QUARANTINED, PackState.AVAILABLE)})


def _allowed_moves() -> Q:
    allowed = Q(from_state="", to_state=PackState.RECEIVED)
    for from_state, targets in TRANSITIONS.items():
        for to_state in sorted(targets):
            allowed |= Q(from_state=from_state, to_state=to_state)
    return allowed


class PackQuerySet(AppendOnlyQuerySet):
    def _move_state(self, from_state: str, to_state: str) -> int:
        """The one write a pack allows after it is received: a conditional state change."""
        return models.QuerySet.update(self.filter(state=from_state), state=to_state)


class Pack(AppendOnly):
    """One physical pack received by a pharmacy, identified by GTIN and serial."""

    time_field = "received_at"
    #: Only its state moves, each move a chained ``PackMovement``; every other column is fixed.
    changeable_fields = ("state",)

    objects = PackQuerySet.as_manager()

    pharmacy = models.ForeignKey(
        Clinic,
        on_delete=models.PROTECT,
        related_name="packs",
        limit_choices_to={"kind": Clinic.Kind.PHARMACY},
    )
    product_pack = models.ForeignKey(ProductPack, on_delete=models.PROTECT, related_name="stock")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="packs")
    serial = models.CharField(_("serial"), max_length=20, validators=[_gs1_text])
    expiry = models.DateField(_("expiry date"))
    state = models.CharField(
        _("state"), max_length=20, choices=PackState.choices, default=PackState.RECEIVED
    )
    code = models.CharField(_("code as read"), max_length=120)
    order = models.ForeignKey(
        "ImportOrder", null=True, blank=True, on_delete=models.PROTECT, related_name="packs"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("pack")
        verbose_name_plural = _("packs")
        constraints: ClassVar = [
            # A serial is received once per GTIN, ever: a clone cannot become a second pack.
            models.UniqueConstraint(fields=["product_pack", "serial"], name="serial_once_per_gtin"),
            models.CheckConstraint(condition=Q(state__in=PackState.values), name="known_state"),
        ]
        indexes: ClassVar = [
            # The stock list, newest first, whole or in one state: its pages walk these.
            models.Index(fields=["pharmacy", "received_at", "id"], name="pack_stock_order"),
            models.Index(
                fields=["pharmacy", "state", "received_at", "id"], name="pack_stock_state_order"
            ),
        ]

    def __str__(self) -> str:
        if not self.product_pack.gtin:  # an unapproved product: no GS1 code, a pharmacy number
            product = self.product_pack.product
            text = _("%(product)s, batch %(lot)s / %(serial)s (%(state)s) — %(kind)s")
            return text % {
                "product": product.name, "lot": self.lot.number, "serial": self.serial,
                "state": self.get_state_display(), "kind": product.get_approval_display(),
            }  # fmt: skip
        return f"{self.product_pack.gtin} / {self.serial} ({self.get_state_display()})"

    @property
    def is_dispensable(self) -> bool:
        return self.state == PackState.AVAILABLE

    @classmethod
    def verify_more(cls) -> Break | None:
        """Its state is changeable in the database, so check it against its chained moves."""
        last_move = PackMovement.objects.filter(pack=OuterRef("pk")).order_by("-pk")
        wrong = (
            cls._base_manager.annotate(moved_to=Subquery(last_move.values("to_state")[:1]))
            .filter(Q(moved_to__isnull=True) | ~Q(state=F("moved_to")))
            .order_by("pk")
            .values_list("pk", "state", "moved_to")
            .first()
        )
        if wrong is None:
            return None
        pk, state, moved_to = wrong
        return Break(cls._meta.db_table, pk, f"its state {state!r} is not where its last "
                     f"movement took it ({moved_to!r})")  # fmt: skip


class PackMovement(AppendOnly):
    """One move of one pack from a state to another: who, when and why."""

    time_field = "at"

    pack = models.ForeignKey(Pack, on_delete=models.PROTECT, related_name="movements")
    from_state = models.CharField(
        _("from"), max_length=20, choices=PackState.choices, blank=True
    )  # blank: the pack arrived
    to_state = models.CharField(_("to"), max_length=20, choices=PackState.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    reason = models.TextField(_("reason"))
    investigation = models.TextField(_("investigation"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("pack movement")
        verbose_name_plural = _("pack movements")
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(reason=""), name="movement_has_reason"),
            models.CheckConstraint(condition=_allowed_moves(), name="allowed_move"),
            models.CheckConstraint(
                condition=~Q(from_state=PackState.QUARANTINED, to_state=PackState.AVAILABLE)
                | ~Q(investigation=""),
                name="release_from_quarantine_is_investigated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_state or '—'} → {self.to_state} ({self.at:%Y-%m-%d %H:%M})"


# --- import orders, receiving, incidents and dispensing ---------------------------------------


class ImportOrder(models.Model):
    """Packs ordered from abroad against one approved authorisation, with the lots declared."""

    pharmacy = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="import_orders",
        limit_choices_to={"kind": Clinic.Kind.PHARMACY},
    )  # fmt: skip
    authorisation = models.ForeignKey(
        "authorisations.AuthorisationApplication",
        on_delete=models.PROTECT,
        related_name="import_orders",
    )
    product_pack = models.ForeignKey(ProductPack, on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveIntegerField(_("packs ordered"))
    expected_lots = models.JSONField(_("lots declared"), default=list)
    supplier_reference = models.CharField(_("supplier's reference"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(_("receipt closed"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import order")
        verbose_name_plural = _("import orders")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_at_least_one_pack")
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.quantity} × {self.product_pack.gtin}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("an import order cannot be deleted")


class ReceivingSession(models.Model):
    """One sitting of scanning the packs that arrived for an order."""

    order = models.ForeignKey(ImportOrder, on_delete=models.PROTECT, related_name="sessions")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("receiving session")
        verbose_name_plural = _("receiving sessions")

    def __str__(self) -> str:
        return f"{self.order} / {self.opened_at:%Y-%m-%d %H:%M}"


class ScanOutcome(models.TextChoices):
    STOCKED = "stocked", _("Accepted into available stock")
    QUARANTINED = "quarantined", _("Received into quarantine")
    HELD = "held", _("Held apart as a suspected clone (not stocked)")
    NOT_STOCKED = "not_stocked", _("Not stocked")
    DOUBLE_SCAN = "double_scan", _("Double scan (counted once)")
    UNREADABLE = "unreadable", _("Code could not be read")


class Scan(AppendOnly):
    """One code scanned in a receiving session, with every verdict and what came of it."""

    time_field = "at"

    session = models.ForeignKey(ReceivingSession, on_delete=models.PROTECT, related_name="scans")
    text = models.CharField(_("what arrived"), max_length=500, blank=True)
    gtin = models.CharField(max_length=14, blank=True)
    lot_number = models.CharField(max_length=20, blank=True)
    serial = models.CharField(max_length=20, blank=True)
    expiry = models.DateField(null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=20, blank=True)
    checks = models.JSONField(_("checks"), default=list)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ScanOutcome.choices)
    pack = models.ForeignKey(
        Pack, null=True, blank=True, on_delete=models.PROTECT, related_name="scans"
    )
    photo = models.FileField(upload_to="supply/scans/%Y/%m/", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self) -> str:
        return f"{self.gtin}/{self.serial} → {self.outcome}"


class Discrepancy(AppendOnly):
    """What arrived differs from what was ordered: short, over, or the wrong product."""

    time_field = "at"

    class Kind(models.TextChoices):
        SHORT = "short", _("Short: fewer packs than ordered")
        OVER = "over", _("Over: more packs than ordered")
        WRONG_PRODUCT = "wrong_product", _("Wrong product")

    order = models.ForeignKey(ImportOrder, on_delete=models.PROTECT, related_name="discrepancies")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    packs = models.PositiveIntegerField(_("packs"), default=1)
    scan = models.ForeignKey(Scan, null=True, blank=True, on_delete=models.PROTECT)
    note = models.TextField(_("note"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.packs})"


class Incident(AppendOnly):
    """A supply incident for the regulator: a suspected falsified pack, a recalled or expired
    pack at receipt. Holds what the WHO rapid alert and SAHPRA ask for."""

    time_field = "found_at"

    class Kind(models.TextChoices):
        SUSPECTED_FALSIFIED = "suspected_falsified", _("Suspected falsified (cloned serial)")
        RECALLED = "recalled", _("Recalled lot or serial at receipt")
        EXPIRED_AT_RECEIPT = "expired_at_receipt", _("Expired at receipt")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    pharmacy = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="incidents")
    order = models.ForeignKey(
        ImportOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )
    scan = models.OneToOneField(
        Scan, null=True, blank=True, on_delete=models.PROTECT, related_name="incident"
    )
    pack = models.ForeignKey(
        Pack, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents"
    )  # the quarantined pack, when it could be stocked (not for a clone)
    clone_of = models.ForeignKey(
        Pack, null=True, blank=True, on_delete=models.PROTECT, related_name="clones"
    )  # the pack first received with this serial
    product = models.CharField(_("product"), max_length=200)
    gtin = models.CharField(max_length=14)
    lot_number = models.CharField(_("lot"), max_length=20)
    serial = models.CharField(_("serial"), max_length=20)
    expiry = models.DateField(_("expiry date"))
    where_found = models.TextField(_("where found"))
    details = models.TextField(_("details"))
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    found_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name = _("supply incident")
        verbose_name_plural = _("supply incidents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.gtin}/{self.lot_number}/{self.serial}"


#: Dispensing records are kept at least this many years after the authorisation (or the pack)
#: expires, and never deleted (ACCESS.md §1.5 General Regulation 22(4)(a), 5 years from sale;
#: §4 SAHPRA traceability roadmap, identifier records 5 years after expiry).
RETENTION_YEARS = 5


class Dispense(AppendOnly):
    """One pack given to one patient against a prescription and an authorisation (append-only:
    the Section 21 dispensing register)."""

    time_field = "at"

    pack = models.OneToOneField(Pack, on_delete=models.PROTECT, related_name="dispense")
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="dispenses"
    )
    prescription = models.ForeignKey(
        "treatment.Prescription", on_delete=models.PROTECT, related_name="dispenses"
    )
    authorisation = models.ForeignKey(
        "authorisations.AuthorisationApplication",
        on_delete=models.PROTECT,
        related_name="dispenses",
    )
    pharmacy = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="dispenses")
    pharmacist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    grams = models.PositiveSmallIntegerField(_("grams"))
    dispensed_on = models.DateField(_("dispensed on"), db_index=True)
    at = models.DateTimeField(default=timezone.now, editable=False)
    label_override = models.TextField(
        _("label limit passed on the prescriber's justification"), blank=True
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("dispense")
        verbose_name_plural = _("dispenses")

    def __str__(self) -> str:
        return f"{self.pack} → patient {self.patient_id} ({self.dispensed_on})"

    @property
    def retain_until(self) -> date:
        """The earliest day the record could lawfully go (it is never deleted here)."""
        valid_until = getattr(self.authorisation, "valid_until", None) or self.dispensed_on
        last = max(valid_until, self.pack.expiry, self.dispensed_on)
        return _add_years(last, RETENTION_YEARS)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- unapproved (compounded or generic) batches -----------------------------------------------


class UnapprovedBatch(WriteOnce):
    """One batch of an unapproved product received by a pharmacy (its packs carry no GS1 code):
    the maker and its licence as seen on receipt. Its packs are received into quarantine and
    leave it only through a ``BatchRelease``."""

    pharmacy = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="unapproved_batches"
    )
    order = models.ForeignKey(
        ImportOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="batches"
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="unapproved_batches")
    maker = models.CharField(_("maker"), max_length=200)
    maker_licence = models.CharField(_("maker's licence number"), max_length=100)
    packs = models.PositiveSmallIntegerField(_("packs received"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("unapproved batch")
        verbose_name_plural = _("unapproved batches")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["pharmacy", "order", "lot"], name="one_batch_receipt"),
            models.CheckConstraint(condition=Q(packs__gte=1), name="batch_at_least_one_pack"),
            models.CheckConstraint(
                condition=~Q(maker="") & ~Q(maker_licence=""), name="batch_names_maker_licence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lot.product_pack.product.name} batch {self.lot.number}"

    @property
    def product(self) -> Product:
        return self.lot.product_pack.product

    def stock(self) -> models.QuerySet[Pack]:
        """The packs received with this batch."""
        return Pack.objects.filter(pharmacy=self.pharmacy, order=self.order, lot=self.lot)

    def certificate(self) -> CertificateOfAnalysis | None:
        """The latest certificate recorded for the batch (an earlier one may be superseded)."""
        return self.certificates.order_by("-checked_at", "-id").first()

    def release(self) -> BatchRelease | None:
        return BatchRelease.objects.filter(batch=self).first()


#: What a certificate must state for ruxolitinib cream as approved (FDA NDC 50881-007).
CERTIFIED_STRENGTH = "1.5 %"


class CertificateOfAnalysis(WriteOnce):
    """The maker's certificate of analysis for a batch (a PDF or an image, judged by its bytes)
    and what the pharmacist read on it: product, batch, strength, expiry, and whether the results
    for identity, assay and impurities are within the stated specification."""

    batch = models.ForeignKey(
        UnapprovedBatch, on_delete=models.PROTECT, related_name="certificates"
    )
    file = models.FileField(upload_to="supply/certificates/%Y/%m/")
    content_type = models.CharField(max_length=60)
    original_name = models.CharField(max_length=200, blank=True)
    product_name = models.CharField(_("product named on the certificate"), max_length=200)
    batch_number = models.CharField(_("batch on the certificate"), max_length=20)
    strength = models.CharField(_("strength on the certificate"), max_length=20)
    expiry = models.DateField(_("expiry on the certificate"))
    results_conform = models.BooleanField(
        _("identity, assay and impurities within specification"), default=False
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-checked_at", "-id"]
        verbose_name = _("certificate of analysis")
        verbose_name_plural = _("certificates of analysis")
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(results_conform=True), name="certificate_conforms"),
        ]

    def __str__(self) -> str:
        return f"CoA {self.batch_number} ({self.checked_at:%Y-%m-%d})"


class BatchRelease(WriteOnce):
    """A pharmacist's release of an unapproved batch from quarantine, with the checklist ticked."""

    batch = models.OneToOneField(UnapprovedBatch, on_delete=models.PROTECT, related_name="+")
    certificate = models.ForeignKey(
        CertificateOfAnalysis, on_delete=models.PROTECT, related_name="+"
    )
    checklist = models.JSONField(_("checklist"), default=list)
    note = models.TextField(_("note"), blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    released_at = models.DateTimeField(_("released"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-released_at", "-id"]
        verbose_name = _("batch release")
        verbose_name_plural = _("batch releases")

    def __str__(self) -> str:
        return f"{self.batch} released {self.released_at:%Y-%m-%d}"
