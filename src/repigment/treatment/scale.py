"""Scale-world prescriptions and diaries: every treated patient has the cream prescribed from
their treatment start, checked against the clinic's label by the clinical core as a saved
prescription is (quantity estimate, findings, the cautions acknowledged); about one in ten
keeps a diary in the portal, for their last four weeks.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from repigment.clinical.label import LabelInput, check_label
from repigment.clinical.quantity import estimate_quantity
from repigment.core.rows import bulk_insert, create_objects
from repigment.core.scale import Chunk
from repigment.treatment import services
from repigment.treatment.models import BodyRegion, DiaryEntry, LabelLevel, Prescription, Product

BODY = (BodyRegion.HANDS, BodyRegion.UPPER_LIMBS, BodyRegion.TRUNK, BodyRegion.FEET)
DIARY_SHARE = 0.1
DIARY_DAYS = 28
JUSTIFICATION = "Invented scale prescription: used outside the label after discussion."


def build(chunk: Chunk) -> None:
    rng, today = chunk.rng, chunk.today
    product = _cream(chunk)
    if product is None or not chunk.patients:
        return
    diagnoses = chunk.by_patient.get("diagnosis", {})
    prescriptions, diaries = [], []
    for patient in chunk.patients:
        start, diagnosis = patient.treatment_start, diagnoses.get(patient.pk)
        if start is None or diagnosis is None:
            continue
        areas = [(BodyRegion.FACE, Decimal(rng.choice(("1", "1.5", "2", "2.5"))))]
        body = rng.sample(BODY, rng.randint(0, 2))
        areas += [(r, Decimal(rng.choice(("0.5", "1", "2")))) for r in body]
        weeks = 52 if (today - start).days > 24 * 7 or rng.random() < 0.5 else 24
        prescriptions.append(_prescription(patient, diagnosis, product, areas, start, weeks))
        if rng.random() < DIARY_SHARE:
            diaries += _diary(patient, max(start, today - timedelta(days=DIARY_DAYS)), chunk)
    create_objects(prescriptions)
    chunk.by_patient["prescription"] = {row.patient_id: row for row in prescriptions}
    bulk_insert(DiaryEntry, diaries)


def _cream(chunk: Chunk) -> Product | None:
    if "cream" not in chunk.shared:
        chunk.shared["cream"] = Product.objects.filter(subject_to_ruxolitinib_label=True).first()
    return chunk.shared["cream"]  # type: ignore[no-any-return]


def _prescription(
    patient: Any,
    diagnosis: Any,
    product: Product,
    areas: list[tuple[str, Decimal]],
    start: Any,
    weeks: int,
) -> Prescription:
    bsa = sum((share for _, share in areas), Decimal(0))
    estimate = estimate_quantity(bsa, weeks, 100)
    checked = LabelInput(
        jurisdiction=patient.clinic.label_jurisdiction,
        age_years=patient.age_on(start),
        vitiligo_type=services._VITILIGO_TYPES[diagnosis.vitiligo_type],
        facial_involvement=diagnosis.facial_involvement,
        treated_bsa_percent=bsa,
        pregnant=False,
        breastfeeding=False,
        active_serious_infection=False,
        co_medications=(),
        grams_per_week=estimate.grams_per_week,
        tube_grams=100,
    )
    result = check_label(checked)
    findings = [
        services.ShownFinding(
            services.finding_key(f.rule, f.reason), f.rule, str(f.level), f.reason, f.reference
        )
        for f in result.findings
    ]
    outside = str(result.overall) == LabelLevel.OUTSIDE_LABEL
    return Prescription(
        patient=patient,
        product=product,
        treated_areas=[{"region": region, "bsa_percent": str(share)} for region, share in areas],
        treated_bsa_percent=bsa,
        start_date=start,
        planned_weeks=weeks,
        tube_grams=100,
        jurisdiction=checked.jurisdiction,
        grams_per_week=estimate.grams_per_week,
        grams_total=estimate.grams_total,
        tubes=estimate.tubes,
        label_input=services._label_input_json(checked),
        label_overall=str(result.overall),
        label_findings=[f.as_json() for f in findings],
        acknowledged=sorted(f.key for f in findings if f.level == LabelLevel.CAUTION),
        justification=JUSTIFICATION if outside else "",
        prescriber=patient.created_by,
    )


def _diary(patient: Any, first: Any, chunk: Chunk) -> list[dict[str, Any]]:
    """A diary's days as columns (not instances: nothing points at them)."""
    rng, habit = chunk.rng, chunk.rng.uniform(0.6, 0.97)
    rows, day = [], first
    while day < chunk.today:
        morning, evening = rng.random() < habit, rng.random() < habit - 0.05
        skipped = not (morning or evening) and rng.random() < 0.6
        rows.append({
            "patient_id": patient.pk, "day": day, "morning": morning, "evening": evening,
            "skipped": skipped, "skip_reason": "forgot" if skipped else "",
        })  # fmt: skip
        day += timedelta(days=1)
    return rows
