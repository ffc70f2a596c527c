"""The code systems the server uses, and the one it publishes itself (the vitiligo scores).

No LOINC or SNOMED CT code exists for F-VASI, T-VASI, their regions or the Vitiligo
Noticeability Scale, so Repigment defines them in a CodeSystem of its own, served at
``/fhir/R4/CodeSystem/vitiligo`` with each concept's source.
"""

from __future__ import annotations

from typing import Any

from repigment.clinical.references import REFERENCES
from repigment.clinical.scoring import FVASI_REGIONS, TVASI_REGIONS

SNOMED = "http://snomed.info/sct"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
UCUM = "http://unitsofmeasure.org"
GTIN = "https://www.gs1.org/gtin"
TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"
OBSERVATION_CATEGORY = TERMINOLOGY + "observation-category"
CONDITION_CLINICAL = TERMINOLOGY + "condition-clinical"
CONDITION_VERIFICATION = TERMINOLOGY + "condition-ver-status"
CONDITION_CATEGORY = TERMINOLOGY + "condition-category"
CONSENT_SCOPE = TERMINOLOGY + "consentscope"
LOINC = "http://loinc.org"

#: SNOMED CT 56727007 |Vitiligo (disorder)|; ICD-10 L80 Vitiligo.
VITILIGO_SNOMED = "56727007"

CODE_SYSTEM_ID = "vitiligo"
#: The canonical identity of Repigment's own code system (a URN: no web address is implied).
VITILIGO_SYSTEM = "urn:repigment:fhir:CodeSystem:vitiligo"
RECORD_NUMBER_SYSTEM = "urn:repigment:clinic-record-number"
PACK_SYSTEM = "urn:repigment:dispensed-pack"

FVASI = "fvasi"
TVASI = "tvasi"
VNS = "vns"

REGION_NAMES = {
    "face": "Face",
    "head_neck": "Head and neck",
    "hands": "Hands",
    "upper_limbs": "Upper limbs",
    "trunk": "Trunk",
    "lower_limbs": "Lower limbs",
    "feet": "Feet",
}
VITILIGO_TYPES = {
    "non_segmental": "Non-segmental vitiligo",
    "segmental": "Segmental vitiligo",
    "mixed": "Mixed vitiligo",
    "unclassified": "Unclassified vitiligo",
}
CONSENT_PURPOSES = {
    "treatment": "Recording and using health information for care",
    "photos": "Taking and keeping clinical photographs",
    "contact": "Reminders and messages by SMS or e-mail",
    "registry": "De-identified registry use",
}


def region_code(instrument: str, region: str) -> str:
    return f"{instrument}-{region}"


def _source(ref_id: str) -> str:
    ref = REFERENCES[ref_id]
    return f"{ref.title}: {ref.url}"


def _concepts() -> list[dict[str, Any]]:
    vasi = _source("usdermed-vasi")
    concepts: list[dict[str, Any]] = [
        {
            "code": FVASI,
            "display": "Facial Vitiligo Area Scoring Index (F-VASI)",
            "definition": "Face only, 0 to 3: hand units of depigmented skin times residual "
            f"depigmentation. Source: {vasi}",
        },
        {
            "code": TVASI,
            "display": "Total-body Vitiligo Area Scoring Index (T-VASI)",
            "definition": "Six body regions, 0 to 100: hand units times residual "
            f"depigmentation, summed. Source: {vasi}",
        },
    ]
    for instrument, regions in ((FVASI, FVASI_REGIONS), (TVASI, TVASI_REGIONS)):
        for region in regions:
            concepts.append(
                {
                    "code": region_code(instrument, region),
                    "display": f"{instrument.upper().replace('VASI', '-VASI')} subtotal: "
                    f"{REGION_NAMES[region]}",
                    "definition": f"The {REGION_NAMES[region].lower()} region's part of the "
                    f"score. Source: {vasi}",
                }
            )
    concepts.append(
        {
            "code": VNS,
            "display": "Vitiligo Noticeability Scale (VNS)",
            "definition": "The patient's rating, 1 (more noticeable) to 5 (no longer "
            f"noticeable), of their vitiligo since treatment began. Source: "
            f"{_source('nottingham-vns')}",
        }
    )
    for code, display in VITILIGO_TYPES.items():
        concepts.append({"code": f"type-{code}", "display": display})
    for code, display in CONSENT_PURPOSES.items():
        concepts.append({"code": f"consent-{code}", "display": display})
    return concepts


def code_system() -> dict[str, Any]:
    return {
        "resourceType": "CodeSystem",
        "id": CODE_SYSTEM_ID,
        "url": VITILIGO_SYSTEM,
        "version": "1",
        "name": "RepigmentVitiligo",
        "title": "Repigment vitiligo scores, vitiligo types and consent purposes",
        "status": "active",
        "experimental": False,
        "publisher": "Repigment",
        "description": "Codes for what no standard terminology covers: the F-VASI and T-VASI "
        "totals and their region subtotals, the Vitiligo Noticeability Scale, the type of "
        "vitiligo and the purposes a patient consents to.",
        "caseSensitive": True,
        "content": "complete",
        "concept": _concepts(),
    }
