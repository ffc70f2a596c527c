"""An adverse event as an HL7 FHIR R4 ``AdverseEvent`` resource, validated before it leaves.

fhir.resources 8 models FHIR R5 by default and keeps R4B in ``fhir.resources.R4B``; R4B left
AdverseEvent as R4 had it (R5 reshaped it), so the R4B classes validate an R4 resource.
What R4 has no element for (the end date, the action taken with the cream) goes into the
resource's narrative, with the rest of the case in words.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from repigment.safety.case import Case, SuspectProduct
from repigment.safety.models import Causality, Outcome, ReporterKind, Seriousness

TERMINOLOGY = "http://terminology.hl7.org/CodeSystem/"
SERIOUSNESS_SYSTEM = TERMINOLOGY + "adverse-event-seriousness"
SEVERITY_SYSTEM = TERMINOLOGY + "adverse-event-severity"
OUTCOME_SYSTEM = TERMINOLOGY + "adverse-event-outcome"
CAUSALITY_SYSTEM = TERMINOLOGY + "adverse-event-causality-assess"
CASE_ID_SYSTEM = "urn:repigment:case-safety-report"

SERIOUSNESS_CODES = {
    Seriousness.DEATH: ("SeriousResultsInDeath", "Results in death"),
    Seriousness.LIFE_THREATENING: ("SeriousIsLifeThreatening", "Is Life-threatening"),
    Seriousness.HOSPITALISATION: (
        "SeriousResultsInHospitalization",
        "Requires or prolongs inpatient hospitalization",
    ),
    Seriousness.DISABILITY: (
        "SeriousResultsInDisability",
        "Results in persistent or significant disability/incapacity",
    ),
    Seriousness.CONGENITAL_ANOMALY: (
        "SeriousIsBirthDefect",
        "Is a congenital anomaly/birth defect",
    ),
    Seriousness.OTHER_IMPORTANT: ("Serious", "Serious"),
}
OUTCOME_CODES = {
    Outcome.RECOVERED: "resolved",
    Outcome.RECOVERING: "recovering",
    Outcome.NOT_RECOVERED: "ongoing",
    Outcome.RECOVERED_WITH_SEQUELAE: "resolvedWithSequelae",
    Outcome.FATAL: "fatal",
    Outcome.UNKNOWN: "unknown",
}
CAUSALITY_CODES = {
    Causality.CERTAIN: "Certain",
    Causality.PROBABLE: "Probably-Likely",
    Causality.POSSIBLE: "Possible",
    Causality.UNLIKELY: "Unlikely",
    Causality.CONDITIONAL: "Conditional-Classified",
    Causality.UNASSESSABLE: "Unassessable-Unclassifiable",
}


def _concept(system: str, code: str, display: str, text: str = "") -> dict[str, Any]:
    concept: dict[str, Any] = {"coding": [{"system": system, "code": code, "display": display}]}
    if text:
        concept["text"] = text
    return concept


def _seriousness(case: Case) -> dict[str, Any]:
    """The gravest criterion as the code (one concept, one meaning); all of them as text."""
    criteria = case.event.seriousness
    if not criteria:
        return _concept(SERIOUSNESS_SYSTEM, "Non-serious", "Non-serious")
    code, display = SERIOUSNESS_CODES[Seriousness(criteria[0])]
    return _concept(SERIOUSNESS_SYSTEM, code, display, "; ".join(case.event.seriousness_labels()))


def _medications(case: Case) -> list[dict[str, Any]]:
    """One contained Medication per suspect lot (or one without a lot when none is known)."""
    products = case.suspects or [None]
    contained = []
    for product in products:
        name = product.name if product else "Ruxolitinib 1.5 % cream"
        lots: list[str | None] = list(product.lots) if product and product.lots else [None]
        for lot in lots:
            unapproved = product.unapproved.get(lot) if product and lot else None
            medication: dict[str, Any] = {
                "resourceType": "Medication",
                "id": f"suspect-{len(contained) + 1}",
                "code": {"text": f"{name} — {unapproved}" if unapproved else name},
            }
            if lot:
                medication["batch"] = {"lotNumber": lot}
            contained.append(medication)
    return contained


def _suspect_entities(case: Case, medications: list[dict[str, Any]]) -> list[dict[str, Any]]:
    event = case.event
    causality = []
    if event.causality:
        assessor = event.reviewed_by or event.reported_by
        code = CAUSALITY_CODES[Causality(event.causality)]
        causality = [
            {
                "assessment": _concept(CAUSALITY_SYSTEM, code, code.replace("-", "/")),
                "author": {"display": assessor.full_name if assessor else ""},
            }
        ]
    entities = []
    for medication in medications:
        entity: dict[str, Any] = {"instance": {"reference": f"#{medication['id']}"}}
        if causality:
            entity["causality"] = causality
        entities.append(entity)
    return entities


def _narrative(case: Case) -> dict[str, Any]:
    event = case.event
    rows = [
        ("Event", event.term_text),
        ("Onset", event.onset_date.isoformat()),
        ("End", event.end_date.isoformat() if event.end_date else "ongoing"),
        ("Severity", event.get_severity_display()),
        ("Seriousness", "; ".join(event.seriousness_labels()) or "non-serious"),
        ("Outcome", event.get_outcome_display()),
        ("Action taken with the cream", event.get_action_taken_display()),
        ("Causality (WHO-UMC)", event.get_causality_display() or "not yet assessed"),
        ("Status", event.get_status_display()),
        ("Suspect lots", ", ".join(_all_lots(case.suspects)) or "not recorded"),
        *(("Unapproved product", text) for text in _all_unapproved(case.suspects)),
        ("Description", event.description or "-"),
    ]
    items = "".join(f"<li>{escape(label)}: {escape(str(value))}</li>" for label, value in rows)
    div = f'<div xmlns="http://www.w3.org/1999/xhtml"><ul>{items}</ul></div>'
    return {"status": "generated", "div": div}


def _all_unapproved(products: list[SuspectProduct]) -> list[str]:
    return sorted({text for product in products for text in product.unapproved.values()})


def _all_lots(products: list[SuspectProduct]) -> list[str]:
    return sorted({lot for product in products for lot in product.lots})


def adverse_event_resource(case: Case) -> dict[str, Any]:
    """The resource as plain JSON-ready data (not yet validated)."""
    event = case.event
    medications = _medications(case)
    by_prescriber = event.reporter_kind == ReporterKind.PRESCRIBER
    recorder = event.reported_by if by_prescriber else event.reviewed_by
    resource: dict[str, Any] = {
        "resourceType": "AdverseEvent",
        "id": str(event.pk),
        "text": _narrative(case),
        "contained": medications,
        "identifier": {"system": CASE_ID_SYSTEM, "value": case.report_id},
        "actuality": "actual",
        "event": {"text": event.term_text},
        "subject": {
            "reference": f"Patient/{event.patient_id}",
            "display": f"{case.initials}, {case.sex}, {case.age_at_onset} years at onset",
        },
        "date": event.onset_date.isoformat(),
        "recordedDate": event.reported_at.isoformat(),
        "seriousness": _seriousness(case),
        "severity": _concept(SEVERITY_SYSTEM, event.severity, event.get_severity_display()),
        "outcome": _concept(
            OUTCOME_SYSTEM, OUTCOME_CODES[Outcome(event.outcome)], event.get_outcome_display()
        ),
        "suspectEntity": _suspect_entities(case, medications),
    }
    if recorder is not None:
        resource["recorder"] = {"display": recorder.full_name}
    return resource


def validated_resource(case: Case) -> dict[str, Any]:
    """The resource after fhir.resources has validated it (a ValidationError if it is not)."""
    # Imported here: the FHIR models take a moment to load and only exports need them.
    from fhir.resources.R4B.adverseevent import AdverseEvent as FhirAdverseEvent

    model = FhirAdverseEvent.model_validate(adverse_event_resource(case))
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)  # type: ignore[no-any-return]
