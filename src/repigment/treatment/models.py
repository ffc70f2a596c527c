"""Products, prescriptions checked against the label, co-medications and the adherence diary.

A prescription keeps what the label check said when it was saved (the findings, the
acknowledgements of each caution and the justification for anything outside the label), so
that what the prescriber was shown can always be read back, even after the rules change.
The treated area is stored region by region; the total is recomputed from the regions on
every save, never typed.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from repigment.clinical.references import REFERENCES
from repigment.patients.models import Patient


class ProductForm(models.TextChoices):
    CREAM = "cream", _("Cream")
    OINTMENT = "ointment", _("Ointment")
    PHOTOTHERAPY = "phototherapy", _("Phototherapy sessions")
    ORAL = "oral", _("Oral medicine")
    OTHER = "other", _("Other")


class Product(models.Model):
    """A treatment that can be prescribed; only ruxolitinib-label products get the label check."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    form = models.CharField(_("form"), max_length=20, choices=ProductForm.choices)
    strength = models.CharField(_("strength"), max_length=40, blank=True)
    subject_to_ruxolitinib_label = models.BooleanField(
        _("subject to the ruxolitinib cream label"),
        default=False,
        help_text=_(
            "Prescriptions of this product get the label check (FDA or EMA) and the "
            "quantity estimate by treated area."
        ),
    )
    active = models.BooleanField(_("can be prescribed"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering: ClassVar = ["-subject_to_ruxolitinib_label", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return f"{self.name} {self.strength}".strip()


def _known_reference(value: str) -> None:
    if value not in REFERENCES:
        raise ValidationError(_("%(id)s is not in the reference list."), params={"id": value})


class ProductFact(models.Model):
    """One statement about a product, shown with the source it comes from."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="facts")
    text = models.CharField(_("fact"), max_length=300)
    reference_id = models.CharField(
        _("reference"),
        max_length=80,
        validators=[_known_reference],
        help_text=_("The id of a source in the reference list (repigment.clinical.references)."),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["product", "position", "pk"]
        verbose_name = _("product fact")
        verbose_name_plural = _("product facts")

    def __str__(self) -> str:
        return self.text

    @property
    def reference(self) -> Any:
        return REFERENCES.get(self.reference_id)


class BodyRegion(models.TextChoices):
    """Where the cream goes; the same regions as the VASI scoring."""

    FACE = "face", _("Face")
    HEAD_NECK = "head_neck", _("Head and neck")
    HANDS = "hands", _("Hands")
    UPPER_LIMBS = "upper_limbs", _("Upper limbs")
    TRUNK = "trunk", _("Trunk")
    LOWER_LIMBS = "lower_limbs", _("Lower limbs")
    FEET = "feet", _("Feet")


class Frequency(models.TextChoices):
    TWICE_DAILY = "twice_daily", _("Twice daily")
    ONCE_DAILY = "once_daily", _("Once daily")
    THREE_TIMES_WEEKLY = "three_weekly", _("Three times a week")
    TWICE_WEEKLY = "twice_weekly", _("Twice a week")
    OTHER = "other", _("Other (see notes)")


class Jurisdiction(models.TextChoices):
    """Whose label applies: the EU SmPC (EMA) or the US prescribing information (FDA)."""

    EMA = "EMA", _("EU (EMA summary of product characteristics)")
    FDA = "FDA", _("US (FDA prescribing information)")


class TubeSize(models.IntegerChoices):
    G60 = 60, _("60 g")
    G100 = 100, _("100 g")


class LabelLevel(models.TextChoices):
    OK = "ok", _("Within the label")
    CAUTION = "caution", _("Caution")
    OUTSIDE_LABEL = "outside_label", _("Outside the label")


class StopReason(models.TextChoices):
    COMPLETED = "completed", _("Planned course completed")
    SATISFACTORY = "satisfactory", _("Satisfactory repigmentation")
    NO_RESPONSE = "no_response", _("Not enough response")
    ADVERSE_EVENT = "adverse_event", _("Adverse event")
    PREGNANCY = "pregnancy", _("Pregnancy or breastfeeding")
    PATIENT_CHOICE = "patient_choice", _("Patient's choice")
    SUPPLY = "supply", _("No supply")
    REPLACED = "replaced", _("Replaced by a new prescription")
    OTHER = "other", _("Other")


class PrescriptionQuerySet(models.QuerySet["Prescription"]):
    def ruxolitinib(self) -> PrescriptionQuerySet:
        return self.filter(product__subject_to_ruxolitinib_label=True)

    def active_on(self, day: date) -> PrescriptionQuerySet:
        """Started on or before ``day`` and not stopped before it."""
        return self.filter(start_date__lte=day).filter(
            Q(stop_date__isnull=True) | Q(stop_date__gte=day)
        )


class Prescription(models.Model):
    """One treatment course as prescribed, with the label check it passed through."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="prescriptions")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="prescriptions")
    # [{"region": "face", "bsa_percent": "2.5"}, ...]; the total below is their sum.
    treated_areas = models.JSONField(_("treated areas"), default=list)
    treated_bsa_percent = models.DecimalField(
        _("treated body surface area (%)"), max_digits=5, decimal_places=2, editable=False
    )
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.TWICE_DAILY
    )
    start_date = models.DateField(_("start date"))
    planned_weeks = models.PositiveSmallIntegerField(_("planned duration (weeks)"))
    tube_grams = models.PositiveSmallIntegerField(
        _("tube size"), choices=TubeSize.choices, null=True, blank=True
    )
    jurisdiction = models.CharField(
        _("label applied"), max_length=3, choices=Jurisdiction.choices, blank=True
    )
    # The answers given on the form for the label check (not stored elsewhere in the record).
    pregnant = models.BooleanField(_("pregnant"), default=False)
    breastfeeding = models.BooleanField(_("breastfeeding"), default=False)
    active_serious_infection = models.BooleanField(_("active serious infection"), default=False)
    # The quantity estimate (clinical.quantity) for label products.
    grams_per_week = models.DecimalField(
        _("grams per week"), max_digits=9, decimal_places=3, null=True, blank=True
    )
    grams_total = models.DecimalField(
        _("grams for the planned course"), max_digits=10, decimal_places=3, null=True, blank=True
    )
    tubes = models.PositiveIntegerField(_("tubes for the planned course"), null=True, blank=True)
    # What the label check said when the prescription was saved.
    label_input = models.JSONField(_("label check input"), default=dict, blank=True)
    label_overall = models.CharField(
        _("label check"), max_length=20, choices=LabelLevel.choices, blank=True
    )
    label_findings = models.JSONField(_("label findings"), default=list, blank=True)
    acknowledged = models.JSONField(_("acknowledged cautions"), default=list, blank=True)
    justification = models.TextField(_("justification for use outside the label"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    stop_date = models.DateField(_("stopped on"), null=True, blank=True)
    stop_reason = models.CharField(
        _("reason for stopping"), max_length=20, choices=StopReason.choices, blank=True
    )
    stop_note = models.TextField(_("note on stopping"), blank=True)
    prescriber = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prescriber"),
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = PrescriptionQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-start_date", "-pk"]
        verbose_name = _("prescription")
        verbose_name_plural = _("prescriptions")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(stop_date__isnull=True) | Q(stop_date__gte=models.F("start_date")),
                name="prescription_stops_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(label_overall="outside_label") | ~Q(justification=""),
                name="outside_label_needs_justification",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} from {self.start_date} for patient {self.patient_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.treated_bsa_percent = self.total_bsa()
        super().save(*args, **kwargs)

    def total_bsa(self) -> Decimal:
        return sum((Decimal(str(a["bsa_percent"])) for a in self.treated_areas), Decimal(0))

    @property
    def planned_end(self) -> date:
        """The last day of the planned course."""
        return self.start_date + timedelta(weeks=self.planned_weeks, days=-1)

    @property
    def is_stopped(self) -> bool:
        return self.stop_date is not None

    @property
    def is_outside_label(self) -> bool:
        return self.label_overall == LabelLevel.OUTSIDE_LABEL

    def area_rows(self) -> list[tuple[str, Decimal]]:
        """(region label, BSA %) for display."""
        labels = dict(BodyRegion.choices)
        return [
            (str(labels.get(a["region"], a["region"])), Decimal(str(a["bsa_percent"])))
            for a in self.treated_areas
        ]


class ApplicationSite(models.TextChoices):
    """Where a topical co-medication goes (the EU label asks); values of clinical.label."""

    SAME_SKIN = "same_skin", _("On the skin treated with the cream")
    OTHER_SKIN = "other_skin", _("Elsewhere, not on the treated skin")


class CoMedication(models.Model):
    """Another medicine the patient takes; it feeds the label check."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="co_medications")
    name = models.CharField(
        _("medicine"),
        max_length=120,
        help_text=_("Generic name, and the form when it matters: “tacrolimus (topical)”."),
    )
    start_date = models.DateField(_("started on"), null=True, blank=True)
    stop_date = models.DateField(_("stopped on"), null=True, blank=True)
    notes = models.CharField(_("dose or notes"), max_length=200, blank=True)
    applied_to = models.CharField(
        _("where it is applied"),
        max_length=12,
        choices=ApplicationSite.choices,
        blank=True,
        help_text=_("For creams and ointments: on the skin treated with the cream, or elsewhere."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["name", "start_date", "pk"]
        verbose_name = _("co-medication")
        verbose_name_plural = _("co-medications")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(stop_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(stop_date__gte=models.F("start_date")),
                name="co_medication_stops_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def overlaps(self, first: date, last: date) -> bool:
        """Taken at any time between ``first`` and ``last`` (both included)."""
        started = self.start_date is None or self.start_date <= last
        running = self.stop_date is None or self.stop_date >= first
        return started and running


class SkipReason(models.TextChoices):
    FORGOT = "forgot", _("Forgot")
    IRRITATION = "irritation", _("Skin irritation")
    RAN_OUT = "ran_out", _("Ran out of cream")
    AWAY = "away", _("Away from home")
    UNWELL = "unwell", _("Felt unwell")
    OTHER = "other", _("Another reason")


class DiaryEntry(models.Model):
    """One day of the patient's own record of applying the cream."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="diary_entries")
    day = models.DateField(_("day"))
    morning = models.BooleanField(_("applied in the morning"), default=False)
    evening = models.BooleanField(_("applied in the evening"), default=False)
    tube_changed = models.BooleanField(_("started a new tube"), default=False)
    skipped = models.BooleanField(_("skipped the day"), default=False)
    skip_reason = models.CharField(
        _("why skipped"), max_length=20, choices=SkipReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-day"]
        verbose_name = _("diary entry")
        verbose_name_plural = _("diary entries")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["patient", "day"], name="one_diary_entry_a_day"),
            models.CheckConstraint(
                condition=Q(skipped=False) | Q(morning=False, evening=False),
                name="skipped_day_has_no_application",
            ),
        ]

    def __str__(self) -> str:
        return f"diary {self.day} of patient {self.patient_id}"

    @property
    def applications(self) -> int:
        return int(self.morning) + int(self.evening)


# --- the monitoring plan (issue 16): TB screening, skin examinations, class-warnings review ---


class TbTest(models.TextChoices):
    IGRA = "igra", _("Interferon-gamma release assay (IGRA)")
    SKIN_TEST = "tst", _("Tuberculin skin test")
    CHEST_XRAY = "chest_xray", _("Chest X-ray")
    OTHER = "other", _("Other test")


class TbResult(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")
    INDETERMINATE = "indeterminate", _("Indeterminate")


class LatentTbTreatment(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    STARTED = "started", _("Started")
    COMPLETED = "completed", _("Completed")
    NOT_GIVEN = "not_given", _("Needed but not given")


class TbScreening(models.Model):
    """A tuberculosis screening: the US label asks to consider one before starting."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="tb_screenings")
    test = models.CharField(_("test"), max_length=12, choices=TbTest.choices)
    tested_on = models.DateField(_("tested on"))
    result = models.CharField(_("result"), max_length=14, choices=TbResult.choices)
    latent_treatment = models.CharField(
        _("treatment of latent TB"), max_length=12, choices=LatentTbTreatment.choices
    )
    next_due = models.DateField(
        _("next screening due"),
        null=True,
        blank=True,
        help_text=_("Leave empty when no further screening is planned."),
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["-tested_on", "-pk"]
        verbose_name = _("tuberculosis screening")
        verbose_name_plural = _("tuberculosis screenings")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(next_due__isnull=True) | Q(next_due__gt=models.F("tested_on")),
                name="tb_screening_next_after_test",
                violation_error_message=_("The next screening must come after this one."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_test_display()} {self.tested_on}: {self.get_result_display()}"


class SkinFinding(models.TextChoices):
    NOTHING = "nothing_suspicious", _("Nothing suspicious")
    SUSPICIOUS = "suspicious", _("Suspicious lesion: referred or biopsied")
    SKIN_CANCER = "skin_cancer", _("Skin cancer found")


class SkinExam(models.Model):
    """A skin examination (the EU label recommends them periodically) and the next one's day."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="skin_exams")
    examined_on = models.DateField(_("examined on"))
    finding = models.CharField(_("finding"), max_length=20, choices=SkinFinding.choices)
    finding_note = models.CharField(_("what was found"), max_length=300, blank=True)
    next_due = models.DateField(_("next examination due"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["-examined_on", "-pk"]
        verbose_name = _("skin examination")
        verbose_name_plural = _("skin examinations")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(next_due__gt=models.F("examined_on")),
                name="skin_exam_next_after_exam",
                violation_error_message=_("The next examination must come after this one."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.examined_on}: {self.get_finding_display()}"


class RiskFactor(models.TextChoices):
    """The codes of clinical.monitoring.RISK_FACTORS, with their words."""

    CARDIOVASCULAR = "cardiovascular", _("Cardiovascular risk factor")
    SMOKER = "smoker", _("Current or past smoker")
    MALIGNANCY = "malignancy", _("Known or earlier cancer")
    PRIOR_SKIN_CANCER = "prior_skin_cancer", _("Earlier skin cancer")
    PRIOR_PHOTOTHERAPY = "prior_phototherapy", _("Earlier phototherapy")
    THROMBOSIS = "thrombosis", _("Earlier thrombosis")
    CHRONIC_INFECTION = "chronic_infection", _("Chronic or recurrent infection")


class WarningsReview(models.Model):
    """The class-warnings checklist gone through at a patient's first prescription."""

    prescription = models.OneToOneField(
        Prescription, on_delete=models.PROTECT, related_name="warnings_review"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="warnings_reviews")
    age_years = models.PositiveSmallIntegerField(_("age at the review"))
    risk_factors = models.JSONField(_("risk factors"), default=list, blank=True)
    warnings_that_apply = models.JSONField(_("warnings that apply"), default=list, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["-created", "-pk"]
        verbose_name = _("class-warnings review")
        verbose_name_plural = _("class-warnings reviews")

    def __str__(self) -> str:
        return f"{self.patient_id} {self.created:%Y-%m-%d}"

    def risk_factor_labels(self) -> list[str]:
        return [str(RiskFactor(code).label) for code in self.risk_factors]


_CURRENCY = RegexValidator(r"^[A-Z]{3}$", _("Three capital letters (ISO 4217), e.g. ZAR or USD."))


class TubePrice(models.Model):
    """A price per tube that a clinic may quote to patients, with where it comes from.

    Rows are never edited: a new price is a new row, and the latest for a tube size counts.
    Only prices with a source are kept at all, so only sourced prices are ever shown.
    """

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="tube_prices"
    )
    tube_grams = models.PositiveSmallIntegerField(_("tube size"), choices=TubeSize.choices)
    amount = models.DecimalField(_("price per tube"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, validators=[_CURRENCY])
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Who gave this price, e.g. “Quote from Example Pharmacy, ref. Q-118”."),
    )
    source_url = models.URLField(_("address of the source"), blank=True)
    priced_on = models.DateField(_("price given on"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-priced_on", "-pk"]
        verbose_name = _("tube price")
        verbose_name_plural = _("tube prices")
        indexes = [models.Index(fields=["clinic", "tube_grams", "-priced_on", "-id"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tube_price_positive"),
        ]


class ExchangeRate(models.Model):
    """A rate a clinic administrator entered: one ``from_currency`` buys ``rate`` of the other."""

    clinic = models.ForeignKey(
        "accounts.Clinic", on_delete=models.PROTECT, related_name="exchange_rates"
    )
    from_currency = models.CharField(_("from"), max_length=3, validators=[_CURRENCY])
    to_currency = models.CharField(_("to"), max_length=3, validators=[_CURRENCY])
    rate = models.DecimalField(_("rate"), max_digits=14, decimal_places=6)
    as_of = models.DateField(_("rate of the day"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-as_of", "-pk"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        indexes = [models.Index(fields=["clinic", "from_currency", "-as_of", "-id"])]
        constraints = [
            models.CheckConstraint(condition=Q(rate__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=~Q(from_currency=models.F("to_currency")),
                name="exchange_rate_two_currencies",
            ),
        ]
