"""Scale-world patients with their consents and diagnosis (invented, like the demo's).

Phototypes lean heavily to V and VI (most patients of a South African registry are African);
about one in ten carries a passport of a neighbouring country instead of a South African ID;
two thirds have started the cream, from a few days to two years ago.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from repigment.clinical.identifiers import Citizenship, format_za_id
from repigment.core.rows import bulk_insert, create_objects
from repigment.core.scale import Chunk
from repigment.patients.demo import FAMILY_NAMES, FEMALE_NAMES, FOREIGN, MALE_NAMES
from repigment.patients.models import (
    Activity,
    Comorbidity,
    Consent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    Diagnosis,
    Patient,
    Sex,
    VitiligoType,
)

#: Phototype I..VI.
PHOTOTYPE_WEIGHTS = (1, 2, 4, 10, 38, 45)
TYPE_WEIGHTS = {
    VitiligoType.NON_SEGMENTAL: 34,
    VitiligoType.MIXED: 3,
    VitiligoType.SEGMENTAL: 2,
    VitiligoType.UNCLASSIFIED: 1,
}
LANGUAGES = {"MZ": "pt", "CD": "fr"}


def record_number(clinic_number: int, number: int) -> str:
    return f"S{clinic_number:02d}-{number + 1:07d}"


def build(chunk: Chunk) -> None:
    clinics = chunk.shared["clinics"]
    prescribers = chunk.shared["prescribers"]
    rng, today = chunk.rng, chunk.today

    def clinic_of(number: int) -> int:
        return number % len(clinics)

    first = chunk.first
    if Patient.objects.filter(
        clinic=clinics[clinic_of(first)], record_number=record_number(clinic_of(first) + 1, first)
    ).exists():
        return  # built by an earlier run
    people = []
    for number in chunk.numbers():
        index = clinic_of(number)
        clinic = clinics[index]
        female = rng.random() < 0.6
        age = rng.choice((rng.randrange(4, 18), *[rng.randrange(18, 80)] * 5))
        born = today - timedelta(days=365 * age + rng.randrange(365))
        foreign = rng.random() < 0.1
        country = rng.choice(FOREIGN)[0] if foreign else ""
        treated = rng.random() < 0.67
        people.append(
            Patient(
                clinic=clinic,
                record_number=record_number(index + 1, number),
                given_names=rng.choice(FEMALE_NAMES if female else MALE_NAMES),
                family_name=rng.choice(FAMILY_NAMES),
                date_of_birth=born,
                sex=Sex.FEMALE if female else Sex.MALE,
                za_id_number="" if foreign else _za_id(born, female, rng.randrange(5000)),
                passport_number=f"{country}{rng.randrange(1000000, 9999999)}" if foreign else "",
                passport_country=country,
                phone=f"+27 82 555 {rng.randrange(1000, 10000)}",
                email=f"patient.{number + 1}@scale.example.org",
                preferred_language=LANGUAGES.get(country, "en"),
                phototype=rng.choices(range(1, 7), weights=PHOTOTYPE_WEIGHTS)[0],
                treatment_start=today - timedelta(days=rng.randrange(3, 730)) if treated else None,
                created_by=prescribers[clinic.pk],
            )
        )
    chunk.patients = _create_patients(people)
    consents: list[dict[str, Any]] = []
    diagnoses = []
    for patient in chunk.patients:
        day = (patient.treatment_start or today) - timedelta(days=rng.randrange(3, 15))
        minor = patient.is_minor_on(day)
        purposes = [ConsentPurpose.TREATMENT, ConsentPurpose.CONTACT]
        purposes += [ConsentPurpose.PHOTOS] if rng.random() < 0.85 else []
        purposes += [ConsentPurpose.REGISTRY] if rng.random() < 0.8 else []
        recorder = prescribers[patient.clinic_id]
        consents += [
            {
                "patient_id": patient.pk,
                "purpose": purpose,
                "given_on": day,
                "method": ConsentMethod.IN_PERSON,
                "given_by": ConsentGiver.GUARDIAN if minor else ConsentGiver.PATIENT,
                "guardian_name": f"Parent of {patient.given_names}" if minor else "",
                "guardian_relationship": "mother" if minor else "",
                "recorded_by_id": recorder.pk,
            }
            for purpose in purposes
        ]
        active = rng.random() < 0.35
        conditions = [c for c in Comorbidity.values if rng.random() < 0.05]
        diagnoses.append(
            Diagnosis(
                patient=patient,
                vitiligo_type=rng.choices(list(TYPE_WEIGHTS), weights=TYPE_WEIGHTS.values())[0],
                onset_year=max(patient.date_of_birth.year + 2, day.year - rng.randrange(0, 20)),
                activity=Activity.ACTIVE if active else Activity.STABLE,
                confetti_lesions=active and rng.random() < 0.5,
                koebner=active and rng.random() < 0.5,
                facial_involvement=rng.random() < 0.85,
                comorbidities=sorted(set(conditions)),
                recorded_on=day,
                recorded_by=recorder,
                notes="Invented scale patient.",
            )
        )
    bulk_insert(Consent, consents)  # columns, not instances: nothing points at them
    create_objects(diagnoses)
    chunk.by_patient["diagnosis"] = {row.patient_id: row for row in diagnoses}


def _za_id(born: date, female: bool, sequence: int) -> str:
    return format_za_id(born, sequence if female else 5000 + sequence, Citizenship.CITIZEN)


def _create_patients(people: list[Patient]) -> list[Patient]:
    """The patients inserted with their search keys (``Patient.objects.bulk_create`` fills
    them the same way)."""
    for person in people:
        person.fill_keys()
    return create_objects(people)
