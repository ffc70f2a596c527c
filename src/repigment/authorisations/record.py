"""What an application takes from the patient's record: clinical details, scores, previous
treatments, the dosage, and the motivation drafted from them for the prescriber to finish.

Written in English: the application goes to the regulator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import dateformat, translation

from repigment.assessments.models import Instrument, Visit
from repigment.patients.models import Diagnosis, Patient
from repigment.treatment.models import CoMedication, Prescription

#: The part of the draft the prescriber must replace with their own reasons.
PLACEHOLDER = (
    "[To be completed by the prescriber: why no medicine registered in {country} can be used "
    "for this patient.]"
)


def _day(value: date) -> str:
    """A day as the regulator reads it in English ("4 December 2026"), whatever the language
    of the prescriber's pages: ISO in a letter is easy to misread."""
    with translation.override("en"):
        return dateformat.format(value, "j F Y")


@dataclass(frozen=True)
class Score:
    instrument: str
    value: Decimal
    day: date


@dataclass(frozen=True)
class ClinicalSummary:
    patient: Patient
    diagnosis: Diagnosis | None
    baseline: list[Score] = field(default_factory=list)
    latest: list[Score] = field(default_factory=list)
    affected_bsa: Decimal | None = None
    affected_bsa_on: date | None = None
    vns: int | None = None
    previous_treatments: list[str] = field(default_factory=list)


def _scores(visits: list[Visit], pick_last: bool) -> list[Score]:
    found = []
    for instrument in Instrument.values:
        scored = [v for v in visits if v.score(instrument) is not None]
        if scored:
            visit = scored[-1] if pick_last else scored[0]
            found.append(Score(instrument, visit.score(instrument), visit.visit_date))  # type: ignore[arg-type]
    return found


#: Words that make a hand-typed ruxolitinib the cream, in the languages the app speaks; oral
#: ruxolitinib (tablets, for other diseases) stays a previous treatment worth naming.
_CREAM_WORDS = ("cream", "crème", "creme", "topical", "topique", "tópico", "1.5", "1,5")


def _is_the_cream(name: str, prescription: Prescription) -> bool:
    """A co-medication that is the applied-for product written in by hand ("Opzelura",
    "ruxolitinib crème 1,5 %")."""
    words = name.casefold()
    product = prescription.product.name.casefold()
    return (
        words == product
        or (
            prescription.product.subject_to_ruxolitinib_label
            and "ruxolitinib" in words
            and any(word in words for word in _CREAM_WORDS)
        )
        or ("opzelura" in words and "opzelura" in product)
    )


def previous_treatments(patient: Patient, prescription: Prescription) -> list[str]:
    """Other treatments: prescriptions of other products (e.g. tacrolimus, phototherapy) and
    co-medications. The product applied for is never among them, whether as an earlier course
    of the same product or another ruxolitinib-cream product, or typed in as a co-medication:
    the application is for it, so it is not a "previous treatment" that failed."""
    lines = []
    others = (
        patient.prescriptions.exclude(pk=prescription.pk)
        .exclude(product=prescription.product)
        .select_related("product")
    )
    if prescription.product.subject_to_ruxolitinib_label:
        others = others.exclude(product__subject_to_ruxolitinib_label=True)
    for other in others.order_by("start_date"):
        until = f" to {_day(other.stop_date)}" if other.stop_date else ""
        why = f" (stopped: {other.get_stop_reason_display()})" if other.stop_reason else ""
        lines.append(f"{other.product} from {_day(other.start_date)}{until}{why}")
    for medicine in CoMedication.objects.filter(patient=patient).order_by("start_date", "pk"):
        if _is_the_cream(medicine.name, prescription):
            continue
        since = f" from {_day(medicine.start_date)}" if medicine.start_date else ""
        until = f" to {_day(medicine.stop_date)}" if medicine.stop_date else ""
        notes = f" ({medicine.notes})" if medicine.notes else ""
        lines.append(f"{medicine.name}{notes}{since}{until}")
    return lines


def clinical_summary(patient: Patient, prescription: Prescription) -> ClinicalSummary:
    visits = list(patient.visits.order_by("visit_date", "pk"))
    with_bsa = [v for v in visits if v.affected_bsa_percent is not None]
    with_vns = [v for v in visits if v.vns is not None]
    return ClinicalSummary(
        patient=patient,
        diagnosis=patient.current_diagnosis(),
        baseline=_scores(visits, pick_last=False),
        latest=_scores(visits, pick_last=True),
        affected_bsa=with_bsa[-1].affected_bsa_percent if with_bsa else None,
        affected_bsa_on=with_bsa[-1].visit_date if with_bsa else None,
        vns=with_vns[-1].vns if with_vns else None,
        previous_treatments=previous_treatments(patient, prescription),
    )


def dosage_text(prescription: Prescription) -> str:
    areas = ", ".join(f"{label} {bsa} %" for label, bsa in prescription.area_rows())
    return (
        f"A thin layer {prescription.get_frequency_display().lower()} to the depigmented skin: "
        f"{areas} (treated area {prescription.treated_bsa_percent} % of body surface area)"
    )


def _diagnosis_line(diagnosis: Diagnosis | None) -> str:
    if diagnosis is None:
        return "Diagnosis: vitiligo (ICD-10 L80); details not yet recorded."
    face = ", face involved" if diagnosis.facial_involvement else ""
    signs = diagnosis.activity_signs()
    signs_text = f"; signs of activity: {', '.join(signs)}" if signs else ""
    return (
        f"Diagnosis: {diagnosis.get_vitiligo_type_display().lower()} vitiligo (ICD-10 "
        f"{diagnosis.icd10_code}) since {diagnosis.onset_year}, "
        f"{diagnosis.get_activity_display().lower()}{face}{signs_text}."
    )


def _score_line(summary: ClinicalSummary) -> str:
    if not summary.latest:
        return "Scores: no F-VASI or T-VASI recorded yet."
    baseline = {s.instrument: s for s in summary.baseline}
    parts = []
    for score in summary.latest:
        first = baseline[score.instrument]
        part = f"{score.instrument} {score.value.normalize():f} on {_day(score.day)}"
        if first.day != score.day:
            part += f" (baseline {first.value.normalize():f} on {_day(first.day)})"
        parts.append(part)
    return "Scores: " + "; ".join(parts) + "."


def draft_motivation(
    patient: Patient, prescription: Prescription, country: str, weeks: int, packs: int, tube: int
) -> str:
    """A motivation built from the record; the reasons themselves are left to the prescriber."""
    summary = clinical_summary(patient, prescription)
    previous = summary.previous_treatments or ["none recorded in Repigment"]
    lines = [
        f"Patient: {patient.full_name}, born {_day(patient.date_of_birth)}, "
        f"Fitzpatrick phototype {patient.get_phototype_display()}.",
        _diagnosis_line(summary.diagnosis),
        f"Treated area: {prescription.treated_bsa_percent} % of body surface area.",
        _score_line(summary),
        "Previous and current treatments: " + "; ".join(previous) + ".",
        f"Requested: {packs} × {tube} g for {weeks} weeks ({dosage_text(prescription)}).",
        "",
        PLACEHOLDER.format(country=country),
    ]
    return "\n".join(lines)


def has_placeholder(text: str) -> bool:
    return "[To be completed by the prescriber" in text
