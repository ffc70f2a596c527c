"""Prescribing within the label, co-medications and the adherence diary.

Pages and the API both build a :class:`PrescriptionInput` and call
:func:`create_prescription`, which runs the label check itself (it never trusts findings,
acknowledgements or a level sent by the client) and refuses to save while a caution is not
acknowledged or a finding outside the label has no written justification. The rules are
:mod:`repigment.clinical.label` and :mod:`repigment.clinical.quantity`; this module gathers
the patient's data for them and keeps what they said with the prescription.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, User
from repigment.clinical.errors import ClinicalInputError
from repigment.clinical.label import RULES, LabelInput, Level, check_label
from repigment.clinical.quantity import QuantityEstimate, estimate_quantity
from repigment.clinical.references import REFERENCES, Reference
from repigment.core.plausibility import implausible_percent
from repigment.core.templatetags.dates import day_text
from repigment.patients.models import ConsentPurpose, Patient, VitiligoType
from repigment.patients.services import require_consent
from repigment.treatment import monitoring
from repigment.treatment.models import (
    ApplicationSite,
    BodyRegion,
    CoMedication,
    DiaryEntry,
    Frequency,
    Jurisdiction,
    LabelLevel,
    Prescription,
    Product,
    SkipReason,
    StopReason,
    TubeSize,
)

MAX_WEEKS = 520  # ten years: a guard against typing errors, as in clinical.quantity
MAX_DAYS_AHEAD = 366  # a prescription may be written before the cream arrives (import)
MIN_JUSTIFICATION = 10  # characters: a sentence, not a tick
DEFAULT_WEEKS = 24

_VITILIGO_TYPES = {
    VitiligoType.NON_SEGMENTAL: "non-segmental",
    VitiligoType.SEGMENTAL: "segmental",
    VitiligoType.MIXED: "mixed",
    VitiligoType.UNCLASSIFIED: "unclassified",
}


class Invalid(Exception):
    """Nothing was saved; ``fields`` maps a field name to its messages (``__all__`` for all)."""

    def __init__(self, fields: dict[str, list[str]], review: LabelReview | None = None) -> None:
        super().__init__("; ".join(m for messages in fields.values() for m in messages))
        self.fields = fields
        self.review = review


def _audit(
    request: HttpRequest | None,
    action: str,
    patient: Patient,
    object_type: str,
    object_id: object = "",
    *,
    role: str = "",
    actor: User | None = None,
) -> None:
    audit.record(
        request,
        action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient.pk,
        clinic=patient.clinic,
        role=role,
        actor=actor,
    )


def today() -> date:
    return timezone.localdate()


# --- the label check -----------------------------------------------------------------------


@dataclass(frozen=True)
class AreaInput:
    region: str
    bsa_percent: Decimal


@dataclass
class PrescriptionInput:
    product: Product
    start_date: date
    planned_weeks: int
    areas: list[AreaInput] = field(default_factory=list)
    frequency: str = Frequency.TWICE_DAILY
    tube_grams: int | None = None
    jurisdiction: str = ""
    pregnant: bool = False
    breastfeeding: bool = False
    active_serious_infection: bool = False
    occlusive_dressing: bool = False
    hypersensitivity: bool = False
    end_stage_renal_disease: bool = False
    childbearing_potential: bool = False
    # The class-warnings checklist, asked at the first ruxolitinib-label prescription.
    warnings_reviewed: bool = False
    risk_factors: frozenset[str] = frozenset()
    acknowledged: frozenset[str] = frozenset()
    justification: str = ""
    notes: str = ""
    #: The prescriber says this course replaces the patient's current one, which then stops.
    replaces_current: bool = False

    @property
    def total_bsa(self) -> Decimal:
        return sum((area.bsa_percent for area in self.areas), Decimal(0))

    @property
    def planned_end(self) -> date:
        return self.start_date + timedelta(weeks=self.planned_weeks, days=-1)


@dataclass(frozen=True)
class ShownFinding:
    """A finding as the prescriber sees it: its key (for acknowledging), level and source."""

    key: str
    rule: str
    level: str
    reason: str
    reference_id: str
    message: str = ""  # the reason's untranslated message, with %(name)s placeholders
    params: dict[str, str] = field(default_factory=dict)

    @property
    def shown_reason(self) -> str:
        """The reason in the reader's language (the stored English one for older rows)."""
        if not self.message:
            return self.reason
        try:
            return gettext(self.message) % self.params
        except (KeyError, ValueError, TypeError):
            return self.reason

    @property
    def reference(self) -> Reference | None:
        return REFERENCES.get(self.reference_id)

    @property
    def level_label(self) -> str:
        return str(LabelLevel(self.level).label)

    def as_json(self) -> dict[str, str]:
        return {
            "key": self.key,
            "rule": self.rule,
            "level": self.level,
            "reason": self.reason,
            "reference": self.reference_id,
            "message": self.message,
            "params": dict(self.params),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ShownFinding:
        return cls(
            data["key"],
            data["rule"],
            data["level"],
            data["reason"],
            data["reference"],
            data.get("message", ""),
            dict(data.get("params", {})),
        )


@dataclass(frozen=True)
class LabelReview:
    """What the label says about this planned treatment, or why it could not be checked."""

    jurisdiction: str
    overall: str
    findings: list[ShownFinding]
    label_input: dict[str, Any]
    co_medications: list[str]

    @property
    def cautions(self) -> list[ShownFinding]:
        return [f for f in self.findings if f.level == Level.CAUTION]

    @property
    def outside(self) -> list[ShownFinding]:
        return [f for f in self.findings if f.level == Level.OUTSIDE_LABEL]

    def unacknowledged(self, acknowledged: Iterable[str]) -> list[ShownFinding]:
        given = set(acknowledged)
        return [f for f in self.cautions if f.key not in given]

    @property
    def needs_justification(self) -> bool:
        return bool(self.outside)


def finding_key(rule: str, reason: str) -> str:
    """Stable for the same finding: a changed reason (other input) needs a new acknowledgement."""
    digest = hashlib.sha256(reason.encode("utf-8")).hexdigest()[:10]
    return f"{rule}:{digest}"


def current_co_medications(patient: Patient, first: date, last: date) -> list[CoMedication]:
    """Co-medications taken at any time during the planned course (both days included)."""
    rows = patient.co_medications.all()
    return [row for row in rows if row.overlaps(first, last)]


def label_input_for(patient: Patient, data: PrescriptionInput, grams: Decimal | None) -> LabelInput:
    """The patient's data for the check; raises Invalid when something it needs is missing."""
    diagnosis = patient.current_diagnosis()
    if diagnosis is None:
        raise Invalid(
            {
                "__all__": [
                    _(
                        "Record the diagnosis first: the vitiligo type and facial involvement "
                        "are part of the label check."
                    )
                ]
            }
        )
    rows = current_co_medications(patient, data.start_date, data.planned_end)
    names = [row.name for row in rows]
    sites = {row.name: row.applied_to for row in rows if row.applied_to}
    try:
        return LabelInput(
            jurisdiction=data.jurisdiction,
            age_years=patient.age_on(data.start_date),
            vitiligo_type=_VITILIGO_TYPES[VitiligoType(diagnosis.vitiligo_type)],
            facial_involvement=diagnosis.facial_involvement,
            treated_bsa_percent=data.total_bsa,
            pregnant=data.pregnant,
            breastfeeding=data.breastfeeding,
            active_serious_infection=data.active_serious_infection,
            co_medications=tuple(names),
            grams_per_week=grams,
            tube_grams=data.tube_grams,
            occlusive_dressing=data.occlusive_dressing,
            hypersensitivity=data.hypersensitivity,
            end_stage_renal_disease=data.end_stage_renal_disease,
            childbearing_potential=data.childbearing_potential,
            co_medication_sites=sites,
            tb_screening_recorded=patient.tb_screenings.exists(),
        )
    except ClinicalInputError as error:
        raise Invalid({"__all__": [str(error)]}) from None


def review_label(patient: Patient, data: PrescriptionInput) -> LabelReview:
    """Run the label check for a prescription of a label product (validated input)."""
    estimate = quantity_for(data)
    grams = estimate.grams_per_week if estimate else None
    checked = label_input_for(patient, data, grams)
    result = check_label(checked)
    findings = [
        ShownFinding(
            finding_key(f.rule, f.reason),
            f.rule,
            str(f.level),
            f.reason,
            f.reference,
            f.message,
            dict(f.params),
        )
        for f in result.findings
    ]
    return LabelReview(
        jurisdiction=result.jurisdiction,
        overall=str(result.overall),
        findings=findings,
        label_input=_label_input_json(checked),
        co_medications=list(checked.co_medications),
    )


def _label_input_json(data: LabelInput) -> dict[str, Any]:
    return {
        "jurisdiction": data.jurisdiction,
        "age_years": data.age_years,
        "vitiligo_type": data.vitiligo_type,
        "facial_involvement": data.facial_involvement,
        "treated_bsa_percent": str(data.treated_bsa_percent),
        "pregnant": data.pregnant,
        "breastfeeding": data.breastfeeding,
        "active_serious_infection": data.active_serious_infection,
        "co_medications": list(data.co_medications),
        "grams_per_week": None if data.grams_per_week is None else str(data.grams_per_week),
        "tube_grams": data.tube_grams,
        "occlusive_dressing": data.occlusive_dressing,
        "hypersensitivity": data.hypersensitivity,
        "end_stage_renal_disease": data.end_stage_renal_disease,
        "childbearing_potential": data.childbearing_potential,
        "co_medication_sites": dict(data.co_medication_sites),
        "tb_screening_recorded": data.tb_screening_recorded,
    }


def quantity_for(data: PrescriptionInput) -> QuantityEstimate | None:
    """The fingertip-unit estimate, when area, weeks and tube size allow one."""
    if not data.product.subject_to_ruxolitinib_label or data.tube_grams is None:
        return None
    try:
        return estimate_quantity(data.total_bsa, data.planned_weeks, data.tube_grams)
    except ClinicalInputError:
        return None


# --- checking the input ----------------------------------------------------------------------


def check_input(patient: Patient, data: PrescriptionInput) -> dict[str, list[str]]:
    """Every problem with the typed values, by field (an empty dict when all is well)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not data.product.active:
        add("product", _("This product can no longer be prescribed."))
    _check_dates(patient, data, add)
    _check_areas(patient, data, add)
    if data.product.subject_to_ruxolitinib_label:
        _check_label_product(data, add)
    return errors


def _check_dates(patient: Patient, data: PrescriptionInput, add: Any) -> None:
    if data.start_date < patient.date_of_birth:
        add("start_date", _("The start date is before the patient's date of birth."))
    if data.start_date > today() + timedelta(days=MAX_DAYS_AHEAD):
        add("start_date", _("The start date is more than a year ahead."))
    if not 1 <= data.planned_weeks <= MAX_WEEKS:
        add(
            "planned_weeks",
            _("The planned duration must be from 1 to %(max)s weeks.") % {"max": MAX_WEEKS},
        )


def _check_areas(patient: Patient, data: PrescriptionInput, add: Any) -> None:
    regions = [area.region for area in data.areas]
    # The patient's proportions on the day the course starts (a child's face is a larger share).
    age = max(patient.age_on(data.start_date), 0)
    if not data.areas and data.product.subject_to_ruxolitinib_label:
        add("areas", _("Give the treated area: the body surface (%) for at least one region."))
    if len(set(regions)) != len(regions):
        add("areas", _("Each region can be given once."))
    for area in data.areas:
        if area.region not in BodyRegion.values:
            add("areas", _("%(region)s is not a body region.") % {"region": area.region})
        elif not area.bsa_percent.is_finite() or area.bsa_percent <= 0:
            add(f"area_{area.region}", _("Give a surface above 0 %, or leave the region empty."))
        elif -int(area.bsa_percent.as_tuple().exponent) > 2:
            add(f"area_{area.region}", _("Use at most two decimals."))
        elif refused := implausible_percent(area.region, area.bsa_percent, age):
            add(f"area_{area.region}", refused)
    if data.total_bsa > 100:
        add(
            "areas",
            _("The treated areas add up to more than %(limit)s %% of the body surface.")
            % {"limit": 100},
        )


def _check_label_product(data: PrescriptionInput, add: Any) -> None:
    if data.frequency != Frequency.TWICE_DAILY:
        add(
            "frequency",
            _("The label dose is twice daily; the quantity estimate and the check assume it."),
        )
    if data.tube_grams not in TubeSize.values:
        add("tube_grams", _("Choose the tube size: 60 g or 100 g."))
    if data.jurisdiction not in Jurisdiction.values:
        add("jurisdiction", _("Choose the label that applies: EMA or FDA."))


def missing_for_label(review: LabelReview, data: PrescriptionInput) -> dict[str, list[str]]:
    """What the prescriber still owes: acknowledgements and, outside the label, a justification."""
    errors: dict[str, list[str]] = {}
    missing = review.unacknowledged(data.acknowledged)
    if missing:
        errors["acknowledged"] = [
            _("Acknowledge this caution: %(reason)s") % {"reason": f.shown_reason} for f in missing
        ]
    if review.needs_justification and len(data.justification.strip()) < MIN_JUSTIFICATION:
        outside = dict.fromkeys(RULES[f.rule].summary for f in review.outside)
        errors["justification"] = [
            _(
                "Outside the label (%(rules)s): write why you prescribe it anyway, in at least "
                "%(n)s characters. Nothing is saved without it."
            )
            % {"rules": "; ".join(outside), "n": MIN_JUSTIFICATION}
        ]
    return errors


def missing_checklist(data: PrescriptionInput) -> dict[str, list[str]]:
    """At the first prescription: the class-warnings checklist gone through, risk factors known."""
    errors = monitoring.check_risk_factors(data.risk_factors)
    if not data.warnings_reviewed:
        errors["warnings_reviewed"] = [
            _(
                "First prescription: go through the class-warnings checklist with the patient, "
                "record their risk factors, and tick that it is done."
            )
        ]
    return errors


def review_for(patient: Patient, data: PrescriptionInput) -> LabelReview | None:
    """The label review for valid input of a label product, else None (not raised)."""
    if not data.product.subject_to_ruxolitinib_label or check_input(patient, data):
        return None
    try:
        return review_label(patient, data)
    except Invalid:
        return None


# --- saving ------------------------------------------------------------------------------------


def create_prescription(
    patient: Patient,
    data: PrescriptionInput,
    *,
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> Prescription:
    """Check everything again on the server and save, or raise Invalid (nothing saved)."""
    require_consent(patient, ConsentPurpose.TREATMENT)
    errors = check_input(patient, data)
    if errors:
        raise Invalid(errors)
    review = review_label(patient, data) if data.product.subject_to_ruxolitinib_label else None
    first = review is not None and monitoring.is_first_label_prescription(patient)
    if review is not None:
        missing = missing_for_label(review, data)
        missing.update(missing_checklist(data) if first else {})
        if missing:
            raise Invalid(missing, review)
    with transaction.atomic():
        # One writer per patient at a time, so two prescriptions sent at once cannot both see
        # "no current course" (PostgreSQL locks the row; SQLite's write transaction is already
        # exclusive).
        Patient.objects.select_for_update().filter(pk=patient.pk).exists()
        replaced = _courses_replaced(patient, data)
        prescription = _store(patient, data, review, actor)
        if first:
            monitoring.record_warnings_review(prescription, data.risk_factors, actor)
        for course in replaced:
            _stop_replaced(course, prescription)
        _audit(
            request, AuditAction.CREATE, patient, "prescription", prescription.pk,
            role=role, actor=actor,
        )  # fmt: skip
        sync_treatment_start(patient)
    return prescription


def current_courses(patient: Patient) -> list[Prescription]:
    """The patient's ruxolitinib prescriptions that nobody has stopped, newest first."""
    return list(
        Prescription.objects.ruxolitinib()
        .filter(patient=patient, stop_date__isnull=True)
        .select_related("prescriber")
    )


def _courses_replaced(patient: Patient, data: PrescriptionInput) -> list[Prescription]:
    """The current courses a new one of the cream replaces, or Invalid: never two side by side."""
    if not data.product.subject_to_ruxolitinib_label:
        return []
    current = current_courses(patient)
    if not current:
        return []
    newest = current[0]
    if not data.replaces_current:
        raise Invalid(
            {
                "replaces_current": [
                    _(
                        "This patient already has a current prescription of the cream (from "
                        "%(start)s). Two courses side by side are not allowed: stop that one "
                        "first, or tick that this prescription replaces it."
                    )
                    % {"start": date_format(newest.start_date)}
                ]
            }
        )
    too_early = [c for c in current if c.start_date > data.start_date]
    if too_early:
        raise Invalid(
            {
                "start_date": [
                    _(
                        "A replacing prescription cannot start before the current one, which "
                        "started on %(start)s."
                    )
                    % {"start": date_format(too_early[0].start_date)}
                ]
            }
        )
    return current


def _stop_replaced(course: Prescription, replacement: Prescription) -> None:
    """The replaced course stops the day before its replacement starts (or, replaced on the
    day it started, that same day: a correction)."""
    course.stop_date = max(course.start_date, replacement.start_date - timedelta(days=1))
    course.stop_reason = StopReason.REPLACED
    course.stop_note = _("Replaced by prescription %(id)s.") % {"id": replacement.pk}
    course.save(update_fields=["stop_date", "stop_reason", "stop_note", "updated"])


def _store(
    patient: Patient, data: PrescriptionInput, review: LabelReview | None, actor: User
) -> Prescription:
    estimate = quantity_for(data)
    keys = {f.key for f in review.cautions} if review else set()
    labelled = data.product.subject_to_ruxolitinib_label
    prescription = Prescription(
        patient=patient,
        product=data.product,
        treated_areas=[{"region": a.region, "bsa_percent": str(a.bsa_percent)} for a in data.areas],
        frequency=data.frequency,
        start_date=data.start_date,
        planned_weeks=data.planned_weeks,
        tube_grams=data.tube_grams if labelled else None,
        jurisdiction=data.jurisdiction if labelled else "",
        pregnant=data.pregnant,
        breastfeeding=data.breastfeeding,
        active_serious_infection=data.active_serious_infection,
        grams_per_week=estimate.grams_per_week if estimate else None,
        grams_total=estimate.grams_total if estimate else None,
        tubes=estimate.tubes if estimate else None,
        label_input=review.label_input if review else {},
        label_overall=review.overall if review else "",
        label_findings=[f.as_json() for f in review.findings] if review else [],
        acknowledged=sorted(keys & set(data.acknowledged)),
        justification=data.justification.strip() if review and review.needs_justification else "",
        notes=data.notes.strip(),
        prescriber=actor,
    )
    prescription.save()
    prescription.refresh_from_db()  # the stored decimals, as every later read gives them
    return prescription


def findings_of(prescription: Prescription) -> list[ShownFinding]:
    return [ShownFinding.from_json(item) for item in prescription.label_findings]


def stop_prescription(
    prescription: Prescription,
    stop_date: date,
    reason: str,
    note: str,
    *,
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> Prescription:
    errors: dict[str, list[str]] = {}
    if prescription.stop_date is not None:
        errors["__all__"] = [_("This prescription is already stopped.")]
    if stop_date < prescription.start_date:
        errors["stop_date"] = [
            _("The prescription started on %(date)s; it cannot stop before that.")
            % {"date": day_text(prescription.start_date)}
        ]
    if stop_date > today():
        errors.setdefault("stop_date", []).append(_("The stop date is in the future."))
    if reason not in StopReason.values:
        errors["stop_reason"] = [_("Choose why the treatment stops.")]
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        prescription.stop_date = stop_date
        prescription.stop_reason = reason
        prescription.stop_note = note.strip()
        prescription.save(update_fields=["stop_date", "stop_reason", "stop_note", "updated"])
        _audit(
            request,
            AuditAction.UPDATE,
            prescription.patient,
            "prescription",
            prescription.pk,
            role=role,
            actor=actor,
        )
    return prescription


def sync_treatment_start(patient: Patient) -> date | None:
    """Keep Patient.treatment_start at the first ruxolitinib prescription already started.

    Visit weeks count from it. A start recorded earlier by hand (treatment begun before this
    clinic's first prescription) is kept; a prescription dated ahead does not move it yet.
    """
    first = (
        Prescription.objects.ruxolitinib()
        .filter(patient=patient, start_date__lte=today())
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    current = patient.treatment_start
    if first is not None and (current is None or first < current):
        patient.treatment_start = first
        patient.save(update_fields=["treatment_start", "updated"])
    return patient.treatment_start


# --- co-medications ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoMedicationInput:
    name: str
    start_date: date | None = None
    stop_date: date | None = None
    notes: str = ""
    applied_to: str = ""


def check_co_medication(patient: Patient, data: CoMedicationInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not " ".join(data.name.split()):
        errors["name"] = [_("Give the medicine's name.")]
    start, stop = data.start_date, data.stop_date
    if start is not None and start > today():
        errors["start_date"] = [_("The start date is in the future; record it once it starts.")]
    if start is not None and start < patient.date_of_birth:
        errors.setdefault("start_date", []).append(
            _("The start date is before the patient's date of birth.")
        )
    if stop is not None and start is not None and stop < start:
        errors["stop_date"] = [_("The stop date is before the start date.")]
    if stop is not None and stop < patient.date_of_birth:
        errors.setdefault("stop_date", []).append(
            _("The stop date is before the patient's date of birth.")
        )
    if data.applied_to and data.applied_to not in ApplicationSite.values:
        errors["applied_to"] = [_("Choose where it is applied from the list.")]
    return errors


def save_co_medication(
    patient: Patient,
    data: CoMedicationInput,
    *,
    row: CoMedication | None = None,
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> CoMedication:
    require_consent(patient, ConsentPurpose.TREATMENT)
    errors = check_co_medication(patient, data)
    if errors:
        raise Invalid(errors)
    created = row is None
    row = row or CoMedication(patient=patient, recorded_by=actor)
    row.name = " ".join(data.name.split())
    row.start_date, row.stop_date, row.notes = data.start_date, data.stop_date, data.notes.strip()
    row.applied_to = data.applied_to
    with transaction.atomic():
        row.save()
        action = AuditAction.CREATE if created else AuditAction.UPDATE
        _audit(request, action, patient, "co_medication", row.pk, role=role, actor=actor)
    return row


# --- the diary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DiaryInput:
    day: date
    morning: bool = False
    evening: bool = False
    tube_changed: bool = False
    skipped: bool = False
    skip_reason: str = ""
    note: str = ""


def diary_start(patient: Patient) -> date | None:
    """The first day a diary entry can have: the first prescription's start."""
    return patient.prescriptions.order_by("start_date").values_list("start_date", flat=True).first()


def check_diary(patient: Patient, data: DiaryInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    first = diary_start(patient)
    if data.day > today():
        errors["day"] = [_("That day has not come yet; record it on the day or later.")]
    elif first is None:
        errors["day"] = [_("Your clinic has not recorded a prescription for you yet.")]
    elif data.day < first:
        errors["day"] = [
            _("Your treatment starts on %(date)s; choose that day or a later one.")
            % {"date": day_text(first)}
        ]
    if data.skipped and (data.morning or data.evening):
        errors["skipped"] = [_("A skipped day has no application: untick morning and evening.")]
    if not (data.morning or data.evening or data.skipped or data.tube_changed):
        errors["__all__"] = [_("Tick morning, evening, or “I skipped this day”.")]
    if data.skip_reason and data.skip_reason not in SkipReason.values:
        errors["skip_reason"] = [_("Choose a reason from the list.")]
    return errors


def record_diary(
    patient: Patient,
    data: DiaryInput,
    *,
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> DiaryEntry:
    """Write (or rewrite) the patient's entry for that day."""
    require_consent(patient, ConsentPurpose.TREATMENT)
    errors = check_diary(patient, data)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        entry, created = DiaryEntry.objects.select_for_update().get_or_create(
            patient=patient, day=data.day, defaults={"recorded_by": actor}
        )
        entry.morning, entry.evening = data.morning, data.evening
        entry.tube_changed, entry.skipped = data.tube_changed, data.skipped
        entry.skip_reason = data.skip_reason if data.skipped else ""
        entry.note = data.note.strip()
        entry.recorded_by = actor
        entry.save()
        action = AuditAction.CREATE if created else AuditAction.UPDATE
        _audit(request, action, patient, "diary_entry", entry.pk, role=role, actor=actor)
        sync_treatment_start(patient)
    return entry
