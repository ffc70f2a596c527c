"""Rows as FHIR R4 resources: plain dicts, ready for JSON.

Each ``*_resources(rows)`` takes a batch of rows (as ``types`` selects them) and returns their
resources in the same order, asking the database at most once more for the whole batch (the
region entries of visits, the dispensed lots before adverse events), so that a page or a bulk
export costs a fixed number of queries per batch, not per row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from repigment.accounts.models import Clinic, User
from repigment.assessments.models import Instrument, ScoreEntry, Visit
from repigment.clinical.scoring import VasiEntry, score_fvasi, score_tvasi
from repigment.interop.fhir import codes
from repigment.patients.models import Consent, Diagnosis, Patient
from repigment.safety.fhir import (
    CAUSALITY_CODES,
    CAUSALITY_SYSTEM,
    OUTCOME_CODES,
    OUTCOME_SYSTEM,
    SERIOUSNESS_CODES,
    SERIOUSNESS_SYSTEM,
    SEVERITY_SYSTEM,
)
from repigment.safety.models import AdverseEvent, Causality, Outcome, Seriousness
from repigment.supply.models import Dispense, ProductPack
from repigment.treatment.models import Prescription, StopReason

Resource = dict[str, Any]


def ref(kind: str, pk: object) -> dict[str, str]:
    return {"reference": f"{kind}/{pk}"}


def _instant(moment: datetime) -> str:
    return moment.isoformat()


def _meta(moment: datetime | None) -> dict[str, Any]:
    return {"meta": {"lastUpdated": _instant(moment)}} if moment else {}


def _number(value: Decimal) -> float | int:
    """A decimal as JSON keeps it: whole numbers without a point, others as written."""
    number = float(value)
    return int(number) if number.is_integer() else number


def _concept(system: str, code: str, display: str = "", text: str = "") -> dict[str, Any]:
    coding: dict[str, str] = {"system": system, "code": code}
    if display:
        coding["display"] = display
    concept: dict[str, Any] = {"coding": [coding]}
    if text:
        concept["text"] = text
    return concept


# --- people and places ---------------------------------------------------------------------


#: Language names in English, once (gettext per row is too slow for a bulk export).
LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "pt": "Portuguese", "af": "Afrikaans", "zu": "isiZulu",
    "xh": "isiXhosa", "st": "Sesotho", "tn": "Setswana", "sw": "Kiswahili", "ar": "Arabic",
    "other": "Another language",
}  # fmt: skip


def patient_resources(rows: Sequence[Patient]) -> list[Resource]:
    return [_patient(row) for row in rows]


def _patient(patient: Patient) -> Resource:
    identifiers = [
        {
            "use": "usual",
            "system": f"{codes.RECORD_NUMBER_SYSTEM}:{patient.clinic_id}",
            "value": patient.record_number,
            "assigner": ref("Organization", patient.clinic_id),
        }
    ]
    if patient.za_id_number:
        identifiers.append(
            {
                "use": "official",
                "system": "urn:repigment:za-id-number",
                "value": patient.za_id_number,
            }
        )
    if patient.passport_number:
        identifiers.append(
            {
                "use": "official",
                "system": f"urn:repigment:passport:{patient.passport_country or 'XX'}",
                "value": patient.passport_number,
            }
        )
    resource: Resource = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        **_meta(patient.updated),
        "identifier": identifiers,
        "active": True,
        "name": [
            {"use": "official", "family": patient.family_name, "given": patient.given_names.split()}
        ],
        "gender": patient.sex if patient.sex in ("female", "male") else "other",
        "birthDate": patient.date_of_birth.isoformat(),
        "communication": [
            {
                "language": {
                    "text": LANGUAGE_NAMES.get(
                        patient.preferred_language, patient.preferred_language
                    )
                }
            }
        ],
        "managingOrganization": ref("Organization", patient.clinic_id),
    }
    telecom = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    if telecom:
        resource["telecom"] = telecom
    return resource


def practitioner_resources(rows: Sequence[User]) -> list[Resource]:
    return [
        {
            "resourceType": "Practitioner",
            "id": str(user.pk),
            "active": user.is_active,
            "name": [{"text": user.full_name or user.email}],
        }
        for user in rows
    ]


def organization_resources(rows: Sequence[Clinic]) -> list[Resource]:
    return [_organization(clinic) for clinic in rows]


def _organization(clinic: Clinic) -> Resource:
    pharmacy = clinic.kind == Clinic.Kind.PHARMACY
    return {
        "resourceType": "Organization",
        "id": str(clinic.pk),
        "active": True,
        "type": [
            _concept(
                TERMINOLOGY_ORG_TYPE,
                "prov",
                "Healthcare Provider",
                "Import pharmacy" if pharmacy else "Dermatology clinic",
            )
        ],
        "name": clinic.name,
        "address": [{"city": clinic.city, "country": clinic.country}],
    }


TERMINOLOGY_ORG_TYPE = codes.TERMINOLOGY + "organization-type"


# --- clinical ------------------------------------------------------------------------------


ACTIVE = _concept(codes.CONDITION_CLINICAL, "active", "Active")
CONFIRMED = _concept(codes.CONDITION_VERIFICATION, "confirmed", "Confirmed")
PROBLEM_LIST = [_concept(codes.CONDITION_CATEGORY, "problem-list-item", "Problem List Item")]
ACTIVITY = {"stable": "stable", "active": "active"}


def condition_resources(rows: Sequence[Diagnosis]) -> list[Resource]:
    return [_condition(row) for row in rows]


def _condition(diagnosis: Diagnosis) -> Resource:
    kind = diagnosis.vitiligo_type
    type_name = codes.VITILIGO_TYPES.get(kind, "Vitiligo")
    coding = [
        {"system": codes.SNOMED, "code": codes.VITILIGO_SNOMED, "display": "Vitiligo"},
        {"system": codes.ICD10, "code": diagnosis.icd10_code, "display": "Vitiligo"},
        {"system": codes.VITILIGO_SYSTEM, "code": f"type-{kind}", "display": type_name},
    ]
    resource: Resource = {
        "resourceType": "Condition",
        "id": str(diagnosis.pk),
        **_meta(diagnosis.recorded_at),
        "clinicalStatus": ACTIVE,
        "verificationStatus": CONFIRMED,
        "category": PROBLEM_LIST,
        "code": {"coding": coding, "text": f"{type_name}, {ACTIVITY.get(diagnosis.activity, '')}"},
        "subject": ref("Patient", diagnosis.patient_id),
        "onsetDateTime": f"{diagnosis.onset_year:04d}",
        "recordedDate": diagnosis.recorded_on.isoformat(),
    }
    if diagnosis.recorded_by_id:
        resource["recorder"] = ref("Practitioner", diagnosis.recorded_by_id)
    if diagnosis.notes:
        resource["note"] = [{"text": diagnosis.notes}]
    return resource


#: An observation's id: the kind of score and the visit, e.g. ``tvasi-42``.
OBSERVATION_KINDS = (codes.FVASI, codes.TVASI, codes.VNS)


def observation_id(kind: str, visit_id: int) -> str:
    return f"{kind}-{visit_id}"


def parse_observation_id(text: str) -> tuple[str, int] | None:
    kind, _, number = text.partition("-")
    if kind not in OBSERVATION_KINDS or not number.isdigit():
        return None
    return kind, int(number)


def visit_observations(
    visits: Sequence[Visit], kinds: Iterable[str] = OBSERVATION_KINDS
) -> list[tuple[Visit, str, Resource]]:
    """Each visit's observations (F-VASI, T-VASI, VNS as scored), in visit then kind order."""
    wanted = set(kinds)
    entries: dict[int, list[tuple[str, VasiEntry]]] = defaultdict(list)
    if wanted & {codes.FVASI, codes.TVASI}:
        rows = (
            ScoreEntry.objects.filter(visit_id__in=[v.pk for v in visits])
            .order_by("visit_id", "instrument", "region", "position", "pk")
            .values_list("visit_id", "instrument", "region", "hand_units", "depigmentation")
        )
        for visit_id, instrument, region, units, grade in rows:
            entries[visit_id].append((instrument, VasiEntry(region, units, grade)))
    out = []
    for visit in visits:
        rows = entries[visit.pk]
        if codes.FVASI in wanted and visit.fvasi_scored:
            face = [e for instrument, e in rows if instrument == Instrument.FVASI]
            out.append((visit, codes.FVASI, _vasi_observation(visit, codes.FVASI, face)))
        if codes.TVASI in wanted and visit.tvasi_scored:
            body = [e for instrument, e in rows if instrument == Instrument.TVASI]
            out.append((visit, codes.TVASI, _vasi_observation(visit, codes.TVASI, body)))
        if codes.VNS in wanted and visit.vns is not None:
            out.append((visit, codes.VNS, _vns_observation(visit)))
    return out


def observation_resources(visits: Sequence[Visit]) -> list[Resource]:
    return [resource for _, _, resource in visit_observations(visits)]


SCORE_UNIT = {"unit": "score", "system": codes.UCUM, "code": "{score}"}
EXAM = [_concept(codes.OBSERVATION_CATEGORY, "exam", "Exam")]
KIND_CODES = {
    codes.FVASI: _concept(codes.VITILIGO_SYSTEM, codes.FVASI, "F-VASI"),
    codes.TVASI: _concept(codes.VITILIGO_SYSTEM, codes.TVASI, "T-VASI"),
    codes.VNS: _concept(codes.VITILIGO_SYSTEM, codes.VNS, "Vitiligo Noticeability Scale"),
}
REGION_CODES = {
    (kind, region): _concept(
        codes.VITILIGO_SYSTEM,
        codes.region_code(kind, region),
        f"{'F-VASI' if kind == codes.FVASI else 'T-VASI'} subtotal: {name}",
    )
    for kind in (codes.FVASI, codes.TVASI)
    for region, name in codes.REGION_NAMES.items()
}


def _observation_base(visit: Visit, kind: str, display: str) -> Resource:
    resource: Resource = {
        "resourceType": "Observation",
        "id": observation_id(kind, visit.pk),
        **_meta(visit.updated),
        "status": "final",
        "category": EXAM,
        "code": KIND_CODES[kind],
        "subject": ref("Patient", visit.patient_id),
        "effectiveDateTime": visit.visit_date.isoformat(),
    }
    if visit.assessor_id:
        resource["performer"] = [ref("Practitioner", visit.assessor_id)]
    return resource


def _vasi_observation(visit: Visit, kind: str, entries: list[VasiEntry]) -> Resource:
    score = score_fvasi(entries) if kind == codes.FVASI else score_tvasi(entries)
    display = "F-VASI" if kind == codes.FVASI else "T-VASI"
    resource = _observation_base(visit, kind, display)
    resource["valueQuantity"] = {"value": _number(score.score), **SCORE_UNIT}
    resource["component"] = [
        {
            "code": REGION_CODES[kind, region],
            "valueQuantity": {"value": _number(subtotal), **SCORE_UNIT},
        }
        for region, subtotal in score.region_subtotals.items()
    ]
    return resource


#: The scale's answers in English (the export's language; gettext per row is too slow).
VNS_ANSWERS = {
    1: "More noticeable",
    2: "As noticeable",
    3: "Slightly less noticeable",
    4: "A lot less noticeable",
    5: "No longer noticeable",
}


def _vns_observation(visit: Visit) -> Resource:
    resource = _observation_base(visit, codes.VNS, "Vitiligo Noticeability Scale")
    resource["valueInteger"] = visit.vns
    resource["note"] = [{"text": VNS_ANSWERS.get(visit.vns or 0, "")}]
    return resource


def medication_request_resources(rows: Sequence[Prescription]) -> list[Resource]:
    return [_medication_request(row) for row in rows]


FINISHED = {StopReason.COMPLETED, StopReason.SATISFACTORY}


def _medication_request(prescription: Prescription) -> Resource:
    if prescription.stop_date is None:
        status = "active"
    elif prescription.stop_reason in FINISHED:
        status = "completed"
    else:
        status = "stopped"
    areas = ", ".join(f"{label} {bsa} %" for label, bsa in prescription.area_rows())
    dosage = prescription.get_frequency_display()
    resource: Resource = {
        "resourceType": "MedicationRequest",
        "id": str(prescription.pk),
        **_meta(prescription.updated),
        "status": status,
        "intent": "order",
        "medicationCodeableConcept": {"text": str(prescription.product)},
        "subject": ref("Patient", prescription.patient_id),
        "authoredOn": _instant(prescription.created),
        "requester": ref("Practitioner", prescription.prescriber_id),
        "dosageInstruction": [{"text": f"{dosage}: {areas}" if areas else str(dosage)}],
        "dispenseRequest": {
            "validityPeriod": {
                "start": prescription.start_date.isoformat(),
                "end": (prescription.stop_date or prescription.planned_end).isoformat(),
            },
            "expectedSupplyDuration": {
                "value": prescription.planned_weeks,
                "unit": "weeks",
                "system": codes.UCUM,
                "code": "wk",
            },
        },
    }
    if prescription.tubes:
        resource["dispenseRequest"]["quantity"] = {"value": prescription.tubes, "unit": "tube"}
    if prescription.stop_reason:
        resource["statusReason"] = {"text": prescription.get_stop_reason_display()}
    return resource


# --- medicines -----------------------------------------------------------------------------


def _medication_code(pack: ProductPack) -> dict[str, Any]:
    product = pack.product
    text = f"{product.name} {product.strength} {product.form}, {pack.size_grams} g"
    if product.is_unapproved:  # no GS1 code; say plainly it is not the approved medicine
        return {"text": f"{text} (UNAPPROVED: {product.approval}, maker {product.maker})"}
    return {"coding": [{"system": codes.GTIN, "code": pack.gtin}], "text": text}


def medication_resources(rows: Sequence[ProductPack]) -> list[Resource]:
    return [
        {
            "resourceType": "Medication",
            "id": str(pack.pk),
            "code": _medication_code(pack),
            "status": "active",
            "form": {"text": pack.product.form},
            "ingredient": [
                {
                    "itemCodeableConcept": {"text": pack.product.active_ingredient},
                    "strength": {
                        "numerator": {"value": 1, "unit": pack.product.strength},
                        "denominator": {"value": 1, "unit": "pack"},
                    },
                }
            ],
        }
        for pack in rows
    ]


def _dispensed_medication(dispense: Dispense, local_id: str) -> Resource:
    pack = dispense.pack
    return {
        "resourceType": "Medication",
        "id": local_id,
        "code": _medication_code(pack.product_pack),
        "batch": {"lotNumber": pack.lot.number, "expirationDate": pack.expiry.isoformat()},
    }


def medication_dispense_resources(rows: Sequence[Dispense]) -> list[Resource]:
    return [_medication_dispense(row) for row in rows]


def _medication_dispense(dispense: Dispense) -> Resource:
    pack = dispense.pack
    gtin = pack.product_pack.gtin
    return {
        "resourceType": "MedicationDispense",
        "id": str(dispense.pk),
        **_meta(dispense.at),
        "contained": [_dispensed_medication(dispense, "pack")],
        "identifier": [
            {
                "system": codes.PACK_SYSTEM,
                "value": f"(01){gtin}(21){pack.serial}"
                if gtin
                else f"(10){pack.lot.number}(21){pack.serial}",
            }
        ],
        "status": "completed",
        "medicationReference": {"reference": "#pack"},
        "subject": ref("Patient", dispense.patient_id),
        "performer": [{"actor": ref("Practitioner", dispense.pharmacist_id)}],
        "location": {"display": dispense.pharmacy.name},
        "authorizingPrescription": [ref("MedicationRequest", dispense.prescription_id)],
        "quantity": {"value": dispense.grams, "unit": "g", "system": codes.UCUM, "code": "g"},
        "whenHandedOver": dispense.dispensed_on.isoformat(),
        "note": [
            {
                "text": f"Pack serial {pack.serial}, lot {pack.lot.number}, "
                f"expires {pack.expiry.isoformat()}"
            }
        ],
    }


# --- safety and consent --------------------------------------------------------------------


def adverse_event_resources(rows: Sequence[AdverseEvent]) -> list[Resource]:
    """Each event's suspect entities are the packs dispensed to the patient on or before its
    onset: a contained Medication per lot, with the GTIN, lot number and expiry."""
    before: dict[int, list[Dispense]] = defaultdict(list)
    dispenses = (
        Dispense.objects.filter(patient_id__in={row.patient_id for row in rows})
        .select_related("pack__lot", "pack__product_pack__product")
        .order_by("dispensed_on", "pk")
    )
    for dispense in dispenses:
        before[dispense.patient_id].append(dispense)
    return [_adverse_event(row, before[row.patient_id]) for row in rows]


def _adverse_event(event: AdverseEvent, dispenses: list[Dispense]) -> Resource:
    contained: list[Resource] = []
    lots: set[int] = set()
    for dispense in dispenses:
        if dispense.dispensed_on > event.onset_date or dispense.pack.lot_id in lots:
            continue
        lots.add(dispense.pack.lot_id)
        contained.append(_dispensed_medication(dispense, f"lot-{dispense.pack.lot_id}"))
    causality = []
    if event.causality:
        code = CAUSALITY_CODES[Causality(event.causality)]
        causality = [{"assessment": _concept(CAUSALITY_SYSTEM, code, code.replace("-", "/"))}]
    suspects = []
    for medication in contained:
        entity: Resource = {"instance": {"reference": f"#{medication['id']}"}}
        if causality:
            entity["causality"] = causality
        suspects.append(entity)
    if event.seriousness:
        code, display = SERIOUSNESS_CODES[Seriousness(event.seriousness[0])]
        seriousness = _concept(SERIOUSNESS_SYSTEM, code, display)
    else:
        seriousness = _concept(SERIOUSNESS_SYSTEM, "Non-serious", "Non-serious")
    resource: Resource = {
        "resourceType": "AdverseEvent",
        "id": str(event.pk),
        **_meta(event.updated),
        "actuality": "actual",
        "event": {"text": event.term_text},
        "subject": ref("Patient", event.patient_id),
        "date": event.onset_date.isoformat(),
        "recordedDate": _instant(event.reported_at),
        "seriousness": seriousness,
        "severity": _concept(SEVERITY_SYSTEM, event.severity, event.get_severity_display()),
        "outcome": _concept(
            OUTCOME_SYSTEM, OUTCOME_CODES[Outcome(event.outcome)], event.get_outcome_display()
        ),
    }
    if contained:
        resource["contained"] = contained
        resource["suspectEntity"] = suspects
    recorder = event.reviewed_by_id or event.reported_by_id
    if recorder:
        resource["recorder"] = ref("Practitioner", recorder)
    return resource


PRIVACY = _concept(codes.CONSENT_SCOPE, "patient-privacy", "Privacy Consent")
PATIENT_CONSENT = _concept(codes.LOINC, "59284-0", "Patient Consent")
CONSENT_PURPOSE = {
    purpose: _concept(codes.VITILIGO_SYSTEM, f"consent-{purpose}", display)
    for purpose, display in codes.CONSENT_PURPOSES.items()
}


def consent_resources(rows: Sequence[Consent]) -> list[Resource]:
    return [_consent(row) for row in rows]


def _consent(consent: Consent) -> Resource:
    period: dict[str, str] = {"start": consent.given_on.isoformat()}
    if consent.withdrawn_on:
        period["end"] = consent.withdrawn_on.isoformat()
    resource: Resource = {
        "resourceType": "Consent",
        "id": str(consent.pk),
        **_meta(consent.recorded_at),
        "status": "active" if consent.withdrawn_on is None else "inactive",
        "scope": PRIVACY,
        "category": [PATIENT_CONSENT, CONSENT_PURPOSE[consent.purpose]],
        "patient": ref("Patient", consent.patient_id),
        "dateTime": consent.given_on.isoformat(),
        "organization": [ref("Organization", consent.patient.clinic_id)],
        "policyRule": {"text": "POPIA (Protection of Personal Information Act 4 of 2013)"},
        "provision": {"type": "permit", "period": period},
    }
    if consent.given_by == "guardian":
        resource["performer"] = [
            {"display": f"{consent.guardian_name} ({consent.guardian_relationship})".strip()}
        ]
    return resource
