"""Visits with their region-by-region VASI entries, their version history, photos and VNS.

A visit's F-VASI and T-VASI totals are stored for lists and queries, but they are never
typed in: every save of a visit or of one of its entries recomputes them from the entries
with :mod:`repigment.clinical.scoring`, so a stored total cannot drift from its rows.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.clinical.scoring import (
    DEPIGMENTATION_LADDER,
    FVASI_REGIONS,
    TVASI_REGIONS,
    VasiEntry,
    VasiScore,
    score_fvasi,
    score_tvasi,
)
from repigment.patients.models import Patient


class Instrument(models.TextChoices):
    FVASI = "F-VASI", "F-VASI"
    TVASI = "T-VASI", "T-VASI"


REGION_LABELS = {
    "face": _("Face"),
    "head_neck": _("Head and neck"),
    "hands": _("Hands"),
    "upper_limbs": _("Upper limbs"),
    "trunk": _("Trunk"),
    "lower_limbs": _("Lower limbs"),
    "feet": _("Feet"),
}
REGIONS: dict[str, tuple[str, ...]] = {
    Instrument.FVASI: FVASI_REGIONS,
    Instrument.TVASI: TVASI_REGIONS,
}
REGION_CHOICES = [(region, REGION_LABELS[region]) for region in (*FVASI_REGIONS, *TVASI_REGIONS)]

# The ladder's wording (Hamzavi 2004, as given by the usdermed VASI tool).
LADDER_LABELS = {
    0: _("0 % — no depigmentation"),
    10: _("10 % — only specks of depigmentation"),
    25: _("25 % — pigmented area larger than depigmented"),
    50: _("50 % — pigmented and depigmented equal"),
    75: _("75 % — depigmented area larger than pigmented"),
    90: _("90 % — specks of pigment"),
    100: _("100 % — no pigment"),
}
LADDER_CHOICES = [(grade, LADDER_LABELS[grade]) for grade in DEPIGMENTATION_LADDER]


class Noticeability(models.IntegerChoices):
    """The Vitiligo Noticeability Scale (Batchelor et al., BJD 2016), asked about the face."""

    MORE = 1, _("1 — more noticeable")
    AS = 2, _("2 — as noticeable")
    SLIGHTLY_LESS = 3, _("3 — slightly less noticeable")
    A_LOT_LESS = 4, _("4 — a lot less noticeable")
    NO_LONGER = 5, _("5 — no longer noticeable")


class Visit(models.Model):
    """One assessment of one patient on one day."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="visits")
    visit_date = models.DateField(_("visit date"))
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("assessor"),
    )
    fvasi_scored = models.BooleanField(_("F-VASI scored at this visit"), default=True)
    tvasi_scored = models.BooleanField(_("T-VASI scored at this visit"), default=True)
    fvasi_total = models.DecimalField(max_digits=8, decimal_places=4, null=True, editable=False)
    tvasi_total = models.DecimalField(max_digits=8, decimal_places=4, null=True, editable=False)
    affected_bsa_percent = models.DecimalField(
        _("affected body surface area (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    facial_bsa_percent = models.DecimalField(
        _("facial body surface area (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    vns = models.PositiveSmallIntegerField(
        _("Vitiligo Noticeability Scale (face)"),
        choices=Noticeability.choices,
        null=True,
        blank=True,
    )
    notes = models.TextField(_("clinical notes"), blank=True)
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["visit_date", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["patient", "visit_date"], name="one_visit_a_day")
        ]

    def __str__(self) -> str:
        return f"visit {self.visit_date} of patient {self.patient_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Recompute both totals from the stored entries, whatever was set on the instance."""
        if self.pk is not None:
            self.fvasi_total, self.tvasi_total = self.totals_from_entries()
        else:
            self.fvasi_total = Decimal(0) if self.fvasi_scored else None
            self.tvasi_total = Decimal(0) if self.tvasi_scored else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "fvasi_total", "tvasi_total", "updated"}
        super().save(*args, **kwargs)

    def totals_from_entries(self) -> tuple[Decimal | None, Decimal | None]:
        """(F-VASI, T-VASI) from this visit's rows; None for an instrument not scored."""
        face, body = self.vasi_scores()
        return (face.score if face else None, body.score if body else None)

    def vasi_scores(self) -> tuple[VasiScore | None, VasiScore | None]:
        """Both scores with their region subtotals, computed from the stored rows."""
        rows = list(ScoreEntry.objects.filter(visit_id=self.pk))
        face = [row.as_vasi_entry() for row in rows if row.instrument == Instrument.FVASI]
        body = [row.as_vasi_entry() for row in rows if row.instrument == Instrument.TVASI]
        return (
            score_fvasi(face) if self.fvasi_scored else None,
            score_tvasi(body) if self.tvasi_scored else None,
        )

    def score(self, instrument: str) -> Decimal | None:
        return self.fvasi_total if instrument == Instrument.FVASI else self.tvasi_total


class ScoreEntry(models.Model):
    """One area of one region: hand units covered and residual depigmentation on the ladder."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="entries")
    instrument = models.CharField(max_length=6, choices=Instrument.choices)
    region = models.CharField(max_length=20, choices=REGION_CHOICES)
    hand_units = models.DecimalField(_("hand units"), max_digits=5, decimal_places=2)
    depigmentation = models.PositiveSmallIntegerField(_("depigmentation"), choices=LADDER_CHOICES)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["visit", "instrument", "region", "position", "pk"]
        verbose_name_plural = _("score entries")

    def __str__(self) -> str:
        return f"{self.instrument} {self.region} {self.hand_units} HU at {self.depigmentation} %"

    def as_vasi_entry(self) -> VasiEntry:
        return VasiEntry(self.region, Decimal(self.hand_units), int(self.depigmentation))

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        Visit.objects.get(pk=self.visit_id).save(update_fields=["fvasi_total", "tvasi_total"])

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        visit_id = self.visit_id
        result = super().delete(*args, **kwargs)
        Visit.objects.get(pk=visit_id).save(update_fields=["fvasi_total", "tvasi_total"])
        return result


class VisitVersion(models.Model):
    """The visit as saved, each time it was saved: who, when and what it then said."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    saved_at = models.DateTimeField(default=timezone.now)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField()

    class Meta:
        ordering = ["visit", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["visit", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"version {self.number} of visit {self.visit_id}"


class BodySite(models.TextChoices):
    FACE = "face", _("Face")
    HEAD_NECK = "head_neck", _("Head and neck")
    HANDS = "hands", _("Hands")
    UPPER_LIMBS = "upper_limbs", _("Upper limbs")
    TRUNK = "trunk", _("Trunk")
    LOWER_LIMBS = "lower_limbs", _("Lower limbs")
    FEET = "feet", _("Feet")


class Lighting(models.TextChoices):
    DAYLIGHT = "daylight", _("Daylight")
    WOODS_LAMP = "woods_lamp", _("Wood's lamp")


def _photo_path(instance: Photo, filename: str) -> str:
    return f"photos/{instance.visit.patient_id}/{filename}"


class Photo(models.Model):
    """A clinical photograph, stored without metadata, with a thumbnail."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="photos")
    body_site = models.CharField(_("body site"), max_length=20, choices=BodySite.choices)
    site_detail = models.CharField(
        _("where exactly"),
        max_length=100,
        blank=True,
        help_text=_("For example: left hand, back; or right cheek."),
    )
    lighting = models.CharField(_("lighting"), max_length=20, choices=Lighting.choices)
    image = models.FileField(upload_to=_photo_path, max_length=200)
    thumbnail = models.FileField(upload_to=_photo_path, max_length=200)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    source_format = models.CharField(max_length=10)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["visit__visit_date", "body_site", "pk"]

    def __str__(self) -> str:
        return f"photo {self.pk} ({self.body_site}, {self.lighting})"

    @staticmethod
    def new_name(extension: str) -> str:
        return f"{uuid.uuid4().hex}.{extension}"
