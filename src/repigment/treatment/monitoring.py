"""The monitoring plan of one patient: TB screening, skin examinations, class-warnings review.

The rules (what falls due when, which warnings a patient's risk factors touch) are in
:mod:`repigment.clinical.monitoring`; this module reads and writes the records and gives the
pages, the prescription and the reminders one :class:`MonitoringStatus`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from repigment.accounts import audit
from repigment.accounts.models import AuditAction, User
from repigment.clinical import monitoring as rules
from repigment.clinical.references import Reference, get_reference
from repigment.patients.models import ConsentPurpose, Patient
from repigment.patients.services import require_consent
from repigment.treatment.models import (
    LatentTbTreatment,
    Prescription,
    RiskFactor,
    SkinExam,
    SkinFinding,
    TbResult,
    TbScreening,
    TbTest,
    WarningsReview,
)


class Invalid(Exception):
    """Nothing was saved; ``fields`` maps a field name to its messages."""

    def __init__(self, fields: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for messages in fields.values() for m in messages))
        self.fields = fields


def today() -> date:
    return timezone.localdate()


@dataclass(frozen=True)
class ShownWarning:
    code: str
    title: str
    text: str
    reference: Reference
    applies: bool


@dataclass(frozen=True)
class MonitoringStatus:
    course_start: date | None
    last_tb: TbScreening | None
    tb_due: date | None
    last_skin: SkinExam | None
    skin_due: date | None
    review: WarningsReview | None

    @property
    def tb_recorded(self) -> bool:
        return self.last_tb is not None

    def overdue(self, day: date) -> list[str]:
        """The kinds of monitoring due on or before ``day``: "tb_screening", "skin_exam"."""
        due = {"tb_screening": self.tb_due, "skin_exam": self.skin_due}
        return [kind for kind, on in due.items() if on is not None and on <= day]

    @property
    def skin_cancer_risk_factors(self) -> list[str]:
        factors = self.review.risk_factors if self.review else []
        return [
            str(RiskFactor(code).label)
            for code in factors
            if code in rules.SKIN_CANCER_RISK_FACTORS
        ]


def course_start(patient: Patient) -> date | None:
    """The first ruxolitinib-label prescription's start, else the treatment start recorded."""
    first = (
        Prescription.objects.ruxolitinib()
        .filter(patient=patient)
        .order_by("start_date")
        .values_list("start_date", flat=True)
        .first()
    )
    return first or patient.treatment_start


def status_for(patient: Patient, start: date | None = None) -> MonitoringStatus:
    """What is recorded and what falls due; ``start`` stands in for a course not yet saved."""
    begins = course_start(patient) or start
    last_tb = patient.tb_screenings.first()
    last_skin = patient.skin_exams.first()
    return MonitoringStatus(
        course_start=begins,
        last_tb=last_tb,
        tb_due=rules.tb_screening_due(
            begins, last_tb.tested_on if last_tb else None, last_tb.next_due if last_tb else None
        ),
        last_skin=last_skin,
        skin_due=rules.skin_examination_due(begins, last_skin.next_due if last_skin else None),
        review=patient.warnings_reviews.first(),
    )


def is_first_label_prescription(patient: Patient) -> bool:
    return not Prescription.objects.ruxolitinib().filter(patient=patient).exists()


def class_warnings(age_years: int | None = None, factors: Iterable[str] = ()) -> list[ShownWarning]:
    """The checklist: every class warning with its source, marked where a risk factor applies."""
    applies = set(rules.warnings_that_apply(age_years, factors)) if age_years is not None else set()
    return [
        ShownWarning(w.code, w.title, w.text, get_reference(w.reference), w.code in applies)
        for w in rules.CLASS_WARNINGS
    ]


def check_risk_factors(factors: Iterable[str]) -> dict[str, list[str]]:
    unknown = sorted(set(factors) - set(RiskFactor.values))
    if unknown:
        return {"risk_factors": [_("Unknown risk factor: %(code)s") % {"code": ", ".join(unknown)}]}
    return {}


def record_warnings_review(
    prescription: Prescription, factors: Iterable[str], actor: User
) -> WarningsReview:
    """Kept with the first prescription (called inside its transaction)."""
    chosen = sorted(set(factors))
    age = prescription.patient.age_on(prescription.start_date)
    return WarningsReview.objects.create(
        prescription=prescription,
        patient=prescription.patient,
        age_years=age,
        risk_factors=chosen,
        warnings_that_apply=list(rules.warnings_that_apply(age, chosen)),
        reviewed_by=actor,
    )


# --- recording a screening or an examination ---------------------------------------------------


@dataclass(frozen=True)
class TbScreeningInput:
    test: str
    tested_on: date
    result: str
    latent_treatment: str
    next_due: date | None = None
    notes: str = ""


@dataclass(frozen=True)
class SkinExamInput:
    examined_on: date
    finding: str
    next_due: date
    finding_note: str = ""


def _check_day(patient: Patient, day: date, field: str, errors: dict[str, list[str]]) -> None:
    if day > today():
        errors.setdefault(field, []).append(_("That day has not come yet."))
    if day < patient.date_of_birth:
        errors.setdefault(field, []).append(_("That day is before the patient's date of birth."))


def check_tb_screening(patient: Patient, data: TbScreeningInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _check_day(patient, data.tested_on, "tested_on", errors)
    for field, choices in (
        ("test", TbTest),
        ("result", TbResult),
        ("latent_treatment", LatentTbTreatment),
    ):
        if getattr(data, field) not in choices.values:
            errors[field] = [_("Choose from the list.")]
    if data.next_due is not None and data.next_due <= data.tested_on:
        errors["next_due"] = [_("The next screening must come after this one.")]
    if data.result == TbResult.POSITIVE and data.latent_treatment == LatentTbTreatment.NOT_NEEDED:
        errors["latent_treatment"] = [
            _("A positive result needs a decision on treatment: started, completed or not given.")
        ]
    return errors


def check_skin_exam(patient: Patient, data: SkinExamInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    _check_day(patient, data.examined_on, "examined_on", errors)
    if data.finding not in SkinFinding.values:
        errors["finding"] = [_("Choose from the list.")]
    if data.next_due <= data.examined_on:
        errors["next_due"] = [_("The next examination must come after this one.")]
    if data.finding != SkinFinding.NOTHING and not data.finding_note.strip():
        errors["finding_note"] = [_("Say what was found and what was done.")]
    return errors


def _audit(request: HttpRequest | None, patient: Patient, kind: str, pk: Any, **kw: Any) -> None:
    audit.record(
        request,
        AuditAction.CREATE,
        object_type=kind,
        object_id=pk,
        patient_id=patient.pk,
        clinic=patient.clinic,
        **kw,
    )


def record_tb_screening(
    patient: Patient,
    data: TbScreeningInput,
    *,
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> TbScreening:
    require_consent(patient, ConsentPurpose.TREATMENT)
    errors = check_tb_screening(patient, data)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        row = TbScreening.objects.create(
            patient=patient,
            test=data.test,
            tested_on=data.tested_on,
            result=data.result,
            latent_treatment=data.latent_treatment,
            next_due=data.next_due,
            notes=data.notes.strip(),
            recorded_by=actor,
        )
        _audit(request, patient, "tb_screening", row.pk, role=role, actor=actor)
    return row


def record_skin_exam(
    patient: Patient,
    data: SkinExamInput,
    *,
    request: HttpRequest | None,
    actor: User,
    role: str,
) -> SkinExam:
    require_consent(patient, ConsentPurpose.TREATMENT)
    errors = check_skin_exam(patient, data)
    if errors:
        raise Invalid(errors)
    with transaction.atomic():
        row = SkinExam.objects.create(
            patient=patient,
            examined_on=data.examined_on,
            finding=data.finding,
            finding_note=data.finding_note.strip(),
            next_due=data.next_due,
            recorded_by=actor,
        )
        _audit(request, patient, "skin_exam", row.pk, role=role, actor=actor)
    return row


# --- for the registry's safety tables ------------------------------------------------------------


def screening_counts(patient_ids: Iterable[int]) -> dict[str, int]:
    """How many TB screenings and skin examinations were done for these patients, and how
    many of the patients have at least one of each (one query per table)."""
    ids = list(patient_ids)
    tb = TbScreening.objects.filter(patient_id__in=ids).aggregate(
        done=Count("pk"),
        patients=Count("patient", distinct=True),
        positive=Count("pk", filter=Q(result=TbResult.POSITIVE)),
    )
    skin = SkinExam.objects.filter(patient_id__in=ids).aggregate(
        done=Count("pk"),
        patients=Count("patient", distinct=True),
        skin_cancer=Count("pk", filter=Q(finding=SkinFinding.SKIN_CANCER)),
    )
    return {
        "tb_screenings": tb["done"],
        "patients_tb_screened": tb["patients"],
        "tb_positive": tb["positive"],
        "skin_exams": skin["done"],
        "patients_skin_examined": skin["patients"],
        "skin_cancers_found": skin["skin_cancer"],
    }
